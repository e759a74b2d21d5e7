package io.lws4j.internal.conn;

import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.internal.deflate.ZlibPool;
import io.lws4j.internal.http.StaticFiles;
import io.lws4j.internal.loop.ContextConfig;
import io.lws4j.internal.util.WaitNanos;
import java.util.List;

/**
 * What every connection of one service loop shares: the context, its settings, the protocol
 * names in registration order, the loop's static file server, the liveness arithmetic
 * (shared, so a connection does not carry its own copy) and the context's pool of zlib
 * streams for permessage-deflate.
 *
 * <p>Thread-safe: immutable.
 *
 * @param context the owning context
 * @param config the context's settings
 * @param protocolNames the registered protocol names; the first is the default
 * @param staticFiles the static file server of the loop
 * @param liveness the idle timeout and ping interval of {@code config}
 * @param zlib the context's zlib streams, shared by every loop
 */
public record ConnectionSettings(Context context, ContextConfig config,
        List<String> protocolNames, StaticFiles staticFiles, Liveness liveness, ZlibPool zlib) {

    /**
     * Settings with the liveness arithmetic taken from {@code config}. The idle timeout and
     * ping interval saturate ({@link WaitNanos}): any valid setting, however long, gives
     * nanoTime deadlines that neither overflow nor wrap.
     *
     * @param context the owning context
     * @param config the context's settings
     * @param protocolNames the registered protocol names; the first is the default
     * @param staticFiles the static file server of the loop
     * @param zlib the context's zlib streams, shared by every loop
     */
    public ConnectionSettings(Context context, ContextConfig config, List<String> protocolNames,
            StaticFiles staticFiles, ZlibPool zlib) {
        this(context, config, protocolNames, staticFiles, new Liveness(
                WaitNanos.of(config.idleTimeout()), WaitNanos.of(config.pingInterval())), zlib);
    }

    /**
     * Whether a connection served by the named protocol may accept permessage-deflate: the
     * context allows it and so does the protocol.
     *
     * @param protocolName a registered protocol name
     * @return true when an offer may be accepted
     */
    public boolean isDeflateAllowed(String protocolName) {
        if (!config.permessageDeflate()) {
            return false;
        }
        Protocol protocol = config.protocols().get(protocolName);
        return protocol != null && protocol.permessageDeflate();
    }

    /**
     * The compression threshold of a connection served by the named protocol: the
     * protocol's own when it sets one, else the context's.
     *
     * @param protocolName a registered protocol name
     * @return 0 or more bytes
     */
    public int compressionThreshold(String protocolName) {
        Protocol protocol = config.protocols().get(protocolName);
        int own = protocol == null ? Protocol.CONTEXT_COMPRESSION_THRESHOLD : protocol.compressionThreshold();
        return own >= 0 ? own : config.compressionThreshold();
    }
}
