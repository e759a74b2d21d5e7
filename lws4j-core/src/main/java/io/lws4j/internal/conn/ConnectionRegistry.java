package io.lws4j.internal.conn;

import io.lws4j.Connection;
import io.lws4j.internal.loop.ContextImpl;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A context's established connections by protocol name, for
 * {@link io.lws4j.Context#connections(String)}, broadcasts and
 * {@link io.lws4j.Context#callbackOnWritableAll(String)} (lws
 * {@code lws_callback_on_writable_all_protocol}). A connection is added when it is
 * established, before {@code onEstablished}, and removed before {@code onClosed}; a client
 * connection that agreed on no subprotocol is listed under {@code ""}.
 *
 * <p>Thread-safe: concurrent sets; {@link #snapshot} is weakly consistent (a connection
 * established or closed meanwhile may or may not be in it). Memory consistency effects: the
 * service thread's actions before it adds a connection happen-before a reader that finds it
 * (ConcurrentHashMap).
 */
public final class ConnectionRegistry {
    /** For connections whose context is not a {@link ContextImpl} (tests): keeps nothing. */
    private static final ConnectionRegistry NONE = new ConnectionRegistry();

    private final Map<String, Set<ConnectionImpl>> byProtocol = new ConcurrentHashMap<>();

    /**
     * @param settings a connection's settings
     * @return the registry of the connection's context
     */
    static ConnectionRegistry of(ConnectionSettings settings) {
        return settings.context() instanceof ContextImpl c ? c.registry() : NONE;
    }

    private static String key(String protocolName) {
        return protocolName == null ? "" : protocolName;
    }

    void add(ConnectionImpl c) {
        if (this == NONE) {
            return;
        }
        byProtocol.computeIfAbsent(key(c.protocolName()), k -> ConcurrentHashMap.newKeySet())
                .add(c);
    }

    void remove(ConnectionCore c) {
        Set<ConnectionImpl> set = byProtocol.get(key(c.protocolName));
        if (set != null) {
            set.remove(c);
        }
    }

    /**
     * @param protocolName a protocol name
     * @return the open connections of that protocol, in no particular order
     */
    public List<ConnectionImpl> snapshot(String protocolName) {
        Set<ConnectionImpl> set = byProtocol.get(key(protocolName));
        if (set == null) {
            return List.of();
        }
        List<ConnectionImpl> list = new ArrayList<>(set.size());
        for (ConnectionImpl c : set) {
            if (c.isOpen()) {
                list.add(c);
            }
        }
        return list;
    }

    /**
     * @param protocolName a protocol name
     * @return the same list as {@link #snapshot}, as the public type
     */
    public List<Connection> connections(String protocolName) {
        return List.copyOf(snapshot(protocolName));
    }
}
