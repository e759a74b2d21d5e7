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
 * @param variants the wss and deflate rows: which transports, and their smaller matrix
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
record Plan(String name, List<String> streamServers, List<Integer> streamThreads, List<Integer> streamConnections,
        List<Integer> streamSizes, int streamMessagesPerRun, Duration streamTimeout,
        List<String> echoServers, List<int[]> echoCases, Duration echoWarmup, Duration echoMeasure,
        List<String> idleServers, int idleConnections, List<String> coldServers, int coldRepeats,
        Variants variants) {

    /**
     * The rows repeated per transport. Plain ws gets the whole matrix above; every other
     * transport gets this smaller one, at the first pool size T of the plan only.
     *
     * @param transports transports in table order (ws, when listed, uses the plan's own matrix)
     * @param streamServers sync-stream servers
     * @param streamConnections connection counts N
     * @param streamSizes message sizes S
     * @param echoServers echo servers
     * @param echoCases (connections, size, window) triples
     * @param streamMessagesPerRun N × M is about this
     * @param echoWarmup warm-up of each echo run
     * @param echoMeasure measured period of each echo run
     *
     * <p>Thread-safe: any method may be called from any thread.
     */
    record Variants(List<Transport> transports, List<String> streamServers, List<Integer> streamConnections,
            List<Integer> streamSizes, List<String> echoServers, List<int[]> echoCases, int streamMessagesPerRun,
            Duration echoWarmup, Duration echoMeasure) {

        Variants withTransports(List<Transport> list) {
            return new Variants(list, streamServers, streamConnections, streamSizes, echoServers, echoCases,
                    streamMessagesPerRun, echoWarmup, echoMeasure);
        }

        Variants onlyServers(List<String> keep) {
            return new Variants(transports, filter(streamServers, keep), streamConnections, streamSizes,
                    filter(echoServers, keep), echoCases, streamMessagesPerRun, echoWarmup, echoMeasure);
        }

        Variants withStream(List<Integer> connections, List<Integer> sizes, int messagesPerRun) {
            return new Variants(transports, streamServers, connections, sizes, echoServers, echoCases,
                    messagesPerRun, echoWarmup, echoMeasure);
        }

        Variants withEchoCases(List<int[]> cases) {
            return new Variants(transports, streamServers, streamConnections, streamSizes, echoServers, cases,
                    streamMessagesPerRun, echoWarmup, echoMeasure);
        }

        Variants withEchoMeasure(Duration measure) {
            return new Variants(transports, streamServers, streamConnections, streamSizes, echoServers, echoCases,
                    streamMessagesPerRun, echoWarmup, measure);
        }
    }

    /** Peers of the wss and deflate rows: lws4j, the libraries, and the floor that shows the generator's ceiling. */
    static final List<String> VARIANT_STREAM_SERVERS = List.of("floor-batch", "lws4j", "netty", "netty-default",
            "jetty");
    static final List<String> VARIANT_ECHO_SERVERS = List.of("floor", "lws4j", "netty", "netty-default", "jetty",
            "java-websocket");
    static final List<int[]> VARIANT_ECHO_CASES = List.of(new int[] {64, 32, 1}, new int[] {64, 4096, 1});

    /** netty-default: Netty at its own event-loop count (twice the cores) beside the one-loop row. */
    static final List<String> STREAM_SERVERS = List.of("floor", "floor-batch", "lws4j", "lws4j-juc", "netty",
            "netty-default", "jetty");
    static final List<String> ECHO_SERVERS = List.of("floor", "lws4j", "netty", "netty-default", "jetty",
            "java-websocket");
    static final List<String> MEMORY_SERVERS = List.of("lws4j", "netty", "jetty", "java-websocket");
    static final List<String> COLD_SERVERS = List.of("floor", "lws4j", "netty", "jetty", "java-websocket");

    /** This plan restricted to the given servers (in the plan's order). */
    Plan onlyServers(List<String> keep) {
        return new Plan(name, filter(streamServers, keep), streamThreads, streamConnections, streamSizes,
                streamMessagesPerRun, streamTimeout, filter(echoServers, keep), echoCases, echoWarmup, echoMeasure,
                filter(idleServers, keep), idleConnections, filter(coldServers, keep), coldRepeats,
                variants.onlyServers(keep));
    }

    /** This plan with other stream connection counts, sizes and messages per run for the wss and deflate rows. */
    Plan withVariantStream(List<Integer> connections, List<Integer> sizes, int messagesPerRun) {
        return new Plan(name, streamServers, streamThreads, streamConnections, streamSizes, streamMessagesPerRun,
                streamTimeout, echoServers, echoCases, echoWarmup, echoMeasure, idleServers, idleConnections,
                coldServers, coldRepeats, variants.withStream(connections, sizes, messagesPerRun));
    }

    /** This plan with another number of connections held open by the idle workloads. */
    Plan withIdleConnections(int connections) {
        if (connections < 1) {
            throw new IllegalArgumentException("--idle-connections wants 1 or more, got " + connections);
        }
        return new Plan(name, streamServers, streamThreads, streamConnections, streamSizes, streamMessagesPerRun,
                streamTimeout, echoServers, echoCases, echoWarmup, echoMeasure, idleServers, connections,
                coldServers, coldRepeats, variants);
    }

    /** This plan with other pool sizes T for the ws sync-stream matrix. */
    Plan withStreamThreads(List<Integer> threads) {
        return new Plan(name, streamServers, List.copyOf(threads), streamConnections, streamSizes,
                streamMessagesPerRun, streamTimeout, echoServers, echoCases, echoWarmup, echoMeasure, idleServers,
                idleConnections, coldServers, coldRepeats, variants);
    }

    /** This plan with other transports (ws keeps the whole matrix, the others the variant one). */
    Plan withTransports(List<Transport> transports) {
        return new Plan(name, streamServers, streamThreads, streamConnections, streamSizes, streamMessagesPerRun,
                streamTimeout, echoServers, echoCases, echoWarmup, echoMeasure, idleServers, idleConnections,
                coldServers, coldRepeats, variants.withTransports(transports));
    }

    /** This plan with other stream connection counts and messages per run (for profiling one case). */
    Plan withStream(List<Integer> connections, List<Integer> sizes, int messagesPerRun) {
        return new Plan(name, streamServers, streamThreads, connections, sizes, messagesPerRun, streamTimeout,
                echoServers, echoCases, echoWarmup, echoMeasure, idleServers, idleConnections, coldServers,
                coldRepeats, variants);
    }

    /** This plan with another measured period per echo case (wss and deflate rows too). */
    /** This plan with only the given echo cases, (connections, size, window) each, on every transport. */
    Plan withEchoCases(List<int[]> cases) {
        return new Plan(name, streamServers, streamThreads, streamConnections, streamSizes, streamMessagesPerRun,
                streamTimeout, echoServers, List.copyOf(cases), echoWarmup, echoMeasure, idleServers, idleConnections,
                coldServers, coldRepeats, variants.withEchoCases(List.copyOf(cases)));
    }

    Plan withEchoMeasure(Duration measure) {
        return new Plan(name, streamServers, streamThreads, streamConnections, streamSizes, streamMessagesPerRun,
                streamTimeout, echoServers, echoCases, echoWarmup, measure, idleServers, idleConnections,
                coldServers, coldRepeats, variants.withEchoMeasure(measure));
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
                    Duration.ofMillis(100), Duration.ofMillis(300), List.of(), 0, List.of(), 0,
                    // 4096 B: over lws4j's 1 KiB compression threshold, so the deflate rows compress
                    new Variants(List.of(Transport.WS), List.of("floor-batch", "lws4j"), List.of(2), List.of(4096),
                            List.of("floor", "lws4j"), List.of(new int[] {2, 4096, 1}), 100, Duration.ofMillis(100),
                            Duration.ofMillis(300)));
            case "quick" -> new Plan("quick", STREAM_SERVERS, List.of(3), List.of(8, 64, 512), List.of(32, 4096),
                    60_000, Duration.ofSeconds(20), ECHO_SERVERS,
                    List.of(new int[] {1, 32, 1}, new int[] {64, 32, 1}, new int[] {64, 32, 16},
                            new int[] {64, 4096, 1}, new int[] {64, 65536, 1}),
                    Duration.ofMillis(500), Duration.ofMillis(1500), MEMORY_SERVERS, 2_000, COLD_SERVERS, 1,
                    new Variants(Transport.parseList("ws,wss,ws+deflate"), VARIANT_STREAM_SERVERS, List.of(64),
                            List.of(32, 4096), VARIANT_ECHO_SERVERS, VARIANT_ECHO_CASES, 30_000,
                            Duration.ofMillis(300), Duration.ofMillis(1000)));
            case "full" -> new Plan("full", STREAM_SERVERS, List.of(3, twiceCores()), List.of(8, 64, 512),
                    List.of(32, 4096), 300_000, Duration.ofSeconds(90), ECHO_SERVERS, fullEchoCases(),
                    Duration.ofSeconds(2), Duration.ofSeconds(5), MEMORY_SERVERS, 10_000, COLD_SERVERS, 3,
                    new Variants(Transport.parseList("ws,wss,ws+deflate,wss+deflate"), STREAM_SERVERS,
                            List.of(8, 64, 512), List.of(32, 4096), ECHO_SERVERS, fullVariantEchoCases(), 300_000,
                            Duration.ofSeconds(2), Duration.ofSeconds(5)));
            default -> throw new IllegalArgumentException("unknown mode " + name + " (smoke, quick, full)");
        };
    }

    private static List<int[]> fullVariantEchoCases() {
        return List.of(new int[] {1, 32, 1}, new int[] {64, 32, 1}, new int[] {64, 32, 16}, new int[] {64, 4096, 1},
                new int[] {64, 4096, 16}, new int[] {64, 65536, 1});
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
