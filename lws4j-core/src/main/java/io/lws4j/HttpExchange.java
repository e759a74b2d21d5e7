package io.lws4j;

import java.util.concurrent.CompletionStage;

/**
 * One dynamic HTTP request and its response, handed to an {@link HttpHandler} (lws
 * {@code LWS_CALLBACK_HTTP} with {@code lws_add_http_common_headers},
 * {@code lws_finalize_write_http_header} and {@code lws_write(LWS_WRITE_HTTP_FINAL)}).
 *
 * <p>Exactly one of {@link #respond(int, String, byte[])} and {@link #stream} takes effect:
 * the first. Every later one, and any one after the client left, the connection closed, or
 * the response timed out (no response within {@link Context.Builder#handshakeTimeout} after
 * the handler returned: the client got {@code 503}), does nothing and returns false or
 * null. A HEAD request is answered with the head of the response, without its body.
 *
 * <p>Keep-alive follows HTTP/1.1: the connection reads the next request once the response
 * is written, unless the client sent {@code Connection: close} (or is HTTP/1.0 without
 * keep-alive), or a streamed response to an HTTP/1.0 client ends with the connection.
 *
 * <p>Instances are created by lws4j; applications do not implement this interface.
 *
 * <p>Thread-safe: every method may be called from any thread, during
 * {@link HttpHandler#handle} or after it returns.
 *
 * <p>Memory consistency effects: actions in a thread before it completes the exchange
 * happen-before the response bytes are queued on the service thread (the same hand-over as
 * {@link HandshakeDecision}: this object's monitor, then the loop's command queue).
 */
public interface HttpExchange {

    /**
     * @return the request body, read completely before the handler was called; empty when
     *     the request had none. The array is the exchange's own: do not modify it.
     */
    byte[] body();

    /**
     * Adds a header field to the response. Has no effect once the response started.
     *
     * @param name a header name (token); the fields lws4j writes itself
     *     ({@code Content-Length}, {@code Content-Type}, {@code Transfer-Encoding},
     *     {@code Connection}, {@code Upgrade} and every {@code Sec-WebSocket-*} field) are
     *     refused
     * @param value the value, without CR or LF
     * @return this exchange
     * @throws IllegalArgumentException for a reserved or malformed name or value
     */
    HttpExchange header(String name, String value);

    /**
     * Sends a complete response with a {@code Content-Length}.
     *
     * @param status 200 to 599 (204 and 304 take an empty body and send no length)
     * @param contentType the {@code Content-Type}, or null to send none
     * @param body the body (copied when the response is applied); null for none
     * @return true when this call started the response; false when it was already started
     *     or the exchange is over
     * @throws IllegalArgumentException for a status out of range, a 204 or 304 with a body,
     *     or a content type holding control characters
     */
    boolean respond(int status, String contentType, byte[] body);

    /**
     * Sends a complete response whose body is {@code body} in UTF-8.
     *
     * @param status 200 to 599
     * @param contentType the {@code Content-Type}, or null to send none; name the charset
     *     ({@code text/plain; charset=utf-8})
     * @param body the body text, or null for none
     * @return as {@link #respond(int, String, byte[])}
     * @throws IllegalArgumentException as {@link #respond(int, String, byte[])}
     */
    boolean respond(int status, String contentType, String body);

    /**
     * Starts a streamed response whose body is written in pieces: chunked for an HTTP/1.1
     * client, ended by closing the connection for an HTTP/1.0 one. The head goes out at once.
     *
     * @param status 200 to 599, not 204 or 304
     * @param contentType the {@code Content-Type}, or null to send none
     * @return the body's sink; null when the response was already started or the exchange
     *     is over
     * @throws IllegalArgumentException for a status out of range or a content type holding
     *     control characters
     */
    HttpBodyStream stream(int status, String contentType);

    /**
     * @return true once the response has been given completely (responded, or the stream
     *     ended), or the exchange is over because the client left, the connection closed or
     *     the response timed out
     */
    boolean isDone();

    /**
     * The body of a streamed response, with backpressure: at most one write is outstanding,
     * and a write's stage completes once the connection's queue has drained, so the server
     * never holds more than {@link Context.Builder#maxOutboundBytes} of one response.
     *
     * <p>Thread-safe: every method may be called from any thread. The stages may complete
     * on the service thread: dependent actions without an executor run there and must be
     * short; use the {@code *Async} variants for anything else.
     */
    interface HttpBodyStream {

        /**
         * Queues the next piece of the body (copied before this method returns).
         *
         * @param data the bytes, at most {@link Context.Builder#maxOutboundBytes}; empty
         *     data is allowed and sends nothing
         * @return a stage completing when the next write may be made; completing
         *     exceptionally with {@link java.io.IOException} when the client left or the
         *     connection closed
         * @throws IllegalStateException when the previous write's stage has not completed,
         *     or after {@link #end()}
         * @throws IllegalArgumentException when {@code data} exceeds the outbound bound
         */
        CompletionStage<Void> write(java.nio.ByteBuffer data);

        /**
         * Ends the body; the connection reads the next request once it is written (or
         * closes, as {@link HttpExchange} describes).
         *
         * @return true when this call ended the stream; false when it had ended or the
         *     exchange is over
         * @throws IllegalStateException when a write's stage has not completed
         */
        boolean end();
    }
}
