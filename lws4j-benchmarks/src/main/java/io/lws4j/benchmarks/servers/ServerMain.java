package io.lws4j.benchmarks.servers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts one benchmark server in its own JVM (so it has its own heap, GC and RSS) and talks
 * to the harness over stdin/stdout: it prints {@code READY <port>} once listening, answers
 * {@code stats} with {@code STATS heap=<bytes used after GC> rss=<bytes>}, and exits on
 * {@code quit} or end of input (so it dies with the harness).
 *
 * <p>Not thread-safe: instances must not be shared (it is a main class).
 */
public final class ServerMain {
    static final List<String> IMPLS = List.of("floor", "floor-batch", "lws4j", "lws4j-juc",
            "netty", "netty-default", "jetty", "java-websocket", "lws4j-messaging", "jetty-messaging",
            "netty-messaging");

    private ServerMain() {
    }

    public static void main(String[] args) throws Exception {
        ServerOptions o = ServerOptions.parse(args);
        try (BenchServer server = start(o)) {
            System.out.println("READY " + server.port());
            System.out.flush();
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = stdin.readLine()) != null && !line.equals("quit")) {
                if (line.equals("stats")) {
                    System.out.println("STATS heap=" + heapAfterGc() + " rss=" + procStatus("VmRSS:")
                            + " rssAnon=" + procStatus("RssAnon:"));
                    System.out.flush();
                }
            }
        }
        System.exit(0);
    }

    static BenchServer start(ServerOptions o) throws Exception {
        return switch (o.impl()) {
            case "floor" -> new FloorServer(o, false);
            case "floor-batch" -> new FloorServer(o, true);
            case "lws4j" -> new Lws4jPoolServer(o);
            case "lws4j-juc" -> new Lws4jExecutorServer(o);
            case "netty" -> new NettyServer(o, o.ioThreads());
            case "netty-default" -> new NettyServer(o, 0);
            case "jetty" -> new JettyServer(o);
            case "java-websocket" -> new JavaWebSocketBenchServer(o);
            case "lws4j-messaging" -> new Lws4jMessagingServer(o);
            case "jetty-messaging" -> new JettyMessagingServer(o);
            case "netty-messaging" -> new NettyMessagingServer(o);
            default -> throw new IllegalArgumentException("unknown --impl " + o.impl() + ", one of " + IMPLS);
        };
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * A kB field of /proc/self/status in bytes (VmRSS: all resident pages; RssAnon: anonymous
     * ones only, without file-backed pages of libjvm, the CDS archive and jars, which the
     * kernel may reclaim and fault back in at any time), or -1 where there is none.
     */
    static long procStatus(String field) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith(field)) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
