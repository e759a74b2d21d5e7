package io.lws4j.benchmarks.soak;

import io.lws4j.Context;
import io.lws4j.TlsContexts;
import io.lws4j.internal.loop.ContextImpl;
import io.lws4j.threadpool.CreateArgs;
import io.lws4j.threadpool.Diagnosis;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The soak's lws4j server, in its own JVM so its heap, descriptors and threads are its own:
 * one plain and one TLS context on loopback serving the same {@link SoakHandlers} protocols
 * on {@code /echo}, {@code /chat} and {@code /stream}, with permessage-deflate, a small
 * message limit (an inflation bomb gets 1009), a handshake timeout (slowloris), pings and an
 * idle timeout (half-open sockets), and one threadpool that the runner may finish and
 * re-create.
 *
 * <p>Control over stdin/stdout: prints {@code READY <ws port> <wss port>} once listening;
 * {@code stats} answers one {@code STATS key=value ...} line (heap used after a full GC,
 * open descriptors, live threads, the longest loop cycle since the last {@code stats},
 * the pool's {@link Diagnosis} and the task, relay and close counters); {@code recreate}
 * finishes the pool and puts a new one in its place; {@code quit} or end of input stops.
 *
 * <p>Usage: {@code SoakServer --threads 8 --queue 64 --service-threads 2 --work-ms 20
 * --max-message 65536 --keystore file --password secret}.
 *
 * <p>Not thread-safe: a main class; the stdin loop is its only caller.
 */
public final class SoakServer {
    /** The most bytes a message may have here; the soak's inflation bombs go far past it. */
    static final int DEFAULT_MAX_MESSAGE = 64 * 1024;
    /** The outbound bound per connection; a reader that stops fills it and gets 1008. */
    static final int MAX_OUTBOUND = 256 * 1024;

    private SoakServer() {
    }

    public static void main(String[] args) throws Exception {
        int threads = 8;
        int queue = 64;
        int serviceThreads = 2;
        int workMillis = 20;
        int maxMessage = DEFAULT_MAX_MESSAGE;
        String keystore = null;
        String password = null;
        long handshakeMs = 5000;
        long pingMs = 10_000;
        long idleMs = 25_000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(v);
                case "--queue" -> queue = Integer.parseInt(v);
                case "--service-threads" -> serviceThreads = Integer.parseInt(v);
                case "--work-ms" -> workMillis = Integer.parseInt(v);
                case "--max-message" -> maxMessage = Integer.parseInt(v);
                case "--keystore" -> keystore = v;
                case "--password" -> password = v;
                case "--handshake-ms" -> handshakeMs = Long.parseLong(v);
                case "--ping-ms" -> pingMs = Long.parseLong(v);
                case "--idle-ms" -> idleMs = Long.parseLong(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        SoakHandlers handlers = new SoakHandlers(new CreateArgs(threads, queue), workMillis);
        Context ws = builder(handlers, serviceThreads, maxMessage, handshakeMs, pingMs, idleMs).build();
        Context wss = builder(handlers, 1, maxMessage, handshakeMs, pingMs, idleMs)
                .tls(TlsContexts.fromPkcs12(Path.of(keystore), password.toCharArray())).build();
        handlers.startPool(ws);
        System.out.println("READY " + ws.port() + " " + wss.port());
        System.out.flush();
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            String line;
            while ((line = stdin.readLine()) != null && !line.equals("quit")) {
                if (line.equals("stats")) {
                    System.out.println(stats(handlers, ws, wss));
                    System.out.flush();
                } else if (line.equals("recreate")) {
                    handlers.recreatePool();
                }
            }
        } finally {
            handlers.pool().close();
            wss.close();
            ws.close();
        }
        System.exit(0);
    }

    private static Context.Builder builder(SoakHandlers h, int serviceThreads, int maxMessage, long handshakeMs,
            long pingMs, long idleMs) {
        return Context.builder()
                .bindAddress("127.0.0.1")
                .port(0)
                .serviceThreads(serviceThreads)
                .maxConnections(30_000)
                .maxMessageSize(maxMessage)
                .maxOutboundBytes(MAX_OUTBOUND)
                .handshakeTimeout(Duration.ofMillis(handshakeMs))
                .pingInterval(Duration.ofMillis(pingMs))
                .idleTimeout(Duration.ofMillis(idleMs))
                .permessageDeflate(true)
                .protocol("echo", h.echo())
                .protocol("chat", h.chat())
                .protocol("stream", h.stream())
                .bindPath("/echo", "echo")
                .bindPath("/chat", "chat")
                .bindPath("/stream", "stream");
    }

    /** One STATS line; resets the loops' longest-cycle watchdog. */
    static String stats(SoakHandlers h, Context ws, Context wss) {
        long heap = heapAfterGc();
        long stall = 0;
        for (Context c : new Context[] {ws, wss}) {
            ContextImpl impl = (ContextImpl) c;
            stall = Math.max(stall, impl.maxLoopWorkNanos());
            impl.resetLoopWorkNanos();
        }
        Diagnosis d = h.pool().diagnose();
        return String.format(Locale.ROOT,
                "STATS heap=%d fds=%d threads=%d stallNanos=%d ongoing=%d queued=%d doneUnreaped=%d possible=%d"
                        + " accepted=%d cleanups=%d doubleCleanups=%d rejected=%d recreated=%d slowClosed=%d"
                        + " relayed=%d echoed=%d streamed=%d closed1002=%d closed1009=%d rooms=%d offloop=%d",
                heap, openDescriptors(), ManagementFactory.getThreadMXBean().getThreadCount(), stall,
                d.ongoing(), d.queueDepth(), d.doneUnreaped(), d.possible(), h.accepted.get(), h.cleanups.get(),
                h.doubleCleanups.get(), h.rejected.get(), h.poolsRecreated.get(), h.slowClosed.get(),
                h.relayed.get(), h.echoed.get(), h.streamed.get(), h.closedByCode1002.get(),
                h.closedByCode1009.get(), h.rooms(), offLoopThreads());
    }

    /**
     * Heap in use right after a full GC: what each heap pool held when that collection ended
     * (allocation since then, on service threads and workers, is not counted).
     */
    static long heapAfterGc() {
        System.gc();
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage after = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            if (after != null) {
                used += after.getUsed();
            }
        }
        return used;
    }

    /**
     * Live threads of lws4j's shared TLS off-loop executor, which start on demand and end
     * after an idle keep-alive: counted apart so that the baseline comparison of threads is
     * exact whether or not one of them was alive when the baseline was taken.
     */
    static long offLoopThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("lws4j-offloop")).count();
    }

    /** Entries of /proc/self/fd, or -1 where there is no such directory. */
    static long openDescriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            return -1;
        }
    }
}
