package io.lws4j.internal.loop;

import io.lws4j.Protocol;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The settings a {@link io.lws4j.Context.Builder} collected, validated there.
 *
 * <p>Thread-safe: immutable (the protocol map is an insertion-ordered copy that nobody
 * mutates after construction).
 *
 * @param bindAddress the listen address, null for all interfaces
 * @param port the port, 0 for ephemeral
 * @param serviceThreads the number of service loops
 * @param protocols the protocols by name, in registration order (the first is the default)
 * @param mounts static file mounts in registration order
 * @param maxMessageSize the largest reassembled message accepted
 * @param maxOutboundBytes the per-connection outbound buffer bound
 * @param maxHttpHeadBytes the largest HTTP request head accepted
 * @param handshakeTimeout the time allowed for a complete request head
 * @param idleTimeout websocket idle timeout, zero for none
 * @param pingInterval websocket ping interval, zero for none
 * @param originCheck the Origin check, null for none
 * @param permessageDeflate whether permessage-deflate offers may be accepted
 * @param compressionThreshold outgoing messages shorter than this are sent uncompressed on
 *     permessage-deflate connections, unless the protocol or client options set their own
 * @param tls the server's TLS context (wss), null for plain ws
 * @param listen false for a context without a listening socket (clients only)
 * @param maxConnections the most connections (accepted and client) open at once; the
 *     listener stops accepting at this count
 * @param lendIdleLoops whether a loop idle in select lends its service role to a threadpool
 *     worker answering its own SYNC (see {@link ServiceLoop})
 * @param endpoints the websocket path bindings and same-origin requirements
 * @param proxies the trusted proxies and whether the listener expects a PROXY header
 * @param httpRoutes the dynamic HTTP handlers by path and their request body bound
 */
public record ContextConfig(
        InetAddress bindAddress,
        int port,
        int serviceThreads,
        Map<String, Protocol> protocols,
        java.util.List<Mount> mounts,
        int maxMessageSize,
        int maxOutboundBytes,
        int maxHttpHeadBytes,
        Duration handshakeTimeout,
        Duration idleTimeout,
        Duration pingInterval,
        Predicate<String> originCheck,
        boolean permessageDeflate,
        int compressionThreshold,
        javax.net.ssl.SSLContext tls,
        boolean listen,
        int maxConnections,
        boolean lendIdleLoops,
        io.lws4j.internal.http.Endpoints endpoints,
        io.lws4j.internal.proxy.ProxySettings proxies,
        io.lws4j.internal.http.HttpRoutes httpRoutes) {

    /**
     * A static file mount.
     *
     * @param urlPrefix the URL path prefix, starting with '/'
     * @param directory the directory served
     */
    public record Mount(String urlPrefix, Path directory) {
    }
}
