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
 * @param httpLimits the query parameter and cookie bounds and the HTTP send timeout
 * @param lingerTimeout the longest a lingering close waits for the peer's end of stream;
 *     {@link #DEFAULT_LINGER_TIMEOUT} unless a test sets another ({@link #withLingerTimeout})
 * @param sendOverflow what a send from any thread does past {@code maxOutboundBytes}
 * @param zlib the memory limit and compression level of the context's permessage-deflate
 *     streams ({@link io.lws4j.internal.deflate.ZlibPool})
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
        io.lws4j.internal.http.HttpRoutes httpRoutes,
        io.lws4j.internal.http.HttpLimits httpLimits,
        Duration lingerTimeout,
        io.lws4j.SendOverflow sendOverflow,
        io.lws4j.internal.deflate.ZlibSettings zlib) {

    /** The linger timeout of every context built by {@link io.lws4j.Context.Builder}. */
    public static final Duration DEFAULT_LINGER_TIMEOUT = Duration.ofSeconds(2);

    /** Checks the linger timeout is positive and the overflow policy and zlib settings set. */
    public ContextConfig {
        java.util.Objects.requireNonNull(sendOverflow, "sendOverflow");
        java.util.Objects.requireNonNull(zlib, "zlib");
        if (lingerTimeout.isNegative() || lingerTimeout.isZero()) {
            throw new IllegalArgumentException("lingerTimeout must be positive: " + lingerTimeout);
        }
    }

    /**
     * The settings of a {@link io.lws4j.Context.Builder}, with the default linger timeout.
     *
     * @param bindAddress see the record
     * @param port see the record
     * @param serviceThreads see the record
     * @param protocols see the record
     * @param mounts see the record
     * @param maxMessageSize see the record
     * @param maxOutboundBytes see the record
     * @param maxHttpHeadBytes see the record
     * @param handshakeTimeout see the record
     * @param idleTimeout see the record
     * @param pingInterval see the record
     * @param originCheck see the record
     * @param permessageDeflate see the record
     * @param compressionThreshold see the record
     * @param tls see the record
     * @param listen see the record
     * @param maxConnections see the record
     * @param lendIdleLoops see the record
     * @param endpoints see the record
     * @param proxies see the record
     * @param httpRoutes see the record
     * @param httpLimits see the record
     */
    public ContextConfig(InetAddress bindAddress, int port, int serviceThreads,
            Map<String, Protocol> protocols, java.util.List<Mount> mounts, int maxMessageSize,
            int maxOutboundBytes, int maxHttpHeadBytes, Duration handshakeTimeout,
            Duration idleTimeout, Duration pingInterval, Predicate<String> originCheck,
            boolean permessageDeflate, int compressionThreshold, javax.net.ssl.SSLContext tls,
            boolean listen, int maxConnections, boolean lendIdleLoops,
            io.lws4j.internal.http.Endpoints endpoints,
            io.lws4j.internal.proxy.ProxySettings proxies,
            io.lws4j.internal.http.HttpRoutes httpRoutes,
            io.lws4j.internal.http.HttpLimits httpLimits) {
        this(bindAddress, port, serviceThreads, protocols, mounts, maxMessageSize,
                maxOutboundBytes, maxHttpHeadBytes, handshakeTimeout, idleTimeout, pingInterval,
                originCheck, permessageDeflate, compressionThreshold, tls, listen, maxConnections,
                lendIdleLoops, endpoints, proxies, httpRoutes, httpLimits, DEFAULT_LINGER_TIMEOUT,
                io.lws4j.SendOverflow.FAIL, io.lws4j.internal.deflate.ZlibSettings.DEFAULTS);
    }

    /**
     * Internal test hook, not reachable through the public API: these settings with another
     * linger timeout, so that a test can tell "waited out the linger" from "did not" by a
     * margin no loaded machine closes ({@code ContextImpl.start} takes the result).
     *
     * @param timeout the linger timeout, positive
     * @return a copy with {@code timeout}
     */
    public ContextConfig withLingerTimeout(Duration timeout) {
        return new ContextConfig(bindAddress, port, serviceThreads, protocols, mounts,
                maxMessageSize, maxOutboundBytes, maxHttpHeadBytes, handshakeTimeout,
                idleTimeout, pingInterval, originCheck, permessageDeflate, compressionThreshold,
                tls, listen, maxConnections, lendIdleLoops, endpoints, proxies, httpRoutes,
                httpLimits, timeout, sendOverflow, zlib);
    }

    /**
     * These settings with another overflow policy for sends from any thread.
     *
     * @param policy the policy
     * @return a copy with {@code policy}
     */
    public ContextConfig withSendOverflow(io.lws4j.SendOverflow policy) {
        return new ContextConfig(bindAddress, port, serviceThreads, protocols, mounts,
                maxMessageSize, maxOutboundBytes, maxHttpHeadBytes, handshakeTimeout,
                idleTimeout, pingInterval, originCheck, permessageDeflate, compressionThreshold,
                tls, listen, maxConnections, lendIdleLoops, endpoints, proxies, httpRoutes,
                httpLimits, lingerTimeout, policy, zlib);
    }

    /**
     * These settings with other permessage-deflate stream settings.
     *
     * @param settings the memory limit and compression level
     * @return a copy with {@code settings}
     */
    public ContextConfig withZlib(io.lws4j.internal.deflate.ZlibSettings settings) {
        return new ContextConfig(bindAddress, port, serviceThreads, protocols, mounts,
                maxMessageSize, maxOutboundBytes, maxHttpHeadBytes, handshakeTimeout,
                idleTimeout, pingInterval, originCheck, permessageDeflate, compressionThreshold,
                tls, listen, maxConnections, lendIdleLoops, endpoints, proxies, httpRoutes,
                httpLimits, lingerTimeout, sendOverflow, settings);
    }

    /**
     * A static file mount.
     *
     * @param urlPrefix the URL path prefix, starting with '/'
     * @param directory the directory served
     */
    public record Mount(String urlPrefix, Path directory) {
    }
}
