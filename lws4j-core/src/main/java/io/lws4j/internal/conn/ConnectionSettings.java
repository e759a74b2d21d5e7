package io.lws4j.internal.conn;

import io.lws4j.Context;
import io.lws4j.internal.http.StaticFiles;
import io.lws4j.internal.loop.ContextConfig;
import java.util.List;

/**
 * What every connection of one service loop shares: the context, its settings, the protocol
 * names in registration order and the loop's static file server.
 *
 * <p>Thread-safe: immutable.
 *
 * @param context the owning context
 * @param config the context's settings
 * @param protocolNames the registered protocol names; the first is the default
 * @param staticFiles the static file server of the loop
 */
public record ConnectionSettings(Context context, ContextConfig config,
        List<String> protocolNames, StaticFiles staticFiles) {
}
