package io.lws4j;

import java.io.IOException;

/**
 * A send's stage completed exceptionally because the connection's outbound queue was over
 * its bound ({@link Context.Builder#maxOutboundBytes(int)}); nothing of the message was
 * queued. What else happened depends on the {@link SendOverflow} policy.
 *
 * <p>Thread-safe: immutable.
 */
public final class SendQueueFullException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the bound and what was queued
     */
    public SendQueueFullException(String message) {
        super(message);
    }
}
