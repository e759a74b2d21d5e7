package io.lws4j.internal.conn;

import io.lws4j.Connection;
import io.lws4j.Protocol;
import io.lws4j.internal.deflate.DeflateParams;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * What a connection needs to play the client side of the opening handshake and of framing:
 * the request to send, the check of the server's response, masking keys, and where to
 * report the outcome (exactly once: {@link #established} or {@link #failed}).
 *
 * <p>Service-thread confined: all methods must be called on the owning service thread.
 */
public interface ClientRole {

    /**
     * @return the HTTP upgrade request, sent first
     */
    ByteBuffer request();

    /**
     * @return the protocol whose callbacks serve the connection
     */
    Protocol protocol();

    /**
     * @return the time allowed from the TCP connect to a valid 101 response
     */
    Duration handshakeTimeout();

    /**
     * Consumes response bytes up to and including the blank line ending the head (bytes
     * after it, the first frames, stay in {@code buf}).
     *
     * @param buf received bytes
     * @return the subprotocol the server chose ("" for none) once the head is complete and
     *     valid; null when more bytes are needed
     * @throws IOException when the response refuses or breaks the handshake
     */
    String readResponse(ByteBuffer buf) throws IOException;

    /**
     * @return the permessage-deflate parameters the server accepted, or null when it
     *     accepted none; valid once {@link #readResponse} returned non-null
     */
    DeflateParams deflateParams();

    /**
     * @return the compression threshold the client options set, or a negative value for the
     *     context's
     */
    int compressionThreshold();

    /**
     * @return a fresh unpredictable masking key for the next frame
     */
    int nextMaskKey();

    /**
     * The handshake succeeded; called after {@link Protocol#onEstablished}.
     *
     * @param connection the open connection
     */
    void established(Connection connection);

    /**
     * The handshake failed or the connection closed before it completed.
     *
     * @param cause why; a {@link java.net.SocketTimeoutException} for the handshake timeout,
     *     a {@link javax.net.ssl.SSLException} for TLS, null when the peer just closed
     */
    void failed(IOException cause);
}
