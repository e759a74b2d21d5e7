package io.lws4j.internal.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Builds a response head: status line, header lines, blank line, and an optional small
 * body appended after it.
 *
 * <p>Names and values are written as given; callers pass constants or values they have
 * checked to hold no CR, LF or other control character (see {@link #safeText}).
 *
 * <p>Not thread-safe: instances must not be shared.
 */
final class ResponseHead {

    /**
     * The Content-Security-Policy of every static response: same-origin content, websocket
     * connections allowed (the pages we serve open them), no plugins, no framing.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; connect-src 'self' ws: wss:; "
            + "img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    private final StringBuilder text = new StringBuilder(256);

    private ResponseHead(int status) {
        text.append("HTTP/1.1 ").append(status).append(' ').append(reasonPhrase(status)).append("\r\n");
    }

    static ResponseHead status(int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status " + status);
        }
        return new ResponseHead(status);
    }

    ResponseHead header(String name, String value) {
        text.append(name).append(": ").append(value).append("\r\n");
        return this;
    }

    ResponseHead header(String name, long value) {
        text.append(name).append(": ").append(value).append("\r\n");
        return this;
    }

    /** The headers lws' security best-practice option sends, adapted to websocket pages. */
    ResponseHead securityHeaders() {
        return header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("X-Frame-Options", "DENY");
    }

    /** The finished head with nothing after the blank line. */
    ByteBuffer toBuffer() {
        return toBuffer(null);
    }

    /** The finished head followed by {@code body} (may be null). */
    ByteBuffer toBuffer(byte[] body) {
        text.append("\r\n");
        byte[] headBytes = text.toString().getBytes(StandardCharsets.ISO_8859_1);
        int bodyLength = body == null ? 0 : body.length;
        ByteBuffer buffer = ByteBuffer.allocate(headBytes.length + bodyLength);
        buffer.put(headBytes);
        if (body != null) {
            buffer.put(body);
        }
        return buffer.flip();
    }

    /** Replaces control characters, so peer-influenced text can go into a header or body. */
    static String safeText(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(c < 0x20 || c == 0x7F ? '?' : c);
        }
        return out.toString();
    }

    static String reasonPhrase(int status) {
        return switch (status) {
            case 101 -> "Switching Protocols";
            case 200 -> "OK";
            case 301 -> "Moved Permanently";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 426 -> "Upgrade Required";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> status < 500 ? "Client Error" : "Server Error";
        };
    }
}
