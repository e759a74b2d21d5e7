package io.lws4j.examples.threadpool;

import io.lws4j.Connection;
import io.lws4j.Protocol;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Protocol {@code lws-status}: every connection is a subscriber that gets the pool's state
 * as one JSON text message when it connects and then once a second.
 *
 * <p>Messages are dropped, not queued, for a subscriber whose outbound buffer is full: only
 * the latest state matters.
 *
 * <p>The {@link io.lws4j.Protocol} callbacks run on service threads as usual;
 * {@link #publish} posts each write to the subscriber's own service thread.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
final class StatusProtocol implements Protocol {
    /** The name the page asks for. */
    static final String NAME = "lws-status";

    private final Set<Connection> subscribers = ConcurrentHashMap.newKeySet();
    private final Supplier<String> snapshot;

    StatusProtocol(Supplier<String> snapshot) {
        this.snapshot = snapshot;
    }

    @Override
    public void onEstablished(Connection connection) {
        subscribers.add(connection);
        connection.writeText(snapshot.get());
    }

    @Override
    public void onClosed(Connection connection, int closeCode, String reason) {
        subscribers.remove(connection);
    }

    /** Sends {@code json} to every subscriber, each on its own service thread. */
    void publish(String json) {
        for (Connection c : subscribers) {
            c.execute(() -> {
                if (c.isOpen()) {
                    c.writeText(json);
                }
            });
        }
    }

    int subscriberCount() {
        return subscribers.size();
    }
}
