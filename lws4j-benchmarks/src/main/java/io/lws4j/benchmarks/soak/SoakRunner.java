package io.lws4j.benchmarks.soak;

import io.lws4j.benchmarks.BenchCertificate;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * The soak: an lws4j server ({@link SoakServer}) in its own JVM, this JVM holding the
 * configured number of well-behaved connections (echo, chat rooms, threadpool streams; some
 * over TLS, some with permessage-deflate) for the configured time while misbehaving clients
 * ({@link Faults}) come and go and the server's pool is finished and re-created now and
 * then. Every few seconds it samples the server (heap after GC, descriptors, threads, the
 * longest loop cycle, the pool's counters) and the clients (connections, messages).
 *
 * <p>After the load it lets in-flight messages settle and checks that no message was lost
 * to a connection that stayed connected; then it closes every connection and waits for
 * the server to return to its baseline (taken after a warm-up, before the load): heap after
 * GC within a tolerance, descriptors and threads back, and every accepted task cleaned up
 * exactly once. Writes {@code summary.md}, {@code samples.csv} and {@code soak.svg} to the
 * output directory; the exit code is 0 only when every check passed.
 *
 * <p>Usage: {@code SoakRunner [--connections 10000] [--duration 30m] [--faults 4]
 * [--recreate 60] [--interval 10] [--sample 5] [--out dir]} (see {@link SoakConfig}).
 *
 * <p>Not thread-safe: one run per instance; the fault threads only touch the atomic
 * outcome counters.
 */
public final class SoakRunner {
    /** Bytes an inflation bomb inflates to: far beyond the server's message limit. */
    static final int BOMB_BYTES = 16 << 20;

    private final SoakConfig config;
    private final PrintStream log;
    final List<SoakSample> samples = new ArrayList<>();
    final Map<Faults.Kind, AtomicLong> faultsOk = new EnumMap<>(Faults.Kind.class);
    final Map<Faults.Kind, AtomicLong> faultsBad = new EnumMap<>(Faults.Kind.class);
    final Map<Faults.Kind, String> faultErrors = new ConcurrentHashMap<>();
    final AtomicLong faultsSkipped = new AtomicLong();
    long recreates;

    public SoakRunner(SoakConfig config, PrintStream log) {
        this.config = config;
        this.log = log;
        for (Faults.Kind k : Faults.Kind.values()) {
            faultsOk.put(k, new AtomicLong());
            faultsBad.put(k, new AtomicLong());
        }
    }

    public static void main(String[] args) throws Exception {
        SoakConfig c = SoakConfig.parse(args);
        SoakResult r = new SoakRunner(c, System.out).run();
        System.out.println(r.summary());
        System.exit(r.passed() ? 0 : 1);
    }

    /** Runs the soak and writes its files. */
    public SoakResult run() throws Exception {
        Files.createDirectories(config.out());
        BenchCertificate cert = BenchCertificate.generate(config.out().resolve("tls"));
        SSLContext clientTls = cert.clientContext();
        try (SoakServerProcess server = SoakServerProcess.start(config, cert, config.handshakeMillis(),
                config.pingMillis(), config.idleMillis())) {
            Faults faults = new Faults("127.0.0.1", server.wsPort, server.wssPort, config.idleMillis(),
                    config.handshakeMillis(), BOMB_BYTES);
            log.println("soak: server pid " + server.pid() + " ws " + server.wsPort + " wss " + server.wssPort
                    + "; warming up");
            warmUp(faults, server);
            Map<String, Long> baseline = server.stats();
            log.println("soak: baseline " + baseline);
            long t0 = System.nanoTime();
            samples.add(SoakSample.of(0, baseline, SoakClientLoop.Totals.EMPTY, 0, "baseline"));

            List<SoakClientLoop> loops = clientLoops(server, clientTls);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < loops.size(); i++) {
                Thread t = new Thread(loops.get(i), "soak-client-" + i);
                t.start();
                threads.add(t);
            }
            ThreadPoolExecutor faultPool = new ThreadPoolExecutor(0, config.maxConcurrentFaults(), 5, TimeUnit.SECONDS,
                    new SynchronousQueue<>(), r -> {
                        Thread t = new Thread(r, "soak-fault");
                        t.setDaemon(true);
                        return t;
                    });
            AtomicLong faultsStarted = new AtomicLong();
            long end = t0 + config.duration().toNanos();
            long nextSample = t0 + config.sampleEvery().toNanos();
            long nextRecreate = config.recreateEvery().isZero() ? Long.MAX_VALUE : t0 + config.recreateEvery().toNanos();
            double faultBudget = 0;
            while (System.nanoTime() < end) {
                Thread.sleep(100);
                faultBudget += config.faultsPerSecond() / 10;
                while (faultBudget >= 1) {
                    faultBudget -= 1;
                    startFault(faultPool, faults, faultsStarted);
                }
                long now = System.nanoTime();
                if (now >= nextRecreate) {
                    server.command("recreate");
                    recreates++;
                    nextRecreate += config.recreateEvery().toNanos();
                }
                if (now >= nextSample) {
                    sample(server, loops, t0, faultsStarted.get(), "load");
                    nextSample += config.sampleEvery().toNanos();
                }
            }
            double loadEnd = (System.nanoTime() - t0) / 1e9;
            log.println("soak: load ends; waiting for the fault clients, then the in-flight messages");
            faultPool.shutdown();
            boolean faultsEnded = faultPool.awaitTermination(config.idleMillis() + 90_000L, TimeUnit.MILLISECONDS);
            for (SoakClientLoop l : loops) {
                l.drain();
            }
            SoakClientLoop.Totals drained = awaitSettled(loops, 60);
            sample(server, loops, t0, faultsStarted.get(), "drained");
            for (SoakClientLoop l : loops) {
                l.shutdown();
            }
            for (Thread t : threads) {
                t.join(60_000);
            }
            Map<String, Long> last = settle(server, baseline, t0, faultsStarted.get());
            double runEnd = (System.nanoTime() - t0) / 1e9;
            SoakResult result = new SoakResult(config, baseline, last, drained, samples, faultsOk, faultsBad,
                    faultErrors, faultsSkipped.get(), faultsEnded, recreates, loadEnd, runEnd);
            write(result, loadEnd);
            return result;
        }
    }

    private void warmUp(Faults faults, SoakServerProcess server) throws IOException, InterruptedException {
        for (Faults.Kind k : Faults.Kind.values()) {
            if (k == Faults.Kind.HALF_OPEN || k == Faults.Kind.SLOWLORIS || k == Faults.Kind.STOP_READING) {
                continue; // timeouts, not code paths: nothing to warm
            }
            record(k, faults.run(k, false));
            if (k == Faults.Kind.TLS_FAIL) {
                record(k, faults.run(k, true));
            }
        }
        server.command("recreate");
        recreates++;
        Thread.sleep(3000);
        server.stats(); // a first full GC; the baseline is the second
    }

    private void startFault(ThreadPoolExecutor pool, Faults faults, AtomicLong started) {
        Faults.Kind[] kinds = Faults.Kind.values();
        Faults.Kind k = kinds[ThreadLocalRandom.current().nextInt(kinds.length)];
        boolean variant = ThreadLocalRandom.current().nextBoolean();
        try {
            pool.execute(() -> record(k, faults.run(k, variant)));
            started.incrementAndGet();
        } catch (RejectedExecutionException full) {
            faultsSkipped.incrementAndGet();
        }
    }

    private void record(Faults.Kind k, String error) {
        if (error == null) {
            faultsOk.get(k).incrementAndGet();
        } else {
            faultsBad.get(k).incrementAndGet();
            faultErrors.putIfAbsent(k, error);
            log.println("soak: fault " + k + " unexpected: " + error);
        }
    }

    private List<SoakClientLoop> clientLoops(SoakServerProcess server, SSLContext clientTls) throws IOException {
        Random random = new Random(23);
        int n = config.connections();
        int loopsCount = config.clientLoops();
        List<List<SoakConn>> perLoop = new ArrayList<>();
        List<List<SoakConn.ChatRoom>> roomsPerLoop = new ArrayList<>();
        for (int i = 0; i < loopsCount; i++) {
            perLoop.add(new ArrayList<>());
            roomsPerLoop.add(new ArrayList<>());
        }
        int streams = (int) Math.round(n * config.streamShare());
        int rooms = (int) (n * config.chatShare()) / config.roomSize();
        int echoes = n - streams - rooms * config.roomSize();
        for (int r = 0; r < rooms; r++) {
            SoakConn.ChatRoom room = new SoakConn.ChatRoom("room-" + r, config.roomSize());
            int loop = r % loopsCount;
            roomsPerLoop.get(loop).add(room);
            for (int m = 0; m < config.roomSize(); m++) {
                SoakConn c = new SoakConn(SoakConn.Kind.CHAT, random.nextDouble() < config.wssShare(),
                        random.nextDouble() < config.deflateShare(), room, m);
                room.members[m] = c;
                perLoop.get(loop).add(c);
            }
        }
        for (int i = 0; i < streams + echoes; i++) {
            SoakConn.Kind kind = i < streams ? SoakConn.Kind.STREAM : SoakConn.Kind.ECHO;
            perLoop.get(i % loopsCount).add(new SoakConn(kind, random.nextDouble() < config.wssShare(),
                    random.nextDouble() < config.deflateShare(), null, 0));
        }
        List<SoakClientLoop> loops = new ArrayList<>();
        for (int i = 0; i < loopsCount; i++) {
            java.util.Collections.shuffle(perLoop.get(i), random); // connect kinds interleaved
            loops.add(new SoakClientLoop(perLoop.get(i), roomsPerLoop.get(i), "127.0.0.1", server.wsPort,
                    server.wssPort, clientTls, config.interval().toNanos()));
        }
        log.printf(Locale.ROOT, "soak: %d connections: %d echo, %d chat in %d rooms, %d stream; %d client loops%n",
                n, echoes, rooms * config.roomSize(), rooms, streams, loopsCount);
        return loops;
    }

    private static SoakClientLoop.Totals totals(List<SoakClientLoop> loops) {
        SoakClientLoop.Totals t = null;
        for (SoakClientLoop l : loops) {
            t = t == null ? l.totals() : t.plus(l.totals());
        }
        return t;
    }

    private SoakClientLoop.Totals awaitSettled(List<SoakClientLoop> loops, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        SoakClientLoop.Totals t = totals(loops);
        while (System.nanoTime() < deadline && !t.settled()) {
            Thread.sleep(200);
            t = totals(loops);
        }
        Thread.sleep(500); // one more tick of every loop, so the totals are current
        return totals(loops);
    }

    private void sample(SoakServerProcess server, List<SoakClientLoop> loops, long t0, long faults, String phase)
            throws IOException, InterruptedException {
        Map<String, Long> s = server.stats();
        SoakClientLoop.Totals t = loops.isEmpty() ? SoakClientLoop.Totals.EMPTY : totals(loops);
        SoakSample sample = SoakSample.of((System.nanoTime() - t0) / 1e9, s, t, faults, phase);
        samples.add(sample);
        log.println("soak: " + sample.line());
    }

    /** Samples until the server is back at its baseline or the settle time ran out; the last stats. */
    private Map<String, Long> settle(SoakServerProcess server, Map<String, Long> baseline, long t0, long faults)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + config.settle().toNanos();
        Map<String, Long> s;
        while (true) {
            Thread.sleep(Math.min(5000, config.sampleEvery().toMillis()));
            s = server.stats();
            samples.add(SoakSample.of((System.nanoTime() - t0) / 1e9, s, SoakClientLoop.Totals.EMPTY, faults,
                    "settle"));
            log.println("soak: " + samples.get(samples.size() - 1).line());
            if (SoakResult.backAtBaseline(config, baseline, s) || System.nanoTime() > deadline) {
                return s;
            }
        }
    }

    private void write(SoakResult r, double loadEnd) throws IOException {
        Files.writeString(config.out().resolve("summary.md"), r.summary());
        StringBuilder csv = new StringBuilder(SoakSample.CSV_HEADER).append('\n');
        for (SoakSample s : samples) {
            csv.append(s.csv()).append('\n');
        }
        Files.writeString(config.out().resolve("samples.csv"), csv);
        Files.writeString(config.out().resolve("soak.svg"), SoakSample.chart(samples, config, loadEnd));
        log.println("soak: wrote " + config.out().resolve("summary.md") + ", samples.csv, soak.svg");
    }

    /** The output directory of a run (for callers that pass it on). */
    Path out() {
        return config.out();
    }
}
