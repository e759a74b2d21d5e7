package io.lws4j.benchmarks.loadgen;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one load generator every server is measured with: NIO, one or two selector threads
 * ({@link ClientLoop}), connections spread round-robin. Every run is bounded in time: when
 * its bound passes, the loops are shut down and whatever arrived is reported.
 *
 * <p>Thread-safe: any method may be called from any thread; each run uses its own loops.
 */
public final class LoadGenerator {
    private static final Duration CONNECT_BOUND = Duration.ofSeconds(30);
    private final int selectorThreads;

    public LoadGenerator(int selectorThreads) {
        if (selectorThreads < 1 || selectorThreads > 4) {
            throw new IllegalArgumentException("selector threads 1..4: " + selectorThreads);
        }
        this.selectorThreads = selectorThreads;
    }

    /** Connects, starts every connection at once, and waits until all messages arrived or the timeout. */
    public StreamResult stream(Target target, StreamSpec spec) throws IOException, InterruptedException {
        return stream(target, spec, () -> { });
    }

    /**
     * Like {@link #stream(Target, StreamSpec)}, running {@code beforeStart} once every
     * connection is open, right before the start commands go out (so what it measures from
     * there leaves the handshakes out).
     */
    public StreamResult stream(Target target, StreamSpec spec, Runnable beforeStart)
            throws IOException, InterruptedException {
        AtomicInteger opened = new AtomicInteger();
        List<ClientLoop> loops = new ArrayList<>();
        for (int i = 0; i < selectorThreads; i++) {
            int share = share(spec.connections(), i);
            loops.add(new ClientLoop(ClientLoop.Mode.STREAM, target, share, opened, spec, null, null));
        }
        long deadline = System.nanoTime() + spec.timeout().toNanos();
        List<Thread> threads = startAll(loops, "loadgen-stream");
        waitOpened(opened, spec.connections(), loops, deadline);
        beforeStart.run();
        long start = System.nanoTime();
        loops.forEach(ClientLoop::go);
        joinAll(threads, loops, deadline);
        LogHistogram gaps = new LogHistogram();
        long delivered = 0;
        long dup = 0;
        long lost = 0;
        long corrupt = 0;
        long last = start;
        int failed = 0;
        String error = null;
        for (ClientLoop l : loops) {
            gaps.add(l.histogram);
            delivered += l.delivered;
            dup += l.duplicates;
            lost += l.lost;
            corrupt += l.corrupt;
            failed += l.failed + (l.finished() ? 0 : unfinished(l));
            last = Math.max(last, l.lastArrivalNanos);
            error = error != null ? error : l.firstError;
        }
        if (failed > 0 && error == null) {
            error = "timed out after " + spec.timeout().toSeconds() + " s";
        }
        long expected = (long) spec.connections() * spec.messages();
        return new StreamResult(expected, delivered, dup, lost, corrupt, failed, (last - start) / 1e9, gaps, error,
                WireStats.of(loops));
    }

    /** Connects, warms up, measures, then drains in-flight echoes. */
    public EchoResult echo(Target target, EchoSpec spec) throws IOException, InterruptedException {
        return echo(target, spec, () -> { }, () -> { });
    }

    /**
     * Like {@link #echo(Target, EchoSpec)}, running {@code atMeasureStart} and {@code
     * atMeasureEnd} on the calling thread at the two ends of the measured period (after the
     * warm-up, before the drain), so what they measure covers the counted echoes only.
     */
    public EchoResult echo(Target target, EchoSpec spec, Runnable atMeasureStart, Runnable atMeasureEnd)
            throws IOException, InterruptedException {
        if (spec.size() < 8 || spec.window() < 1) {
            throw new IllegalArgumentException("echo needs size >= 8 and window >= 1");
        }
        AtomicInteger opened = new AtomicInteger();
        List<ClientLoop> loops = new ArrayList<>();
        for (int i = 0; i < selectorThreads; i++) {
            loops.add(new ClientLoop(ClientLoop.Mode.ECHO, target, share(spec.connections(), i), opened, null, spec,
                    null));
        }
        long deadline = System.nanoTime() + CONNECT_BOUND.toNanos()
                + spec.warmup().toNanos() + spec.measure().toNanos() + Duration.ofSeconds(5).toNanos();
        List<Thread> threads = startAll(loops, "loadgen-echo");
        waitOpened(opened, spec.connections(), loops, deadline);
        long start = System.nanoTime();
        long measureStart = start + spec.warmup().toNanos();
        long measureEnd = measureStart + spec.measure().toNanos();
        for (ClientLoop l : loops) {
            l.measureStartNanos = measureStart;
            l.measureEndNanos = measureEnd;
            l.go();
        }
        sleepUntil(measureStart);
        atMeasureStart.run();
        sleepUntil(measureEnd);
        atMeasureEnd.run();
        loops.forEach(ClientLoop::stopSending);
        joinAll(threads, loops, Math.min(deadline, System.nanoTime() + Duration.ofSeconds(5).toNanos()));
        LogHistogram rtt = new LogHistogram();
        long messages = 0;
        long corrupt = 0;
        int failed = 0;
        String error = null;
        for (ClientLoop l : loops) {
            rtt.add(l.histogram);
            messages += l.measuredMessages;
            corrupt += l.corrupt;
            failed += l.failed;
            error = error != null ? error : l.firstError;
        }
        return new EchoResult(messages, spec.measure().toNanos() / 1e9, rtt, corrupt, failed, error,
                WireStats.of(loops));
    }

