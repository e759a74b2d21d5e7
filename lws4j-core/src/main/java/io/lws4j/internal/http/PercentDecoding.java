package io.lws4j.internal.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Percent-decoding (RFC 3986 §2.1) of request paths and query components into UTF-8 text,
 * strictly: a {@code %} not followed by two hex digits, or decoded bytes that are not UTF-8,
 * are refused with 400 rather than guessed at.
 *
 * <p>It holds no state.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class PercentDecoding {

    private PercentDecoding() {
    }

    /**
     * Decodes {@code s[from, to)}.
     *
     * @param s the encoded text
     * @param from the first index
     * @param to the index after the last
     * @param plusIsSpace whether '+' stands for a space (application/x-www-form-urlencoded
     *     query components), else it is itself
     * @param what what is decoded, for the error message ("path", "query parameter")
     * @return the decoded text
     * @throws HttpException 400 for a malformed escape or invalid UTF-8
     */
    public static String decode(String s, int from, int to, boolean plusIsSpace, String what)
            throws HttpException {
        int firstSpecial = -1;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%' || (plusIsSpace && c == '+') || c > 0x7F) {
                firstSpecial = i;
                break;
            }
        }
        if (firstSpecial < 0) {
            return s.substring(from, to); // the common case: nothing to decode
        }
        byte[] bytes = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 1 < to ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = i + 2 < to ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0 || s.charAt(i + 1) > 0x7F || s.charAt(i + 2) > 0x7F) {
                    throw new HttpException(400, "malformed percent-encoding in " + what);
                }
                bytes[n++] = (byte) ((hi << 4) | lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes[n++] = ' ';
            } else if (c <= 0xFF) {
                // the request head is read as ISO-8859-1: each char is one byte of the wire
                bytes[n++] = (byte) c;
            } else {
                throw new HttpException(400, "character outside ISO-8859-1 in " + what);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, n)).toString();
        } catch (CharacterCodingException e) {
            throw new HttpException(400, what + " is not valid UTF-8 once percent-decoded");
        }
    }
}
