package io.lws4j.examples.threadpool;

import io.lws4j.threadpool.Diagnosis;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's counters: what happened to the connections and tasks so far, and the highest
 * pool load seen. Shown in the DIAG line, the lws-status stream and the shutdown summary.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
final class DemoStats {
    final AtomicLong admitted = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong finished = new AtomicLong();
    final AtomicLong stopped = new AtomicLong();
    final AtomicLong timedOut = new AtomicLong();
    final AtomicLong messages = new AtomicLong();
    final AtomicLong duplicatesSuppressed = new AtomicLong();
    final AtomicLong cleanedUp = new AtomicLong();
    private final AtomicInteger peakOngoing = new AtomicInteger();
    private final AtomicInteger peakQueueDepth = new AtomicInteger();

    /** Raises the peaks to what {@code d} shows. */
    void notePeaks(Diagnosis d) {
        peakOngoing.accumulateAndGet(d.ongoing(), Math::max);
        peakQueueDepth.accumulateAndGet(d.queueDepth(), Math::max);
    }

    int peakOngoing() {
        return peakOngoing.get();
    }

    int peakQueueDepth() {
        return peakQueueDepth.get();
    }

    /** One line for the log: the counts that matter to someone watching. */
    String summary() {
        return "admitted " + admitted.get() + ", refused " + refused.get() + ", finished "
                + finished.get() + ", stopped " + stopped.get() + ", timed out "
                + timedOut.get() + ", messages " + messages.get();
    }
}
