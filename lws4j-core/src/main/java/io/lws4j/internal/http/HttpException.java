package io.lws4j.internal.http;

/**
 * A request that cannot be served, with the HTTP status to answer it with (400 malformed,
 * 405 method, 413 body announced, 431 head too large, 505 version ...).
 *
 * <p>The message is short, safe to show to the peer, and free of CR and LF.
 *
 * <p>Instances are immutable.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class HttpException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * Creates the exception.
     *
     * @param status the HTTP status code, 400..599
     * @param message a short explanation for the peer
     */
    public HttpException(int status, String message) {
        super(message);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("not an error status: " + status);
        }
        this.status = status;
    }

    /**
     * The status to answer with.
     *
     * @return the HTTP status code
     */
    public int status() {
        return status;
    }
}
