package io.lws4j.benchmarks.harness;

import io.lws4j.benchmarks.loadgen.LoadGenerator;
import io.lws4j.benchmarks.loadgen.Target;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The idle-connections workload: N connections held open to one server in its own JVM,
 * whose heap is fixed and pre-touched ({@link Harness#IDLE_JVM}), so that the server's
 * anonymous RSS growth is native memory (stacks, buffers, selector, zlib state), not G1
 * growing the heap; reported per connection with the heap after a full GC. Plain, the
 * connections send nothing; with a message each sends one text message once open and reads
 * its echo before going idle (with permessage-deflate: the generator's bare offer, context
 * takeover both ways, as browsers offer it; a server that does not accept it fails every
 * connection, and the row says so instead of measuring a connection without the extension).
 *
 * <p>Not thread-safe: instances must not be shared.
 */
final class IdleBench {
    /**
     * One measured idle row.
     *
     * @param server the server
     * @param transport how the generator talked to it
     * @param messageBytes the size of the one text message each connection sent, 0 for none
     * @param wanted connections asked for
     * @param opened connections whose handshake completed
     * @param echoed connections that got their message's echo
     * @param compressedEchoes of those, echoes that came compressed
     * @param heap heap after full GC before and with the connections, bytes
     * @param anonRss anonymous RSS before and with the connections, bytes
     * @param negotiated the first connection's transport and the server's extensions answer
     * @param error the first connection's error, or null
     */
    record Row(String server, Transport transport, int messageBytes, int wanted, int opened, long echoed,
            long compressedEchoes, long[] heap, long[] anonRss, String negotiated, String error) {

        /** Every connection opened, got its echo when it sent a message, and none failed. */
        boolean ok() {
            return error == null && opened == wanted && (messageBytes == 0 || echoed == wanted);
        }

        double heapPerConnection() {
            return opened > 0 ? (double) (heap[1] - heap[0]) / opened : -1;
        }

        double anonRssPerConnection() {
            return opened > 0 ? (double) (anonRss[1] - anonRss[0]) / opened : -1;
        }

        String check() {
            if (ok()) {
                return messageBytes == 0 ? "ok" : "ok, " + echoed + " echoed (" + compressedEchoes + " compressed)";
            }
            return "FAILED: " + opened + "/" + wanted + " opened, " + echoed + " echoed"
                    + (error == null ? "" : "; " + error);
        }
    }

    private final LoadGenerator generator;
    private final Path logDir;
    private final PrintStream progress;

    IdleBench(LoadGenerator generator, Path logDir, PrintStream progress) {
        this.generator = generator;
        this.logDir = logDir;
        this.progress = progress;
    }

    /**
     * Measures one server with {@code connections} idle connections.
     *
     * @param serverArgs the server options of {@code transport}
     * @param target the target of {@code transport} at a port
     * @return the row, or null when the server did not start
     */
    Row measure(String server, Transport transport, int messageBytes, int connections, List<String> serverArgs,
            IntFunction<Target> target) throws InterruptedException {
        String label = transport.label() + (messageBytes > 0 ? ", " + messageBytes + " B message" : "");
        progress.printf("idle (%s): %s, %d connections%n", label, server, connections);
        try (ServerProcess p = ServerProcess.start(server, 0, 0, 1, serverArgs, Harness.IDLE_JVM, logDir)) {
            // Warm-up: open (and message) and close some connections first, so JIT code, class
            // metadata and any pools of the accept/handshake/message path are in the
            // baseline, not per connection. A tenth of the measured count at most: the native
            // memory the warm-up's connections freed stays in the allocator's free lists, in
            // RSS, and measured connections that reuse it would not show their own.
            int warmCount = Math.min(500, Math.max(1, connections / 10));
            try (LoadGenerator.IdleSession warm = generator.idle(target.apply(p.port()), warmCount,
                    messageBytes, Duration.ofSeconds(30))) {
                progress.printf("  warm-up: %d connections opened, %d echoed, closed%n", warm.opened(), warm.echoed());
            }
            Thread.sleep(500);
            long[] before = p.stats();
            try (LoadGenerator.IdleSession s = generator.idle(target.apply(p.port()), connections, messageBytes,
                    Duration.ofSeconds(60))) {
                Thread.sleep(500);
                long[] after = p.stats();
                // RSS columns use anonymous RSS: file-backed pages come and go with the
                // kernel's reclaim (this machine runs DAMON pageout), not with connections.
                Row row = new Row(server, transport, messageBytes, connections, s.opened(), s.echoed(),
                        s.compressedEchoes(), new long[] {before[0], after[0]}, new long[] {before[2], after[2]},
                        s.negotiated(), s.complete(connections) ? null : s.error());
                progress.printf("  opened %d, echoed %d, heap %d -> %d, rss %d -> %d, anon %d -> %d [%s] %s%n",
                        s.opened(), s.echoed(), before[0], after[0], before[1], after[1], before[2], after[2],
                        row.negotiated(), row.check());
                return row;
            }
        } catch (IOException e) {
            progress.println("  " + server + " failed: " + e.getMessage());
            return null;
        }
    }

    /** The plain idle table (no message, no extension), with each server's ratio to lws4j. */
    static Table plainTable(List<Row> rows) {
        Row lws = rows.stream().filter(r -> r.server().equals("lws4j")).findFirst().orElse(null);
        Table t = new Table("idle connections: server memory (heap after full GC; anonymous RSS growth with -Xms1g "
                + "-XX:+AlwaysPreTouch, so heap growth is not in it), separate JVM per server",
                "server", "open conns", "heap MB", "heap B/conn", "heap × lws4j", "anon RSS MB", "anon RSS B/conn",
                "RSS × lws4j");
        for (Row r : rows) {
            t.add(r.server(), Long.toString(r.opened()), Table.number(r.heap()[1] / 1e6),
                    Table.number(r.heapPerConnection()),
                    Table.ratio(r.heapPerConnection(), lws == null ? -1 : lws.heapPerConnection()),
                    Table.number(r.anonRss()[1] / 1e6), Table.number(r.anonRssPerConnection()),
                    Table.ratio(r.anonRssPerConnection(), lws == null ? -1 : lws.anonRssPerConnection()));
        }
        return t;
    }

    /**
     * The idle table with one echoed message per connection: a row per server, transport and
     * message size, each compared with lws4j's row of the same transport and size.
     */
    static Table messageTable(List<Row> rows) {
        Table t = new Table("idle connections after one echoed text message each (permessage-deflate: bare offer, "
                + "context takeover both ways): server memory (heap after full GC; anonymous RSS growth with -Xms1g "
                + "-XX:+AlwaysPreTouch, so zlib's native state is in it and heap growth is not), separate JVM per "
                + "server", "server", "transport", "message B", "open conns", "heap MB", "heap B/conn",
                "heap × lws4j", "anon RSS MB", "anon RSS B/conn", "RSS × lws4j", "check");
        Map<String, String> negotiated = new LinkedHashMap<>();
        for (Row r : rows) {
            Row lws = rows.stream().filter(o -> o.server().equals("lws4j") && o.transport().equals(r.transport())
                    && o.messageBytes() == r.messageBytes()).findFirst().orElse(null);
            t.add(r.server(), r.transport().label(), Integer.toString(r.messageBytes()), Long.toString(r.opened()),
                    Table.number(r.heap()[1] / 1e6), Table.number(r.heapPerConnection()),
                    ratio(r, lws, Row::heapPerConnection), Table.number(r.anonRss()[1] / 1e6),
                    Table.number(r.anonRssPerConnection()), ratio(r, lws, Row::anonRssPerConnection), r.check());
            if (r.transport().deflate()) {
                negotiated.putIfAbsent(r.server(), r.negotiated());
            }
        }
        negotiated.forEach((server, how) -> t.note(server + ": " + how));
        return t;
    }

    /** A failed row is no basis for a ratio, nor compared with one. */
    private static String ratio(Row r, Row lws, java.util.function.ToDoubleFunction<Row> per) {
        if (lws == null || !r.ok() || !lws.ok()) {
            return "n/a";
        }
        return Table.ratio(per.applyAsDouble(r), per.applyAsDouble(lws));
    }

    /** Message sizes from {@code --idle-message-bytes} (each 1 or more). */
    static List<Integer> messageSizes(String csv) {
        List<Integer> sizes = new ArrayList<>();
        for (String s : csv.split(",")) {
            int size = Integer.parseInt(s.trim());
            if (size < 1) {
                throw new IllegalArgumentException("--idle-message-bytes wants sizes of 1 or more, got " + size);
            }
            sizes.add(size);
        }
        return sizes;
    }
}
