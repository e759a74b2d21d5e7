package io.lws4j.internal.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Response heads and body framing for dynamic HTTP handlers: a complete response with a
 * {@code Content-Length}, the head of a streamed one (chunked, or delimited by the
 * connection's end for HTTP/1.0), and chunk framing.
 *
 * <p>It holds no state.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class DynamicResponses {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private DynamicResponses() {
    }

    /**
     * Checks a status and content type the application passes.
     *
     * @param status the status
     * @param contentType the content type, or null
     * @throws IllegalArgumentException when the status is not 200 to 599 or the content type
     *     holds a control character
     */
    public static void checkStatus(int status, String contentType) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("a handler's status is 200 to 599: " + status);
        }
        if (contentType != null) {
            HandshakeResponses.checkHeader("X-Content-Type", contentType);
        }
    }

    /** @return true for the statuses that never carry a body or a length (204, 304) */
    public static boolean isBodiless(int status) {
        return status == 204 || status == 304;
    }

    /**
     * A complete response.
     *
     * @param status the status
     * @param contentType the content type, or null
     * @param extra the application's fields as name, value, ...; checked already
     * @param body the body (may be empty)
     * @param withBody false for a HEAD request: the length is sent, the body is not
     * @param keepAlive whether the connection stays open
     * @return the bytes
     */
    public static ByteBuffer complete(int status, String contentType, List<String> extra,
            byte[] body, boolean withBody, boolean keepAlive) {
        ResponseHead head = head(status, contentType, extra, keepAlive);
        if (!isBodiless(status)) {
            head.header("Content-Length", body.length);
        }
        return head.toBuffer(withBody && !isBodiless(status) ? body : null);
    }

    /**
     * The head of a streamed response.
     *
     * @param status the status
     * @param contentType the content type, or null
     * @param extra the application's fields as name, value, ...; checked already
     * @param chunked true for chunked framing; false for a body ended by the connection's
     *     end (then {@code keepAlive} must be false)
     * @param keepAlive whether the connection stays open after the body
     * @return the bytes
     */
    public static ByteBuffer streamHead(int status, String contentType, List<String> extra,
            boolean chunked, boolean keepAlive) {
        ResponseHead head = head(status, contentType, extra, keepAlive);
        if (chunked) {
            head.header("Transfer-Encoding", "chunked");
        }
        return head.toBuffer();
    }

    /**
     * @param data the chunk's bytes, not empty
     * @param chunked whether to frame them as a chunk
     * @return the bytes to queue
     */
    public static ByteBuffer chunk(ByteBuffer data, boolean chunked) {
        if (!chunked) {
            ByteBuffer copy = ByteBuffer.allocate(data.remaining());
            return copy.put(data).flip();
        }
        byte[] size = (Integer.toHexString(data.remaining()) + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(size.length + data.remaining() + CRLF.length);
        return out.put(size).put(data).put(CRLF).flip();
    }

    /** @return the chunked body's last chunk */
    public static ByteBuffer lastChunk() {
        return ByteBuffer.wrap(LAST_CHUNK.clone());
    }

    private static ResponseHead head(int status, String contentType, List<String> extra,
            boolean keepAlive) {
        ResponseHead head = ResponseHead.status(status);
        if (contentType != null) {
            head.header("Content-Type", contentType);
        }
        for (int i = 0; i + 1 < extra.size(); i += 2) {
            head.header(extra.get(i), extra.get(i + 1));
        }
        if (!keepAlive) {
            head.header("Connection", "close");
        }
        return head;
    }
}
