package io.lws4j.benchmarks.harness;

import io.lws4j.benchmarks.loadgen.HandshakeLoad;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The handshake workload: opening handshakes per second against each server with no filter,
 * a token filter and a deferred token filter ({@code servers.HandshakeFilter}), each server
 * in its own JVM as in {@link Harness}. Every round runs each (filter, server) cell once, in an
 * order shuffled per round; a cell's figure is the median of its rounds. Server CPU per
 * handshake is the server process's CPU time over the measured window divided by its 101s.
 *
 * <p>{@code HandshakeBench [--servers lws4j,jetty,netty] [--filters none,token,deferred]
 * [--clients 8] [--warmup-ms 2000] [--measure-ms 5000] [--rounds 3] [--seed N]
 * [--out report.md] [--logs dir]}
 *
 * <p>Not thread-safe: a main class, run once.
 */
public final class HandshakeBench {

    private HandshakeBench() {
    }

    /** One cell's runs. */
    private record Cell(String filter, String server, List<double[]> runs) {
    }

    public static void main(String[] args) throws Exception {
        List<String> servers = List.of("lws4j", "jetty", "netty");
        List<String> filters = List.of("none", "token", "deferred");
        int clients = 8;
        long warmup = 2000;
        long measure = 5000;
        int rounds = 3;
        long seed = System.nanoTime();
        Path out = null;
        Path logs = Path.of("target", "handshake-logs");
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--servers" -> servers = Arrays.asList(v.split(","));
                case "--filters" -> filters = Arrays.asList(v.split(","));
                case "--clients" -> clients = Integer.parseInt(v);
                case "--warmup-ms" -> warmup = Long.parseLong(v);
                case "--measure-ms" -> measure = Long.parseLong(v);
                case "--rounds" -> rounds = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--out" -> out = Path.of(v);
                case "--logs" -> logs = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Map<String, Cell> cells = new LinkedHashMap<>();
        for (String f : filters) {
            for (String s : servers) {
                cells.put(f + "/" + s, new Cell(f, s, new ArrayList<>()));
            }
        }
        Random random = new Random(seed);
        double[] load = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            List<Cell> order = new ArrayList<>(cells.values());
            Collections.shuffle(order, random);
            System.err.println("round " + (r + 1) + ": " + order.stream()
                    .map(c -> c.filter() + "/" + c.server()).toList());
            for (Cell c : order) {
                c.runs().add(runCell(c, clients, warmup, measure, logs));
            }
            load[r] = loadAverage();
        }
        StringBuilder sb = new StringBuilder();
        sb.append("## Handshake workload\n\n").append(Machine.describe());
        sb.append("- Clients: ").append(clients).append(" threads, each connect, upgrade request"
                + " `GET /?token=bench-token`, response head, reset; warm-up ").append(warmup)
                .append(" ms, measured ").append(measure).append(" ms; ").append(rounds)
                .append(" rounds in shuffled order (seed ").append(seed).append("), medians\n");
        sb.append("- 1-minute load average after each round: ").append(Arrays.toString(load))
                .append("\n\n");
        Table t = new Table("Opening handshakes per second", "filter", "server", "handshakes/s",
                "x lws4j", "p50 ms", "p99 ms", "server CPU µs/handshake", "not 101");
        for (String f : filters) {
            double base = median(cells.get(f + "/lws4j"), 0);
            for (String s : servers) {
                Cell c = cells.get(f + "/" + s);
                double rate = median(c, 0);
                t.add(f, s, Table.number(rate), Table.ratio(rate, base),
                        String.format("%.2f", median(c, 1) / 1e6),
                        String.format("%.2f", median(c, 2) / 1e6),
                        Table.micros((long) median(c, 3)),
                        Long.toString((long) c.runs().stream().mapToDouble(x -> x[4]).sum()));
            }
        }
        sb.append(t.markdown());
        System.out.print(sb);
        if (out != null) {
            Files.writeString(out, sb, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        System.exit(0);
    }

    /** @return rate, p50 ns, p99 ns, server CPU ns per handshake, refusals and errors */
    private static double[] runCell(Cell c, int clients, long warmup, long measure, Path logs)
            throws IOException, InterruptedException {
        try (ServerProcess p = ServerProcess.start(c.server(), 0, 0, 1024,
                List.of("--filter", c.filter()), List.of(), logs)) {
            // the CPU window starts after the warm-up: JIT and class loading left out
            long[] cpuAtMeasure = new long[1];
            Thread marker = new Thread(() -> {
                try {
                    Thread.sleep(warmup);
                    cpuAtMeasure[0] = p.cpuNanos();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            marker.start();
            HandshakeLoad.Result r = HandshakeLoad.run(p.port(), "/?token=bench-token", clients,
                    warmup, measure);
            marker.join();
            long cpu = p.cpuNanos() - cpuAtMeasure[0];
            double perHandshake = r.upgrades() > 0 && cpuAtMeasure[0] >= 0 ? (double) cpu / r.upgrades() : -1;
            System.err.printf("  %s/%s: %.0f/s, refused %d, errors %d%n", c.filter(), c.server(),
                    r.rate(), r.refused(), r.errors());
            return new double[] {r.rate(), r.latency().quantile(0.5), r.latency().quantile(0.99),
                perHandshake, r.refused() + r.errors()};
        }
    }

    private static double median(Cell c, int index) {
        double[] v = c.runs().stream().mapToDouble(x -> x[index]).sorted().toArray();
        if (v.length == 0) {
            return -1;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
