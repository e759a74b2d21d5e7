package io.lws4j.internal.loop;

import io.lws4j.ContextMXBean;
import io.lws4j.internal.observe.LoopCounters;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The {@link ContextMXBean} of a {@link ContextImpl}: sums its loops' counters on each read.
 *
 * <p>Thread-safe: reads the loops' counters, which are safe to read from any thread; the
 * name is set once, before the bean is published.
 */
final class ContextStatistics implements ContextMXBean {
    private final ContextImpl context;
    private final String name;

    ContextStatistics(ContextImpl context, String name) {
        this.context = context;
        this.name = name;
    }

    private long sum(int counter) {
        long total = 0;
        for (ServiceLoop loop : context.loops()) {
            total += loop.counters().get(counter);
        }
        return total;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public int getPort() {
        return context.port();
    }

    @Override
    public int getServiceThreads() {
        return context.loops().size();
    }

    @Override
    public long getConnectionsOpen() {
        // closed first: a connection counted closed was counted opened before, so the
        // difference read this way is never negative
        long closed = sum(LoopCounters.CLOSED);
        return Math.max(0, sum(LoopCounters.OPENED) - closed);
    }

    @Override
    public long getConnectionsTotal() {
        return sum(LoopCounters.OPENED);
    }

    @Override
    public int getSocketsOpen() {
        int total = 0;
        for (ServiceLoop loop : context.loops()) {
            total += loop.connectionCount();
        }
        return total;
    }

    @Override
    public Map<String, Long> getHandshakesRefused() {
        Map<String, Long> all = new TreeMap<>();
        for (ServiceLoop loop : context.loops()) {
            loop.counters().sumRefusals(all);
        }
        return all;
    }

    @Override
    public long getBytesIn() {
        return sum(LoopCounters.BYTES_IN);
    }

    @Override
    public long getBytesOut() {
        return sum(LoopCounters.BYTES_OUT);
    }

    @Override
    public long getMessagesIn() {
        return sum(LoopCounters.MESSAGES_IN);
    }

    @Override
    public long getMessagesOut() {
        return sum(LoopCounters.MESSAGES_OUT);
    }

    @Override
    public Map<Integer, Long> getCloseCodes() {
        Map<Integer, Long> all = new TreeMap<>();
        for (ServiceLoop loop : context.loops()) {
            loop.counters().sumCloseCodes(all);
        }
        return all;
    }

    @Override
    public long getOutboundBytesQueued() {
        return Math.max(0, sum(LoopCounters.OUTBOUND_QUEUED));
    }

    @Override
    public long getWritesRefused() {
        return sum(LoopCounters.WRITES_REFUSED);
    }

    @Override
    public long getLoopStalls() {
        return sum(LoopCounters.STALLS);
    }

    @Override
    public long getCompressionMemoryBytes() {
        return context.zlibPool().bytesInUse();
    }

    @Override
    public long getMessagesUncompressedByLimit() {
        return context.zlibPool().deflatersRefused();
    }

    @Override
    public long getDeflateOffersDeclined() {
        return context.zlibPool().inflatersDeclined();
    }

    @Override
    public long getLongestLoopCycleMillis() {
        return TimeUnit.NANOSECONDS.toMillis(context.maxLoopWorkNanos());
    }

    @Override
    public void resetLongestLoopCycle() {
        context.resetLoopWorkNanos();
    }

    @Override
    public String toString() {
        return "ContextStatistics[" + name + "]";
    }
}
