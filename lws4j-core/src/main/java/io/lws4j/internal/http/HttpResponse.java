package io.lws4j.internal.http;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A response ready to send: a head buffer (status line, headers, and for generated
 * responses a small body), optionally followed by the bytes of a file that the service
 * loop streams without reading it into memory.
 *
 * <p>The record is immutable, but the head buffer's position belongs to whoever writes the
 * response: the loop that sends it must not share the buffer.
 *
 * <p>Thread-safe: any method may be called from any thread.
 *
 * @param head the bytes to write first, ready to read (position 0, limit at the end)
 * @param bodyFile the file whose first {@code bodyLength} bytes follow the head, or null
 *     when the whole response is in {@code head} (errors, redirects, HEAD requests)
 * @param bodyLength the number of file bytes to stream, 0 when {@code bodyFile} is null
 * @param keepAlive whether the connection may read another request after this response
 *     (false: close once the response is written)
 */
public record HttpResponse(ByteBuffer head, Path bodyFile, long bodyLength, boolean keepAlive) {

    /**
     * Checks the body description is consistent.
     *
     * @param head the head bytes
     * @param bodyFile the file to stream, or null
     * @param bodyLength the file bytes to stream
     * @param keepAlive whether the connection stays open
     */
    public HttpResponse {
        Objects.requireNonNull(head, "head");
        if (bodyLength < 0 || (bodyFile == null && bodyLength != 0)) {
            throw new IllegalArgumentException("bodyLength " + bodyLength + " for file " + bodyFile);
        }
    }

    /**
     * The status code, read from the status line (for logs and tests).
     *
     * @return the three-digit status
     */
    public int status() {
        // "HTTP/1.1 " is 9 bytes; absolute reads leave the position alone
        return (head.get(9) - '0') * 100 + (head.get(10) - '0') * 10 + (head.get(11) - '0');
    }
}
