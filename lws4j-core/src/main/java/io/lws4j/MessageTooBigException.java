package io.lws4j;

import java.io.IOException;

/**
 * A send's stage completed exceptionally because the message is larger than the context's
 * {@link Context.Builder#maxMessageSize(int)}; nothing was queued. Send larger messages in
 * fragments with {@link Connection#sendStream(boolean)}, which keeps the heap bounded.
 *
 * <p>Thread-safe: immutable.
 */
public final class MessageTooBigException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the size and the limit
     */
    public MessageTooBigException(String message) {
        super(message);
    }
}
