package io.lws4j.internal.frame;

/**
 * A peer broke RFC 6455; the connection must be failed with {@link #closeCode()}.
 *
 * <p>Thread-safe: any method may be called from any thread (instances are immutable).
 */
public final class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The close code to send to the peer. */
    private final int closeCode;

    /**
     * Creates the exception.
     *
     * @param closeCode the close code to send (1002, 1007, 1009 ...)
     * @param message what the peer did wrong, for the log and the close reason
     */
    public ProtocolException(int closeCode, String message) {
        super(message);
        this.closeCode = closeCode;
    }

    /**
     * Returns the close code to fail the connection with.
     *
     * @return the close code (1002 protocol error, 1007 invalid payload, 1009 too big ...)
     */
    public int closeCode() {
        return closeCode;
    }
}
