package io.lws4j.benchmarks.servers;

import io.lws4j.benchmarks.loadgen.LoadGenerator;
import io.lws4j.benchmarks.loadgen.StreamResult;
import io.lws4j.benchmarks.loadgen.StreamSpec;
import io.lws4j.benchmarks.loadgen.Target;
import io.lws4j.internal.loop.ContextImpl;
import io.lws4j.internal.loop.ServiceLoop;
import io.lws4j.internal.loop.WaitHistogram;
import java.time.Duration;
import java.util.Locale;

/**
 * How long an lws4j service loop, back from select, waits to take its role back from a
 * threadpool worker that borrowed it (the loop's {@link ServiceLoop#reclaimWaits()}), under
 * sync-stream load: the lws4j pool server in this JVM, streaming to the load generator over
 * loopback. A first run warms the JIT on its own server; the figures are from a second,
 * fresh server.
 *
 * <p>Usage: {@code ReclaimWaitProbe [--threads 8] [--io-threads 1] [--connections 16]
 * [--messages 20000] [--size 256] [--deflate off|on]}.
 *
 * <p>Thread-safe: a main class; nothing shared.
 */
public final class ReclaimWaitProbe {
    private ReclaimWaitProbe() {
    }

    public static void main(String[] args) throws Exception {
        int threads = 8;
        int ioThreads = 1;
        int connections = 16;
        int messages = 20_000;
        int size = 256;
        boolean deflate = false;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(v);
                case "--io-threads" -> ioThreads = Integer.parseInt(v);
                case "--connections" -> connections = Integer.parseInt(v);
                case "--messages" -> messages = Integer.parseInt(v);
                case "--size" -> size = Integer.parseInt(v);
                case "--deflate" -> deflate = v.equals("on");
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        ServerOptions o = new ServerOptions("lws4j", 0, threads, 1024, ioThreads, null, deflate,
                HandshakeFilter.NONE);
        run(o, connections, Math.max(1, messages / 4), size, deflate, false);
        run(o, connections, messages, size, deflate, true);
    }

    private static void run(ServerOptions o, int connections, int messages, int size,
            boolean deflate, boolean report) throws Exception {
        Lws4jPoolServer server = new Lws4jPoolServer(o);
        try {
            Target target = Target.loopback(server.port()).with(null, deflate);
            StreamResult r = new LoadGenerator(1).stream(target,
                    new StreamSpec(connections, messages, size, Duration.ofMinutes(5)));
            if (!report) {
                return;
            }
            System.out.printf(Locale.ROOT, "workers=%d io-threads=%d connections=%d messages=%d"
                    + " size=%d deflate=%s cores=%d: %.0f msg/s, %s%n", o.threads(), o.ioThreads(),
                    connections, messages, size, deflate ? "on" : "off",
                    Runtime.getRuntime().availableProcessors(), r.messagesPerSecond(), r.check());
            for (ServiceLoop loop : ((ContextImpl) server.context()).loops()) {
                WaitHistogram w = loop.reclaimWaits();
                System.out.printf(Locale.ROOT, "%s: %d blocking selects, %d reclaims waited for a"
                        + " borrower; wait p50 %s, p99 %s, p99.9 %s, max %s%n", loop.name(),
                        loop.lendCount(), w.count(), us(w.quantile(0.5)), us(w.quantile(0.99)),
                        us(w.quantile(0.999)), us(w.max()));
            }
        } finally {
            server.close();
        }
    }

    private static String us(long nanos) {
        return nanos < 0 ? "-" : String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
    }
}
