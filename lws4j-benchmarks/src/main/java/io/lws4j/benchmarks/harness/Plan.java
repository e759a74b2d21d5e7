package io.lws4j.benchmarks.harness;

import java.time.Duration;
import java.util.List;

/**
 * What one harness pass runs: the matrices of the four workloads and their bounds.
 *
 * @param name smoke, quick or full
 * @param streamServers servers of the sync-stream workload
 * @param streamThreads pool sizes T
 * @param streamConnections connection counts N
 * @param streamSizes message sizes S
 * @param streamMessagesPerRun N × M is about this; M = this / N
 * @param streamTimeout bound of one stream run
 * @param echoServers servers of the echo workload
 * @param echoCases (connections, size, window) triples
 * @param echoWarmup warm-up of each echo run
 * @param echoMeasure measured period of each echo run
 * @param idleServers servers of the idle workload
 * @param idleConnections connections held open
 * @param coldServers servers of the cold-start workload
 * @param coldRepeats cold starts per server (the median is reported)
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
record Plan(String name, List<String> streamServers, List<Integer> streamThreads, List<Integer> streamConnections,
        List<Integer> streamSizes, int streamMessagesPerRun, Duration streamTimeout,
        List<String> echoServers, List<int[]> echoCases, Duration echoWarmup, Duration echoMeasure,
        List<String> idleServers, int idleConnections, List<String> coldServers, int coldRepeats) {

    static final List<String> STREAM_SERVERS = List.of("floor", "floor-batch", "lws4j", "lws4j-juc", "netty", "jetty");
    static final List<String> ECHO_SERVERS = List.of("floor", "lws4j", "netty", "jetty", "java-websocket");
    static final List<String> MEMORY_SERVERS = List.of("lws4j", "netty", "jetty", "java-websocket");
    static final List<String> COLD_SERVERS = List.of("floor", "lws4j", "netty", "jetty", "java-websocket");

    /** This plan restricted to the given servers (in the plan's order). */
    Plan onlyServers(List<String> keep) {
        return new Plan(name, filter(streamServers, keep), streamThreads, streamConnections, streamSizes,
                streamMessagesPerRun, streamTimeout, filter(echoServers, keep), echoCases, echoWarmup, echoMeasure,
                filter(idleServers, keep), idleConnections, filter(coldServers, keep), coldRepeats);
    }

    /** This plan with other stream connection counts and messages per run (for profiling one case). */
    Plan withStream(List<Integer> connections, List<Integer> sizes, int messagesPerRun) {
        return new Plan(name, streamServers, streamThreads, connections, sizes, messagesPerRun, streamTimeout,
                echoServers, echoCases, echoWarmup, echoMeasure, idleServers, idleConnections, coldServers,
                coldRepeats);
    }

    /** This plan with another measured period per echo case. */
    Plan withEchoMeasure(Duration measure) {
        return new Plan(name, streamServers, streamThreads, streamConnections, streamSizes, streamMessagesPerRun,
                streamTimeout, echoServers, echoCases, echoWarmup, measure, idleServers, idleConnections,
                coldServers, coldRepeats);
    }

    private static List<String> filter(List<String> servers, List<String> keep) {
        return servers.stream().filter(keep::contains).toList();
    }

    static int twiceCores() {
        return 2 * Runtime.getRuntime().availableProcessors();
    }

    static Plan named(String name) {
        return switch (name) {
            case "smoke" -> new Plan("smoke", List.of("floor", "lws4j"), List.of(2), List.of(2), List.of(32), 100,
                    Duration.ofSeconds(20), List.of("floor", "lws4j"), List.of(new int[] {2, 32, 1}),
                    Duration.ofMillis(100), Duration.ofMillis(300), List.of(), 0, List.of(), 0);
            case "quick" -> new Plan("quick", STREAM_SERVERS, List.of(3), List.of(8, 64, 512), List.of(32, 4096),
                    60_000, Duration.ofSeconds(20), ECHO_SERVERS,
                    List.of(new int[] {1, 32, 1}, new int[] {64, 32, 1}, new int[] {64, 32, 16},
                            new int[] {64, 4096, 1}, new int[] {64, 65536, 1}),
                    Duration.ofMillis(500), Duration.ofMillis(1500), MEMORY_SERVERS, 2_000, COLD_SERVERS, 1);
            case "full" -> new Plan("full", STREAM_SERVERS, List.of(3, twiceCores()), List.of(8, 64, 512),
                    List.of(32, 4096), 300_000, Duration.ofSeconds(90), ECHO_SERVERS, fullEchoCases(),
                    Duration.ofSeconds(2), Duration.ofSeconds(5), MEMORY_SERVERS, 10_000, COLD_SERVERS, 3);
            default -> throw new IllegalArgumentException("unknown mode " + name + " (smoke, quick, full)");
        };
    }

    private static List<int[]> fullEchoCases() {
        List<int[]> cases = new java.util.ArrayList<>();
        for (int n : new int[] {1, 64, 512}) {
            for (int s : new int[] {32, 4096, 65536}) {
                cases.add(new int[] {n, s, 1});
                // Pipelined: 16 in flight, capped at 256 KiB per connection (512 × 16 × 64 KiB
                // would be 512 MiB in flight, a memory test rather than an echo test).
                cases.add(new int[] {n, s, Math.max(1, Math.min(16, (256 * 1024) / s))});
            }
        }
        return cases;
    }
}
