package io.lws4j.internal.conn;

import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.internal.http.StaticFiles;
import io.lws4j.internal.loop.ContextConfig;
import java.util.List;

/**
 * What every connection of one service loop shares: the context, its settings, the protocol
 * names in registration order, the loop's static file server and the liveness arithmetic
 * (shared, so a connection does not carry its own copy).
 *
 * <p>Thread-safe: immutable.
 *
 * @param context the owning context
 * @param config the context's settings
 * @param protocolNames the registered protocol names; the first is the default
 * @param staticFiles the static file server of the loop
 * @param liveness the idle timeout and ping interval of {@code config}
 */
public record ConnectionSettings(Context context, ContextConfig config,
        List<String> protocolNames, StaticFiles staticFiles, Liveness liveness) {

    /**
     * Settings with the liveness arithmetic taken from {@code config}.
     *
     * @param context the owning context
     * @param config the context's settings
     * @param protocolNames the registered protocol names; the first is the default
     * @param staticFiles the static file server of the loop
     */
    public ConnectionSettings(Context context, ContextConfig config, List<String> protocolNames,
            StaticFiles staticFiles) {
        this(context, config, protocolNames, staticFiles, new Liveness(
                config.idleTimeout().toNanos(), config.pingInterval().toNanos()));
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
}
