/**
 * The service context ({@link io.lws4j.Context}, libwebsockets' {@code lws_context}),
 * connections ({@link io.lws4j.Connection}, lws' {@code wsi}) and the protocol callbacks
 * ({@link io.lws4j.Protocol}).
 *
 * <p>Threading: a context runs one or more service loops, each a single thread. Every
 * connection belongs to one loop for its whole life, and every {@code Protocol} callback
 * for it runs on that loop's thread. Connection methods are confined to that thread
 * unless their documentation says otherwise; other threads reach a connection through
 * {@link io.lws4j.Connection#execute(Runnable)}.
 */
package io.lws4j;
