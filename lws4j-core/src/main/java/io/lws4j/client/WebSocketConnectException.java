package io.lws4j.client;

import java.io.IOException;
import java.util.Objects;

/**
 * Why a websocket client connection could not be established; the exception with which
 * the future of {@link WebSocketClient#connect} completes. {@link #reason()} classifies the
 * failure, {@link #getMessage()} explains it, {@link #getCause()} holds the underlying
 * exception when there is one (for example the {@link java.net.UnknownHostException} or
 * the {@link javax.net.ssl.SSLException}).
 *
 * <p>Thread-safe: any method may be called from any thread (immutable).
 */
public final class WebSocketConnectException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The classes of connect failure. */
    public enum Reason {
        /** The host name could not be resolved. */
        UNRESOLVED_HOST,
        /** The TCP connection failed: refused, unreachable, or reset. */
        CONNECT_FAILED,
        /** The connect timeout or the handshake timeout passed. */
        TIMEOUT,
        /** The TLS handshake failed: untrusted certificate, host name mismatch, protocol. */
        TLS_FAILED,
        /** The server answered with a status other than 101 ({@link #status()} tells it). */
        BAD_STATUS,
        /** The 101 response broke RFC 6455: Upgrade, Connection or Sec-WebSocket-Accept
         *  missing or wrong, a subprotocol or extension the client did not offer, or a
         *  malformed or oversized head. */
        BAD_HANDSHAKE,
        /** The server closed the connection, or the transport failed, before the 101. */
        CLOSED,
        /** The context is closed or closing. */
        CONTEXT_CLOSED
    }

    /** The failure class. */
    private final Reason reason;
    /** The HTTP status for {@link Reason#BAD_STATUS}, else 0. */
    private final int status;

    /**
     * @param reason the failure class
     * @param message what happened
     * @param status the HTTP status for {@link Reason#BAD_STATUS}, else 0
     * @param cause the underlying exception, may be null
     */
    public WebSocketConnectException(Reason reason, String message, int status, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.status = status;
    }

    /**
     * @return the failure class
     */
    public Reason reason() {
        return reason;
    }

    /**
     * @return the server's HTTP status for {@link Reason#BAD_STATUS}, else 0
     */
    public int status() {
        return status;
    }
}
