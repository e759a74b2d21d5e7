package io.lws4j;

/**
 * The answer to one opening handshake, given by {@link Protocol#onHandshake} (lws
 * {@code LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION}, whose non-zero return refuses the
 * connection; here the refusal has a status, headers and a reason, and the answer may come
 * later, from another thread, as with Node {@code ws}'s asynchronous {@code verifyClient}).
 *
 * <p>Exactly one of {@link #accept()} and {@link #refuse(int, String)} takes effect: the
 * first. Every later completion, and any completion after the handshake timed out (the
 * client got 503) or the client left, does nothing and returns false. Until a completion
 * the service loop goes on serving its other connections; the undecided connection's
 * handshake timeout ({@link Context.Builder#handshakeTimeout}) starts again when
 * {@code onHandshake} returns, and when it runs out the client gets
 * {@code 503 Service Unavailable}.
 *
 * <p>Instances are created by lws4j; applications do not implement this interface.
 *
 * <p>Thread-safe: every method may be called from any thread, during {@code onHandshake} or
 * after it returns.
 *
 * <p>Memory consistency effects: actions in a thread before it completes the decision
 * happen-before {@link Protocol#onEstablished} of the accepted connection; the request and
 * everything before the {@code onHandshake} call happen-before any action of the hook and
 * of the threads it hands the decision to (through the hand-over the application uses).
 */
public interface HandshakeDecision {

    /**
     * Adds a header field to the response, whichever it is (the 101 of an acceptance, or
     * a refusal), such as {@code Set-Cookie}. Has no effect once the decision is complete.
     *
     * @param name a header name (token); the fields lws4j writes itself ({@code Upgrade},
     *     {@code Connection}, {@code Content-Length}, {@code Content-Type},
     *     {@code Transfer-Encoding} and every {@code Sec-WebSocket-*} field) are refused
     * @param value the value, without CR or LF
     * @return this decision
     * @throws IllegalArgumentException for a reserved or malformed name or value
     */
    HandshakeDecision header(String name, String value);

    /**
     * Chooses the subprotocol the 101 names, instead of the first offered one that is
     * registered. The connection stays served by the protocol whose hook was called.
     * Has no effect once the decision is complete.
     *
     * @param name one of {@link Request#subprotocols()}, or null to name none
     * @return this decision
     * @throws IllegalArgumentException when the client did not offer {@code name}
     */
    HandshakeDecision subprotocol(String name);

    /**
     * The connection this handshake would open, so that work deciding it can be bound to it:
     * typically a {@link io.lws4j.threadpool.ThreadPool} task
     * ({@code TaskArgs.builder(decision.connection(), ...)}) whose function makes a slow
     * lookup on a pool worker and completes this decision from there, with the pool's
     * bounded queue and diagnostics.
     *
     * <p>Until accepted the connection is not open: {@link Connection#isOpen()} is false,
     * writes fail and its protocol gets no callback; {@link Connection#request()} is the
     * request. When the handshake is refused, times out or the client leaves, the connection
     * closes without {@link Protocol#onEstablished} or {@link Protocol#onClosed}, and the
     * tasks bound to it are stopped and cleaned as for any closing connection. A task that
     * ended before the connection opened asks for no {@code onWritable}; reap it in
     * {@code onEstablished} ({@link io.lws4j.threadpool.ThreadPool#taskOf}, then
     * {@code status()}), or it is cleaned when the connection closes.
     *
     * @return the connection being opened, the same object {@code onEstablished} gets
     */
    Connection connection();

    /**
     * Accepts the upgrade: the 101 goes out and {@link Protocol#onEstablished} follows on the
     * connection's service thread.
     *
     * @return true when this call decided the handshake; false when it was already
     *     decided, timed out or the client left
     */
    boolean accept();

    /**
     * Refuses the upgrade with an HTTP status and a short plain-text reason; the connection
     * closes after the response.
     *
     * @param status a status from 400 to 599 (401 asks for credentials, 403 forbids, 404
     *     names no endpoint, 429 or 503 ask to come back later)
     * @param reason what a person reading the response should know; at most 1024 characters
     *     are sent
     * @return true when this call decided the handshake; false when it was already
     *     decided, timed out or the client left
     * @throws IllegalArgumentException when the status is not 4xx or 5xx
     */
    boolean refuse(int status, String reason);

    /**
     * @return true once the handshake has been decided, timed out or abandoned
     */
    boolean isDecided();
}