    /** Opens {@code connections} idle connections and keeps them open until the session is closed. */
    public IdleSession idle(Target target, int connections, Duration bound) throws IOException, InterruptedException {
        return idle(target, connections, 0, bound);
    }

    /**
     * Like {@link #idle(Target, int, Duration)}, each connection sending one text message of
     * {@code messageBytes} (compressed when the target offers deflate) once open and reading
     * its echo; returns once every connection has its echo or failed, or {@code bound}
     * passed. 0 bytes: no message.
     */
    public IdleSession idle(Target target, int connections, int messageBytes, Duration bound)
            throws IOException, InterruptedException {
        IdleMessage message = messageBytes > 0 ? IdleMessage.of(messageBytes, target.deflate()) : null;
        AtomicInteger opened = new AtomicInteger();
        List<ClientLoop> loops = new ArrayList<>();
        for (int i = 0; i < selectorThreads; i++) {
            ClientLoop loop = new ClientLoop(ClientLoop.Mode.IDLE, target, share(connections, i), opened, null, null,
                    message);
            loop.go(); // each connection sends its message as soon as its handshake completes
            loops.add(loop);
        }
        long deadline = System.nanoTime() + bound.toNanos();
        List<Thread> threads = startAll(loops, "loadgen-idle");
        waitOpened(opened, connections, loops, deadline);
        IdleSession session = new IdleSession(loops, threads, opened.get(), message != null);
        while (message != null && session.echoed() + session.failed() < connections && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        return session;
    }

    private int share(int total, int index) {
        return total / selectorThreads + (index < total % selectorThreads ? 1 : 0);
    }

    private static List<Thread> startAll(List<ClientLoop> loops, String name) {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < loops.size(); i++) {
            Thread t = new Thread(loops.get(i), name + "-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        return threads;
    }

    private static void waitOpened(AtomicInteger opened, int want, List<ClientLoop> loops, long deadline)
            throws InterruptedException {
        long bound = Math.min(deadline, System.nanoTime() + CONNECT_BOUND.toNanos());
        while (opened.get() < want && System.nanoTime() < bound) {
            int failed = 0;
            for (ClientLoop l : loops) {
                failed += l.failedSoFar();
            }
            if (opened.get() + failed >= want) {
                return;
            }
            Thread.sleep(2);
        }
    }

    private static void joinAll(List<Thread> threads, List<ClientLoop> loops, long deadline)
            throws InterruptedException {
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                t.join(Math.max(1, left / 1_000_000));
            }
        }
        for (ClientLoop l : loops) {
            l.shutdown();
        }
        for (Thread t : threads) {
            t.join(5_000);
        }
    }

    private static int unfinished(ClientLoop l) {
        return l.unfinishedCount();
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, Math.min(100, left / 1_000_000)));
        }
    }

    /**
     * Open idle connections, held until {@link #close()}.
     *
     * <p>Thread-safe: any method may be called from any thread.
     */
    public static final class IdleSession implements AutoCloseable {
        private final List<ClientLoop> loops;
        private final List<Thread> threads;
        private final int opened;
        private final boolean withMessage;

        IdleSession(List<ClientLoop> loops, List<Thread> threads, int opened, boolean withMessage) {
            this.loops = loops;
            this.threads = threads;
            this.opened = opened;
            this.withMessage = withMessage;
        }

        /** Connections whose handshake completed. */
        public int opened() {
            return opened;
        }

        /** Connections that got the echo of their message so far (0 without a message). */
        public long echoed() {
            return loops.stream().mapToLong(ClientLoop::idleEchoesSoFar).sum();
        }

        /** Of those, echoes that came compressed (RSV1). */
        public long compressedEchoes() {
            return loops.stream().mapToLong(ClientLoop::idleCompressedEchoesSoFar).sum();
        }

        /** Connections that failed so far (refused, closed by the server, a wrong echo). */
        public int failed() {
            return loops.stream().mapToInt(ClientLoop::failedSoFar).sum();
        }

        /**
         * Whether every one of {@code wanted} connections opened and, with a message, got its
         * echo, and none failed.
         */
        public boolean complete(int wanted) {
            return opened == wanted && failed() == 0 && (!withMessage || echoed() == wanted);
        }

        /** The first connection's error so far, or null. */
        public String error() {
            return loops.stream().map(l -> l.firstError).filter(java.util.Objects::nonNull).findFirst().orElse(null);
        }

        /** The first connection's transport and the server's extensions answer, or "n/a" before one opened. */
        public String negotiated() {
            return loops.stream().map(l -> l.negotiated).filter(java.util.Objects::nonNull).findFirst().orElse("n/a");
        }

        @Override
        public void close() {
            for (ClientLoop l : loops) {
                l.shutdown();
            }
            try {
                for (Thread t : threads) {
                    t.join(10_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
