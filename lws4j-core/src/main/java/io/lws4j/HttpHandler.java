package io.lws4j;

/**
 * Answers plain HTTP requests to a path (lws {@code LWS_CALLBACK_HTTP} on a mount whose
 * origin is a callback, {@code LWSMPRO_CALLBACK}): a {@code /health} probe, a small JSON
 * API, {@code /metrics}. Registered with {@link Context.Builder#http}.
 *
 * <p>The handler runs on the connection's service thread, so it must not block: a handler
 * that needs a database or another slow call hands the {@link HttpExchange} to a worker
 * and returns; the worker completes it later, from any thread (as a deferred
 * {@link HandshakeDecision}). Until then the loop serves its other connections.
 *
 * <p>A handler that throws before the response started is answered with
 * {@code 500 Internal Server Error}, and the exception is logged once; after a streamed
 * response started, the connection closes (the client sees a truncated body).
 *
 * <p>Threading: called on a service thread; implementations shared by several contexts or
 * service threads must be thread-safe.
 */
@FunctionalInterface
public interface HttpHandler {

    /**
     * Handles one request. The request body, when there is one, has been read completely
     * ({@link HttpExchange#body()}).
     *
     * @param request the request: method ({@code GET}, {@code HEAD} or {@code POST}),
     *     decoded path, query, headers and cookies
     * @param exchange where the response goes; completing it later, from another thread, is
     *     allowed
     * @throws Exception anything: the client gets 500 and the exception is logged
     */
    void handle(Request request, HttpExchange exchange) throws Exception;
}
