package io.lws4j.internal.frame;

/**
 * Measures and writes the UTF-8 form of Java strings straight into a byte array, with the
 * same result as {@code String.getBytes(UTF_8)}: an unpaired surrogate becomes {@code '?'}.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
final class Utf8Encoding {

    private Utf8Encoding() {
    }

    /**
     * Counts the UTF-8 bytes of {@code text}.
     *
     * @param text the text
     * @return its encoded length
     */
    static int encodedLength(String text) {
        return encodedLength(text, text.length());
    }

    /**
     * Counts the UTF-8 bytes of the first {@code charEnd} chars of {@code text}.
     *
     * @param text the text
     * @param charEnd how many chars to count; must not split a surrogate pair
     * @return their encoded length
     */
    static int encodedLength(String text, int charEnd) {
        long bytes = 0;
        for (int i = 0; i < charEnd; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (isPairAt(text, i, charEnd)) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes += 1;
            } else {
                bytes += 3;
            }
        }
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("text too long to encode: " + bytes + " bytes");
        }
        return (int) bytes;
    }

    /**
     * Finds how many chars of {@code text} fit in {@code maxBytes} encoded bytes without
     * splitting a code point.
     *
     * @param text the text
     * @param maxBytes the byte budget
     * @return the number of leading chars whose encoding fits
     */
    static int charsFitting(String text, int maxBytes) {
        int bytes = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            int charCount = 1;
            int width;
            if (c < 0x80) {
                width = 1;
            } else if (c < 0x800) {
                width = 2;
            } else if (isPairAt(text, i, n)) {
                width = 4;
                charCount = 2;
            } else if (Character.isSurrogate(c)) {
                width = 1;
            } else {
                width = 3;
            }
            if (bytes + width > maxBytes) {
                break;
            }
            bytes += width;
            i += charCount;
        }
        return i;
    }

    /**
     * Writes the UTF-8 form of the first {@code charEnd} chars of {@code text}.
     *
     * @param text the text
     * @param charEnd how many chars to write; must not split a surrogate pair
     * @param dst the destination array, with room for {@link #encodedLength(String, int)}
     * @param offset where to start writing
     * @return the index after the last byte written
     */
    static int encode(String text, int charEnd, byte[] dst, int offset) {
        int p = offset;
        int i = 0;
        while (i < charEnd && text.charAt(i) < 0x80) {
            dst[p++] = (byte) text.charAt(i++);
        }
        for (; i < charEnd; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                dst[p++] = (byte) c;
            } else if (c < 0x800) {
                dst[p++] = (byte) (0xC0 | (c >> 6));
                dst[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (isPairAt(text, i, charEnd)) {
                int cp = Character.toCodePoint(c, text.charAt(++i));
                dst[p++] = (byte) (0xF0 | (cp >> 18));
                dst[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                dst[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                dst[p++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                dst[p++] = (byte) '?';
            } else {
                dst[p++] = (byte) (0xE0 | (c >> 12));
                dst[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                dst[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return p;
    }

    private static boolean isPairAt(String text, int i, int end) {
        return Character.isHighSurrogate(text.charAt(i))
                && i + 1 < end
                && Character.isLowSurrogate(text.charAt(i + 1));
    }
}
