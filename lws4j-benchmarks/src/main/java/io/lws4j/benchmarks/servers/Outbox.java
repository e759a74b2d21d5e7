package io.lws4j.benchmarks.servers;

import io.lws4j.Connection;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * Per-connection holding area for binary messages the connection's bounded outbound buffer
 * could not take yet: they go out, in order, from {@code onWritable}. Each message may carry
 * a future completed once the connection accepted it (or failed when it closed).
 *
 * <p>Service-thread confined: all methods must be called on the owning service thread.
 */
final class Outbox {
    private record Pending(ByteBuffer data, CompletableFuture<Void> accepted) {
    }

    private final ArrayDeque<Pending> queue = new ArrayDeque<>();

    static Outbox of(Connection c) {
        Outbox box = c.userData();
        if (box == null) {
            box = new Outbox();
            c.userData(box);
        }
        return box;
    }

    void send(Connection c, ByteBuffer data, CompletableFuture<Void> accepted) {
        if (queue.isEmpty() && c.writeBinary(data)) {
            if (accepted != null) {
                accepted.complete(null);
            }
            return;
        }
        queue.add(new Pending(data, accepted));
        c.callbackOnWritable();
    }

    void drain(Connection c) {
        Pending p;
        while ((p = queue.peek()) != null) {
            if (!c.writeBinary(p.data())) {
                c.callbackOnWritable();
                return;
            }
            queue.poll();
            if (p.accepted() != null) {
                p.accepted().complete(null);
            }
        }
    }

    void closed() {
        Pending p;
        while ((p = queue.poll()) != null) {
            if (p.accepted() != null) {
                p.accepted().completeExceptionally(new IllegalStateException("connection closed"));
            }
        }
    }
}
