package io.lws4j.benchmarks.harness;

import io.lws4j.benchmarks.loadgen.MessagingLoad;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The xsend and broadcast workloads: sends from application threads (not the library's
 * service or event-loop threads) and one message broadcast to many connections, against
 * lws4j, Jetty 12 and Netty, each server in its own JVM ({@code *-messaging} servers, see
 * the servers' {@code Messaging}). Every round runs each (workload, server) cell once, in an
 * order shuffled per round, each in a fresh server JVM; a cell's figures are medians of its
 * rounds (the broadcast's max is the worst round's).
 *
 * <ul>
 *   <li>xsend: one connection; the command starts T server threads that each send M text
 *       messages of S bytes with a window of W sends not yet completed; a warm-up run of a
 *       fifth of M first. Messages per second at the client (from the command to the last
 *       message) and the server's CPU per message over the measured run.
 *   <li>xsend-client: the same sends from T threads of this JVM over one client connection,
 *       with the JDK's {@code HttpClient} WebSocket and with lws4j's client, to a counting
 *       Netty receiver ({@link ClientSenders}); messages per second until the receiver's
 *       {@code "done"} and this JVM's CPU per message.
 *   <li>broadcast: N connections; after warm-up broadcasts, R broadcasts of one S-byte text
 *       message, one at a time: the time from the client's command until the last of the N
 *       connections read the message (median and max of the R), then the server's heap used
 *       after a full GC with the N connections still open.
 * </ul>
 *
 * <p>{@code MessagingBench [--mode full|smoke] [--workloads xsend,xsend-client,broadcast]
 * [--servers lws4j,jetty,netty] [--rounds 3] [--seed N] [--xsend-t 4] [--xsend-m 100000]
 * [--xsend-s 64] [--xsend-w 64] [--bcast-n 10000] [--bcast-r 50] [--bcast-s 64]
 * [--out report.md] [--logs dir]}
 *
 * <p>Not thread-safe: one instance runs once, on one thread.
 */
public final class MessagingBench {
    /** The servers, in the report's row order. */
    static final List<String> SERVERS = List.of("lws4j", "jetty", "netty");
    private final PrintStream progress;
    private final Path logs;
    List<String> servers = SERVERS;
    int rounds = 3;
    long seed = System.nanoTime();
    int xsendThreads = 4;
    int xsendMessages = 100_000;
    int xsendSize = 64;
    int xsendWindow = 64;
    int broadcastConnections = 10_000;
    int broadcastRounds = 50;
    int broadcastSize = 64;
    /** How long one measured run may take before it counts as failed. */
    long boundMillis = 120_000;

    /** One xsend run of one server. */
    record XsendRow(String server, MessagingLoad.XsendResult result, double cpuNanosPerMessage) {
    }

    /** One xsend-client run of one client library: messages/s and this JVM's CPU per message. */
    record ClientRow(String client, ClientSenders.Result result, double cpuNanosPerMessage) {
    }

    /** The client libraries of the xsend-client workload, in the report's row order. */
    static final List<String> CLIENTS = List.of("lws4j", "jdk");

    /** One broadcast run of one server: nanos per broadcast (-1: not all received), heap, unexpected frames. */
    record BroadcastRow(String server, long[] nanos, long heapBytes, long unexpected) {
        boolean allReceived() {
            return nanos.length > 0 && Arrays.stream(nanos).allMatch(n -> n >= 0);
        }
    }

    final List<XsendRow> xsendRows = new ArrayList<>();
    final List<BroadcastRow> broadcastRows = new ArrayList<>();
    final List<ClientRow> clientRows = new ArrayList<>();

    MessagingBench(String mode, Path logs, PrintStream progress) {
        this.logs = logs;
        this.progress = progress;
        if (mode.equals("smoke")) {
            rounds = 1;
            xsendThreads = 2;
            xsendMessages = 500;
            xsendWindow = 16;
            broadcastConnections = 20;
            broadcastRounds = 5;
            boundMillis = 30_000;
        } else if (!mode.equals("full")) {
            throw new IllegalArgumentException("--mode full or smoke: " + mode);
        }
    }

    public static void main(String[] args) throws Exception {
        String mode = "full";
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--mode")) {
                mode = args[i + 1];
            }
        }
        Path logs = Path.of("target", "messaging-logs");
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--logs")) {
                logs = Path.of(args[i + 1]);
            }
        }
        MessagingBench bench = new MessagingBench(mode, logs, System.err);
        List<String> workloads = List.of("xsend", "xsend-client", "broadcast");
        Path out = null;
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--mode", "--logs" -> { }
                case "--workloads" -> workloads = Arrays.asList(v.split(","));
                case "--servers" -> bench.servers = Arrays.asList(v.split(","));
                case "--rounds" -> bench.rounds = Integer.parseInt(v);
                case "--seed" -> bench.seed = Long.parseLong(v);
                case "--xsend-t" -> bench.xsendThreads = Integer.parseInt(v);
                case "--xsend-m" -> bench.xsendMessages = Integer.parseInt(v);
                case "--xsend-s" -> bench.xsendSize = Integer.parseInt(v);
                case "--xsend-w" -> bench.xsendWindow = Integer.parseInt(v);
                case "--bcast-n" -> bench.broadcastConnections = Integer.parseInt(v);
                case "--bcast-r" -> bench.broadcastRounds = Integer.parseInt(v);
                case "--bcast-s" -> bench.broadcastSize = Integer.parseInt(v);
                case "--out" -> out = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        String report = bench.run(workloads);
        System.out.print(report);
        if (out != null) {
            Files.writeString(out, report, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        System.exit(0);
    }

    /** Runs every round of the named workloads and returns the report's markdown. */
    String run(List<String> workloads) throws IOException, InterruptedException {
        List<String[]> cells = new ArrayList<>();
        for (String w : workloads) {
            if (!w.equals("xsend") && !w.equals("broadcast") && !w.equals("xsend-client")) {
                throw new IllegalArgumentException("workload xsend, xsend-client or broadcast: " + w);
            }
            for (String s : w.equals("xsend-client") ? CLIENTS : servers) {
                cells.add(new String[] {w, s});
            }
        }
        Random random = new Random(seed);
        for (int r = 0; r < rounds; r++) {
            List<String[]> order = new ArrayList<>(cells);
            Collections.shuffle(order, random);
            progress.println("round " + (r + 1) + ": " + order.stream().map(c -> c[0] + "/" + c[1]).toList());
            for (String[] c : order) {
                if (c[0].equals("xsend")) {
                    xsendRows.add(runXsend(c[1]));
                } else if (c[0].equals("xsend-client")) {
                    clientRows.add(runClientSenders(c[1]));
                } else {
                    broadcastRows.add(runBroadcast(c[1]));
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("## Sends from application threads and broadcast\n\n").append(Machine.describe());
        sb.append("- ").append(rounds).append(" rounds in shuffled order (seed ").append(seed)
                .append("), a fresh server JVM per cell and round, medians of the rounds\n\n");
        if (workloads.contains("xsend")) {
            sb.append(xsendTable().markdown());
        }
        if (workloads.contains("xsend-client")) {
            sb.append(clientTable().markdown());
        }
        if (workloads.contains("broadcast")) {
            sb.append(broadcastTable().markdown());
        }
        return sb.toString();
    }

    private XsendRow runXsend(String server) throws IOException, InterruptedException {
        try (ServerProcess p = ServerProcess.start(server + "-messaging", 0, 0, 1, List.of(), logs);
                MessagingLoad load = MessagingLoad.open(p.port(), 1, boundMillis)) {
            load.xsend(xsendThreads, Math.max(1, xsendMessages / 5), xsendSize, xsendWindow, boundMillis);
            long cpu0 = p.cpuNanos();
            MessagingLoad.XsendResult r = load.xsend(xsendThreads, xsendMessages, xsendSize, xsendWindow,
                    boundMillis);
            long cpu = p.cpuNanos() - cpu0;
            double perMessage = cpu0 >= 0 && r.received() > 0 ? (double) cpu / r.received() : -1;
            progress.printf("  xsend/%s: %.0f msgs/s, %d of %d, out of order %d%n", server, r.rate(),
                    r.received(), r.expected(), r.outOfOrder());
            return new XsendRow(server, r, perMessage);
        }
    }

    private ClientRow runClientSenders(String client) throws IOException, InterruptedException {
        try (ServerProcess p = ServerProcess.start("netty-messaging", 0, 0, 1, List.of(), logs)) {
            int warmup = Math.max(1, xsendMessages / 5);
            try {
                send(client, p.port(), warmup);
                long cpu0 = ownCpuNanos();
                ClientSenders.Result r = send(client, p.port(), xsendMessages);
                long cpu = ownCpuNanos() - cpu0;
                double perMessage = cpu0 >= 0 && r.nanos() > 0 ? (double) cpu / r.messages() : -1;
                progress.printf("  xsend-client/%s: %.0f msgs/s%n", client, r.rate());
                return new ClientRow(client, r, perMessage);
            } catch (IOException | InterruptedException e) {
                throw e;
            } catch (Exception e) {
                progress.println("  xsend-client/" + client + " failed: " + e);
                return new ClientRow(client, new ClientSenders.Result((long) xsendThreads * xsendMessages, -1), -1);
            }
        }
    }

    private ClientSenders.Result send(String client, int port, int messages) throws Exception {
        return client.equals("jdk")
                ? ClientSenders.jdk(port, xsendThreads, messages, xsendSize, xsendWindow, boundMillis)
                : ClientSenders.lws4j(port, xsendThreads, messages, xsendSize, xsendWindow, boundMillis);
    }

    /** This JVM's CPU time so far (the senders run here), or -1 when unknown. */
    private static long ownCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
    }

    private Table clientTable() {
        Table t = new Table("xsend-client: " + xsendThreads + " client threads x " + xsendMessages
                + " text messages of " + xsendSize + " B over one client connection to a Netty receiver, window "
                + xsendWindow + " per thread", "client", "msgs/s", "x lws4j", "client CPU µs/msg", "completed runs");
        double base = clientMedian("lws4j");
        for (String c : CLIENTS) {
            List<ClientRow> runs = clientRows.stream().filter(r -> r.client().equals(c)).toList();
            double rate = clientMedian(c);
            t.add(c, Table.number(rate), Table.ratio(rate, base),
                    Table.micros((long) median(runs.stream().mapToDouble(ClientRow::cpuNanosPerMessage).toArray())),
                    runs.stream().filter(r -> r.result().nanos() > 0).count() + " of " + runs.size());
        }
        return t;
    }

    private double clientMedian(String client) {
        return median(clientRows.stream().filter(r -> r.client().equals(client))
                .mapToDouble(r -> r.result().rate()).toArray());
    }

    private BroadcastRow runBroadcast(String server) throws IOException, InterruptedException {
        try (ServerProcess p = ServerProcess.start(server + "-messaging", 0, 0, 1, List.of(), logs);
                MessagingLoad load = MessagingLoad.open(p.port(), broadcastConnections, boundMillis)) {
            int warmup = Math.max(1, broadcastRounds / 5);
            int k = 0;
            for (int i = 0; i < warmup; i++) {
                load.broadcast(k++, broadcastSize, boundMillis);
            }
            long[] nanos = new long[broadcastRounds];
            for (int i = 0; i < broadcastRounds; i++) {
                nanos[i] = load.broadcast(k++, broadcastSize, boundMillis);
                if (nanos[i] < 0) {
                    nanos = Arrays.copyOf(nanos, i + 1); // the others would wait for the same missing ones
                    break;
                }
            }
            long heap = p.stats()[0];
            progress.printf("  broadcast/%s: median %.2f ms to the last of %d, heap %d MiB%n", server,
                    median(nanos) / 1e6, load.connections(), heap >> 20);
            return new BroadcastRow(server, nanos, heap, load.unexpected());
        }
    }

    private Table xsendTable() {
        Table t = new Table("xsend: " + xsendThreads + " application threads x " + xsendMessages
                + " text messages of " + xsendSize + " B to one connection, window " + xsendWindow
                + " per thread", "server", "msgs/s", "x lws4j", "server CPU µs/msg", "received", "out of order");
        double base = median(xsendRows, "lws4j", true);
        for (String s : servers) {
            List<XsendRow> runs = xsendRows.stream().filter(r -> r.server().equals(s)).toList();
            double rate = median(xsendRows, s, true);
            long received = runs.stream().mapToLong(r -> r.result().received()).sum();
            long expected = runs.stream().mapToLong(r -> r.result().expected()).sum();
            t.add(s, Table.number(rate), Table.ratio(rate, base), Table.micros((long) median(xsendRows, s, false)),
                    received + " of " + expected,
                    Long.toString(runs.stream().mapToLong(r -> r.result().outOfOrder()).sum()));
        }
        return t;
    }

    private Table broadcastTable() {
        Table t = new Table("broadcast: one " + broadcastSize + " B text message to " + broadcastConnections
                + " connections, " + broadcastRounds + " times", "server", "median ms to last recipient",
                "x lws4j (time)", "max ms", "heap after GC MiB", "all received");
        double base = broadcastMedian("lws4j");
        for (String s : servers) {
            List<BroadcastRow> runs = broadcastRows.stream().filter(r -> r.server().equals(s)).toList();
            double med = broadcastMedian(s);
            long max = runs.stream().flatMapToLong(r -> Arrays.stream(r.nanos())).max().orElse(-1);
            double heap = median(runs.stream().mapToLong(BroadcastRow::heapBytes).toArray());
            t.add(s, String.format("%.2f", med / 1e6), Table.ratio(med, base), String.format("%.2f", max / 1e6),
                    Table.number(heap / (1 << 20)),
                    runs.stream().allMatch(BroadcastRow::allReceived) ? "yes" : "NO");
        }
        return t;
    }

    private double broadcastMedian(String server) {
        return median(broadcastRows.stream().filter(r -> r.server().equals(server))
                .mapToLong(r -> r.allReceived() ? (long) median(r.nanos()) : -1).toArray());
    }

    private static double median(List<XsendRow> rows, String server, boolean rate) {
        return median(rows.stream().filter(r -> r.server().equals(server))
                .mapToDouble(r -> rate ? r.result().rate() : r.cpuNanosPerMessage()).toArray());
    }

    private static double median(long[] values) {
        return median(Arrays.stream(values).asDoubleStream().toArray());
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        if (v.length == 0 || v[0] < 0) {
            return -1; // a failed run makes the cell's figure unknown, not better
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
