package io.lws4j;

import java.io.IOException;

/**
 * A send's stage completed exceptionally because the connection was closing or closed
 * before the message was written to the socket (its close handshake had started, the peer
 * left, or the context closed). Whether the peer received a message that failed this way
 * is unknown only when the transport failed in the middle of writing it.
 *
 * <p>Thread-safe: immutable.
 */
public final class ConnectionClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was refused
     */
    public ConnectionClosedException(String message) {
        super(message);
    }
}
