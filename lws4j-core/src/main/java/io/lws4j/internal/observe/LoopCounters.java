package io.lws4j.internal.observe;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one service loop, summed over the loops by the context's statistics.
 *
 * <p>Threading: the numbered counters have a single writer at a time, the holder of the
 * loop's service role (its own thread, or a borrower it was lent to: the role passes by a
 * volatile write and read, so each holder sees the previous one's counts). A write is a
 * plain read and an opaque store, which never tears; readers on any thread use opaque
 * reads, so they see a recent value, without ordering against other memory. The close-code
 * and refusal tallies are rare events and use concurrent maps of adders.
 */
public final class LoopCounters {
    /** Bytes read from connections' transports (after TLS). */
    public static final int BYTES_IN = 0;
    /** Bytes written to connections' transports (before TLS). */
    public static final int BYTES_OUT = 1;
    /** Whole websocket messages delivered to protocols. */
    public static final int MESSAGES_IN = 2;
    /** Whole websocket messages accepted by the write API. */
    public static final int MESSAGES_OUT = 3;
    /** Websocket connections established (server and client). */
    public static final int OPENED = 4;
    /** Established websocket connections closed. */
    public static final int CLOSED = 5;
    /** Writes refused because the outbound buffer was full (slow consumers). */
    public static final int WRITES_REFUSED = 6;
    /** Outbound bytes queued now on this loop's connections (a level, not a count). */
    public static final int OUTBOUND_QUEUED = 7;
    /** Duty cycles whose work took longer than the stall threshold. */
    public static final int STALLS = 8;
    private static final int SIZE = 9;
    /**
     * A duty cycle that works longer than this is a stall: counted in {@link #STALLS} and
     * reported as a JFR {@code lws4j.LoopStall} event.
     */
    public static final long STALL_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100);

    private final AtomicLongArray counts = new AtomicLongArray(SIZE);
    private final Map<Integer, LongAdder> closeCodes = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();

    /**
     * Role holder only: adds to a counter.
     *
     * @param counter one of the constants
     * @param delta the amount (negative for {@link #OUTBOUND_QUEUED} when bytes leave)
     */
    public void add(int counter, long delta) {
        counts.setOpaque(counter, counts.getPlain(counter) + delta);
    }

    /**
     * The loop's own thread, at the end of a duty cycle that stalled: counts it and reports
     * it to JFR.
     *
     * @param loop the loop's name
     * @param workNanos how long the cycle worked
     */
    public void stalled(String loop, long workNanos) {
        add(STALLS, 1);
        if (!Jfr.on()) {
            return;
        }
        LoopStallEvent event = new LoopStallEvent();
        if (event.shouldCommit()) {
            event.loop = loop;
            event.workTime = workNanos;
            event.commit();
        }
    }

    /**
     * Any thread.
     *
     * @param counter one of the constants
     * @return its recent value
     */
    public long get(int counter) {
        return counts.getOpaque(counter);
    }

    /**
     * Any thread: counts a close code seen on an established connection.
     *
     * @param code the close code reported to {@code onClosed}
     */
    public void closeCode(int code) {
        closeCodes.computeIfAbsent(code, k -> new LongAdder()).increment();
    }

    /**
     * Any thread: counts a refused websocket handshake.
     *
     * @param reason a short reason label
     */
    public void refused(String reason) {
        refusals.computeIfAbsent(reason, k -> new LongAdder()).increment();
    }

    /**
     * Any thread: adds the close-code tallies into {@code into}.
     *
     * @param into code to count, summed over loops
     */
    public void sumCloseCodes(Map<Integer, Long> into) {
        closeCodes.forEach((code, n) -> into.merge(code, n.sum(), Long::sum));
    }

    /**
     * Any thread: adds the refusal tallies into {@code into}.
     *
     * @param into reason to count, summed over loops
     */
    public void sumRefusals(Map<String, Long> into) {
        refusals.forEach((reason, n) -> into.merge(reason, n.sum(), Long::sum));
    }
}
