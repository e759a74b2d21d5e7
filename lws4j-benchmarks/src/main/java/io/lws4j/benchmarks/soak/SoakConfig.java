package io.lws4j.benchmarks.soak;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A soak run's parameters, with the defaults of the long run.
 *
 * @param connections well-behaved connections held for the whole run
 * @param duration how long the load and the faults last
 * @param sampleEvery how often the server is sampled
 * @param interval the mean time between two actions of one connection
 * @param faultsPerSecond misbehaving clients started per second (spread over the fault kinds)
 * @param recreateEvery how often the server's pool is finished and re-created (zero: never)
 * @param chatShare the fraction of connections that are chat members
 * @param streamShare the fraction that run threadpool streams
 * @param wssShare the fraction over TLS
 * @param deflateShare the fraction offering permessage-deflate
 * @param roomSize members per chat room
 * @param clientLoops the client's selector threads
 * @param serverThreads the server pool's workers
 * @param serverQueue the server pool's queue bound
 * @param serviceThreads the server's plain-context service threads
 * @param maxConcurrentFaults the most fault clients at once (more are skipped and counted)
 * @param heapTolerance how far above its baseline the server's heap after GC may end, in bytes
 * @param fdTolerance how many descriptors above baseline the server may end with
 * @param settle the longest wait for the server to return to its baseline after the load
 * @param out where the samples, the summary and the SVG go
 * @param serverHeap the server JVM's -Xmx
 * @param idleTimeout the server's idle timeout: how long a half-open socket may last; its
 *     ping interval is two fifths of it and its handshake timeout a fifth (at least 5 s, so
 *     that a TLS handshake queued behind a ramp of connects on a loaded machine still makes it)
 *
 * <p>Thread-safe: immutable.
 */
