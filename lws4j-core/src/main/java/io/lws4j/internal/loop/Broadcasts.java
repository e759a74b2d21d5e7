package io.lws4j.internal.loop;

import io.lws4j.BroadcastResult;
import io.lws4j.ConnectionClosedException;
import io.lws4j.OutboundMessage;
import io.lws4j.SendOverflow;
import io.lws4j.SendQueueFullException;
import io.lws4j.internal.conn.ConnectionImpl;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One message to many connections ({@link io.lws4j.Context#broadcast}): each recipient
 * gets the same framed message through its own cross-thread send (a view of the shared
 * frame, or its own compressed or masked copy), with the broadcast's slow-consumer policy;
 * the result counts, once every recipient's loop queued or refused the message, how each
 * send went. It does not wait for the sockets: a peer that reads slowly but is under its
 * bound must not hold up the broadcast's result.
 *
 * <p>Thread-safe: stateless; a broadcast's counters are atomics shared by its recipients'
 * completions, which run on their service threads. Memory consistency effects: every
 * recipient's completion happens-before the result's stage completes (the counters'
 * atomic updates; the last one completes it).
 */
final class Broadcasts {
    private Broadcasts() {
    }

    static CompletionStage<BroadcastResult> send(List<ConnectionImpl> recipients,
            OutboundMessage message, SendOverflow slow) {
        CompletableFuture<BroadcastResult> result = new CompletableFuture<>();
        if (recipients.isEmpty()) {
            result.complete(new BroadcastResult(0, 0, 0));
            return result;
        }
        AtomicInteger queuedCount = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        AtomicInteger left = new AtomicInteger(recipients.size());
        for (ConnectionImpl c : recipients) {
            CompletableFuture<Void> queued = new CompletableFuture<>();
            c.send(message, slow, queued);
            queued.whenComplete((ok, failure) -> {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                if (cause == null) {
                    queuedCount.incrementAndGet();
                } else if (cause instanceof SendQueueFullException
                        || cause instanceof io.lws4j.MessageTooBigException) {
                    refused.incrementAndGet();
                } else {
                    assert cause instanceof ConnectionClosedException : cause;
                    closed.incrementAndGet();
                }
                if (left.decrementAndGet() == 0) {
                    result.complete(new BroadcastResult(queuedCount.get(), refused.get(),
                            closed.get()));
                }
            });
        }
        return result;
    }
}
