/**
 * lws4j: a lightweight websocket library in the spirit of libwebsockets.
 *
 * <p>{@link io.lws4j} holds the service context, connections and protocol callbacks;
 * {@link io.lws4j.threadpool} holds the libwebsockets threadpool: workers that run
 * blocking tasks bound to a connection and synchronise with its service thread.
 * {@link io.lws4j.client} opens websocket client connections.
 * Everything under {@code io.lws4j.internal} is an implementation detail and is not
 * exported.
 */
module io.lws4j {
    exports io.lws4j;
    exports io.lws4j.threadpool;
    exports io.lws4j.client;

    requires java.management;
    requires jdk.jfr;
}