record SoakConfig(int connections, Duration duration, Duration sampleEvery, Duration interval,
        double faultsPerSecond, Duration recreateEvery, double chatShare, double streamShare, double wssShare,
        double deflateShare, int roomSize, int clientLoops, int serverThreads, int serverQueue, int serviceThreads,
        int maxConcurrentFaults, long heapTolerance, int fdTolerance, Duration settle, Path out, String serverHeap,
        Duration idleTimeout) {

    static SoakConfig defaults() {
        return new SoakConfig(10_000, Duration.ofMinutes(30), Duration.ofSeconds(5), Duration.ofSeconds(10), 4,
                Duration.ofSeconds(60), 0.2, 0.02, 0.1, 0.1, 10, 2, 8, 64, 2, 200, 16L << 20, 2,
                Duration.ofSeconds(120), Path.of("target", "soak"), "1g",
                Duration.ofSeconds(25));
    }

    /** Parses {@code --name value} pairs over the defaults. */
    static SoakConfig parse(String[] args) {
        SoakConfig c = defaults();
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + args[i]);
            }
            c = c.with(args[i], args[i + 1]);
        }
        return c;
    }

    SoakConfig with(String name, String v) {
        return switch (name) {
            case "--connections" -> new SoakConfig(Integer.parseInt(v), duration, sampleEvery, interval,
                    faultsPerSecond, recreateEvery, chatShare, streamShare, wssShare, deflateShare, roomSize,
                    clientLoops, serverThreads, serverQueue, serviceThreads, maxConcurrentFaults, heapTolerance,
                    fdTolerance, settle, out, serverHeap, idleTimeout);
            case "--duration" -> new SoakConfig(connections, seconds(v), sampleEvery, interval, faultsPerSecond,
                    recreateEvery, chatShare, streamShare, wssShare, deflateShare, roomSize, clientLoops,
                    serverThreads, serverQueue, serviceThreads, maxConcurrentFaults, heapTolerance, fdTolerance,
                    settle, out, serverHeap, idleTimeout);
            case "--sample" -> new SoakConfig(connections, duration, seconds(v), interval, faultsPerSecond,
                    recreateEvery, chatShare, streamShare, wssShare, deflateShare, roomSize, clientLoops,
                    serverThreads, serverQueue, serviceThreads, maxConcurrentFaults, heapTolerance, fdTolerance,
                    settle, out, serverHeap, idleTimeout);
            case "--interval" -> new SoakConfig(connections, duration, sampleEvery, seconds(v), faultsPerSecond,
                    recreateEvery, chatShare, streamShare, wssShare, deflateShare, roomSize, clientLoops,
                    serverThreads, serverQueue, serviceThreads, maxConcurrentFaults, heapTolerance, fdTolerance,
                    settle, out, serverHeap, idleTimeout);
            case "--faults" -> new SoakConfig(connections, duration, sampleEvery, interval, Double.parseDouble(v),
                    recreateEvery, chatShare, streamShare, wssShare, deflateShare, roomSize, clientLoops,
                    serverThreads, serverQueue, serviceThreads, maxConcurrentFaults, heapTolerance, fdTolerance,
                    settle, out, serverHeap, idleTimeout);
            case "--recreate" -> new SoakConfig(connections, duration, sampleEvery, interval, faultsPerSecond,
                    seconds(v), chatShare, streamShare, wssShare, deflateShare, roomSize, clientLoops,
                    serverThreads, serverQueue, serviceThreads, maxConcurrentFaults, heapTolerance, fdTolerance,
                    settle, out, serverHeap, idleTimeout);
            case "--out" -> new SoakConfig(connections, duration, sampleEvery, interval, faultsPerSecond,
                    recreateEvery, chatShare, streamShare, wssShare, deflateShare, roomSize, clientLoops,
                    serverThreads, serverQueue, serviceThreads, maxConcurrentFaults, heapTolerance, fdTolerance,
                    settle, Path.of(v), serverHeap, idleTimeout);
            case "--server-heap" -> new SoakConfig(connections, duration, sampleEvery, interval, faultsPerSecond,
                    recreateEvery, chatShare, streamShare, wssShare, deflateShare, roomSize, clientLoops,
                    serverThreads, serverQueue, serviceThreads, maxConcurrentFaults, heapTolerance, fdTolerance,
                    settle, out, v, idleTimeout);
            case "--wss-share" -> new SoakConfig(connections, duration, sampleEvery, interval, faultsPerSecond,
                    recreateEvery, chatShare, streamShare, Double.parseDouble(v), deflateShare, roomSize,
                    clientLoops, serverThreads, serverQueue, serviceThreads, maxConcurrentFaults, heapTolerance,
                    fdTolerance, settle, out, serverHeap, idleTimeout);
            case "--settle" -> new SoakConfig(connections, duration, sampleEvery, interval, faultsPerSecond,
                    recreateEvery, chatShare, streamShare, wssShare, deflateShare, roomSize, clientLoops,
                    serverThreads, serverQueue, serviceThreads, maxConcurrentFaults, heapTolerance, fdTolerance,
                    seconds(v), out, serverHeap, idleTimeout);
            case "--idle" -> new SoakConfig(connections, duration, sampleEvery, interval, faultsPerSecond,
                    recreateEvery, chatShare, streamShare, wssShare, deflateShare, roomSize, clientLoops,
                    serverThreads, serverQueue, serviceThreads, maxConcurrentFaults, heapTolerance, fdTolerance,
                    settle, out, serverHeap, seconds(v));
            default -> throw new IllegalArgumentException("unknown option " + name + "; options: --connections N"
                    + " --duration S --sample S --interval S --faults PER_S --recreate S --wss-share F"
                    + " --settle S --idle S --server-heap SIZE --out DIR");
        };
    }

    /** Seconds, or with a unit: {@code 90}, {@code 90s}, {@code 30m}. */
    private static Duration seconds(String v) {
        if (v.endsWith("m")) {
            return Duration.ofSeconds(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60));
        }
        if (v.endsWith("s")) {
            v = v.substring(0, v.length() - 1);
        }
        return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
    }

    int idleMillis() {
        return (int) idleTimeout.toMillis();
    }

    int pingMillis() {
        return idleMillis() * 2 / 5;
    }

    int handshakeMillis() {
        return Math.max(5000, idleMillis() / 5);
    }

    /** The command line that reproduces this configuration's main options. */
    String describe() {
        return String.format(java.util.Locale.ROOT, "--connections %d --duration %ds --faults %s --recreate %ds"
                + " --interval %ss --wss-share %s --idle %ds", connections, duration.toSeconds(), faultsPerSecond,
                recreateEvery.toSeconds(), interval.toMillis() / 1000.0, wssShare, idleTimeout.toSeconds());
    }
}
