package io.lws4j.internal.http;

import io.lws4j.internal.deflate.DeflateParams;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The responses a handshake hook's decision turns into: a 101 with the application's extra
 * header fields and subprotocol, or a refusal with its status, fields and reason. Also checks
 * what the application asks for, so that a bad field fails where it is added.
 *
 * <p>It holds no state.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class HandshakeResponses {

    /** The longest reason sent in a refusal's body. */
    public static final int MAX_REASON_CHARS = 1024;

    /** Fields lws4j writes itself, lower case: an application may not add them. */
    private static final Set<String> RESERVED = Set.of("upgrade", "connection", "content-length",
            "content-type", "transfer-encoding");

    private HandshakeResponses() {
    }

    /**
     * Checks a header field an application adds to a handshake response.
     *
     * @param name the name
     * @param value the value
     * @throws IllegalArgumentException when the name is not a token, is reserved (see
     *     {@code HandshakeDecision#header}), or the value holds CR, LF or another control
     *     character but tab, or a character outside ISO-8859-1
     */
    public static void checkHeader(String name, String value) {
        if (!HttpSyntax.isToken(name)) {
            throw new IllegalArgumentException("header name is not a token: " + name);
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (RESERVED.contains(lower) || lower.startsWith("sec-websocket-")) {
            throw new IllegalArgumentException("lws4j writes this header itself: " + name);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F || c > 0xFF) {
                throw new IllegalArgumentException("header value holds a control or non-Latin-1 "
                        + "character: " + name);
            }
        }
    }

    /**
     * A 101 response.
     *
     * @param acceptKey the {@code Sec-WebSocket-Accept} value
     * @param subprotocol the subprotocol to name, or null for none
     * @param deflate the accepted permessage-deflate parameters, or null
     * @param extra the application's fields as name, value, name, value...; checked already
     * @return the response, ready to read
     */
    public static ByteBuffer accept(String acceptKey, String subprotocol, DeflateParams deflate,
            List<String> extra) {
        ResponseHead head = ResponseHead.status(101)
                .header("Upgrade", "websocket")
                .header("Connection", "Upgrade")
                .header("Sec-WebSocket-Accept", acceptKey);
        if (subprotocol != null) {
            head.header("Sec-WebSocket-Protocol", subprotocol);
        }
        if (deflate != null) {
            head.header("Sec-WebSocket-Extensions", deflate.responseValue());
        }
        addAll(head, extra);
        return head.toBuffer();
    }

    /**
     * A refusal: a plain-text response that closes the connection.
     *
     * @param status 4xx or 5xx
     * @param reason the reason, cut to {@link #MAX_REASON_CHARS}; control characters but
     *     tab and newline are replaced
     * @param extra the application's fields as name, value, name, value...; checked already
     * @return the response
     */
    public static HttpResponse refusal(int status, String reason, List<String> extra) {
        ResponseHead head = ResponseHead.status(status);
        addAll(head, extra);
        String text = reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS)
                : reason;
        StringBuilder clean = new StringBuilder(text.length() + 1);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            clean.append((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F ? '?' : c);
        }
        byte[] body = clean.append('\n').toString().getBytes(StandardCharsets.UTF_8);
        head.header("Content-Type", "text/plain; charset=utf-8")
                .header("Content-Length", body.length)
                .header("X-Content-Type-Options", "nosniff")
                .header("Connection", "close");
        return new HttpResponse(head.toBuffer(body), null, 0, false);
    }

    private static void addAll(ResponseHead head, List<String> extra) {
        for (int i = 0; i + 1 < extra.size(); i += 2) {
            head.header(extra.get(i), extra.get(i + 1));
        }
    }
}
