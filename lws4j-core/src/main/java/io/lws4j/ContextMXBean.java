package io.lws4j;

import java.util.Map;

/**
 * A context's figures as a JMX MXBean. A context with JMX on (the default, see
 * {@link Context.Builder#jmx(boolean)}) is registered in the platform MBean server by
 * {@link Context.Builder#build()} under {@code io.lws4j:type=Context,name=<name>}
 * ({@link Context.Builder#name(String)}; the value is quoted when it holds characters an
 * ObjectName does not allow, and {@code ,instance=<n>} is added when the name is taken),
 * and unregistered when the context has closed. {@link Context#statistics()} gives the same
 * view without JMX.
 *
 * <p>When the JVM's platform MBean server is already running (a JMX agent or exporter, a
 * framework, or a call to {@code ManagementFactory.getPlatformMBeanServer()} before the
 * build), the bean is registered before {@code build()} returns. Otherwise it is registered
 * moments later on a background thread ({@code lws4j-jmx}), so that an application that
 * does not otherwise use JMX does not pay the platform server's start (registering the JDK's
 * own beans) on its start path. Closing the context before then cancels the registration.
 *
 * <p>Counters count since the context was built, over all its service loops and both its
 * accepted and its client connections. Bytes are those read from and written to the
 * connections' transports (frame headers included, after TLS decryption and before TLS
 * encryption; plain HTTP requests and responses on the same port, the upgrade requests
 * among them, count too); messages are whole websocket messages (not control frames). Each getter
 * sums the loops' counters without stopping them: a figure is recent, not a snapshot taken
 * at one instant with the others.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public interface ContextMXBean {

    /** @return the context's name, as in its ObjectName */
    String getName();

    /** @return the bound port, -1 for a context without a listener */
    int getPort();

    /** @return the number of service loops */
    int getServiceThreads();

    /** @return websocket connections open now (established and not yet closed) */
    long getConnectionsOpen();

    /** @return websocket connections established since the context was built */
    long getConnectionsTotal();

    /** @return TCP connections the loops hold now, HTTP and lingering ones included */
    int getSocketsOpen();

    /**
     * Refused websocket upgrades by reason: {@code bad-request} (a malformed or unsupported
     * upgrade request), {@code no-endpoint} (404: no protocol bound to the path),
     * {@code origin} (403 by the origin check), {@code same-origin} (403 by
     * {@link Context.Builder#requireSameOrigin}), {@code hook} (refused by
     * {@link Protocol#onHandshake}), {@code timeout} (503: the hook's decision did not come
     * in time). Reasons not seen yet are absent.
     *
     * @return reason to count
     */
    Map<String, Long> getHandshakesRefused();

    /** @return bytes read from connections */
    long getBytesIn();

    /** @return bytes written to connections */
    long getBytesOut();

    /** @return websocket messages delivered to protocols */
    long getMessagesIn();

    /** @return websocket messages accepted by {@link Connection#writeText} and
     *     {@link Connection#writeBinary} */
    long getMessagesOut();

    /**
     * The close codes reported to {@link Protocol#onClosed}, with how often each was seen.
     *
     * @return close code to count
     */
    Map<Integer, Long> getCloseCodes();

    /** @return outbound data bytes queued now on all connections, not yet written */
    long getOutboundBytesQueued();

    /**
     * @return writes refused because a connection's outbound buffer was full
     *     ({@link Context.Builder#maxOutboundBytes}): slow consumers
     */
    long getWritesRefused();

    /**
     * @return service-loop cycles that worked longer than 100 ms without returning to select
     *     (callbacks or tasks blocking the loop); each is also a JFR {@code lws4j.LoopStall}
     *     event
     */
    long getLoopStalls();

    /**
     * The native zlib memory the context's permessage-deflate streams are charged now, as
     * {@link Context.Builder#compressionMemoryLimit(long)} counts it: every live stream, idle
     * pooled ones included, at its fixed cost, plus the decompressors reserved at handshakes.
     *
     * @return bytes; back at the pooled streams' charge once every connection has closed
     */
    long getCompressionMemoryBytes();

    /**
     * @return messages over the compression threshold sent uncompressed (RSV1 clear) because
     *     a new compressor would have passed the compression memory limit
     */
    long getMessagesUncompressedByLimit();

    /**
     * @return permessage-deflate offers the server declined (answering without the extension)
     *     because the connection's decompressor would have passed the compression memory limit
     */
    long getDeflateOffersDeclined();

    /** @return the longest loop cycle since the last reset, in milliseconds */
    long getLongestLoopCycleMillis();

    /** Forgets the longest loop cycle seen so far ({@link #getLongestLoopCycleMillis()}). */
    void resetLongestLoopCycle();
}
