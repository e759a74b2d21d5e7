package io.lws4j.examples.threadpool;

import io.lws4j.threadpool.Diagnosis;

/**
 * The JSON object the lws-status protocol streams: the pool's {@code diagnose()} numbers,
 * the demo's counters and the workload settings the page needs to draw progress.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
final class StatusJson {
    private StatusJson() {
    }

    static String of(Diagnosis d, DemoStats s, DemoOptions o, long uptimeMillis) {
        StringBuilder b = new StringBuilder(320);
        b.append('{');
        field(b, "type", "status").append(',');
        field(b, "ongoing", d.ongoing()).append(',');
        field(b, "possible", d.possible()).append(',');
        field(b, "queueDepth", d.queueDepth()).append(',');
        field(b, "maxQueueDepth", o.queue()).append(',');
        field(b, "oldestWaitMs", d.oldestWaitAge().toMillis()).append(',');
        field(b, "doneUnreaped", d.doneUnreaped()).append(',');
        field(b, "completed", d.completed()).append(',');
        field(b, "syncWaits", d.syncWaits()).append(',');
        field(b, "lateSyncs", d.lateSyncs()).append(',');
        field(b, "abandonedSyncs", d.abandonedSyncs()).append(',');
        field(b, "peakOngoing", s.peakOngoing()).append(',');
        field(b, "peakQueueDepth", s.peakQueueDepth()).append(',');
        field(b, "admitted", s.admitted.get()).append(',');
        field(b, "refused", s.refused.get()).append(',');
        field(b, "finished", s.finished.get()).append(',');
        field(b, "stopped", s.stopped.get()).append(',');
        field(b, "timedOut", s.timedOut.get()).append(',');
        field(b, "messages", s.messages.get()).append(',');
        field(b, "duplicatesSuppressed", s.duplicatesSuppressed.get()).append(',');
        field(b, "end", o.end()).append(',');
        field(b, "syncEvery", o.syncEvery()).append(',');
        field(b, "uptimeMs", uptimeMillis);
        return b.append('}').toString();
    }

    /** The settings the page reads once, served as {@code /config.json}. */
    static String config(DemoOptions o) {
        StringBuilder b = new StringBuilder(200);
        b.append('{');
        field(b, "threads", o.threads()).append(',');
        field(b, "queue", o.queue()).append(',');
        field(b, "end", o.end()).append(',');
        field(b, "step", o.step()).append(',');
        field(b, "sleepMs", o.sleepMs()).append(',');
        field(b, "syncEvery", o.syncEvery());
        return b.append("}\n").toString();
    }

    private static StringBuilder field(StringBuilder b, String name, long value) {
        return b.append('"').append(name).append("\":").append(value);
    }

    private static StringBuilder field(StringBuilder b, String name, String value) {
        // Only fixed ASCII identifiers are written here; no escaping needed.
        return b.append('"').append(name).append("\":\"").append(value).append('"');
    }
}
