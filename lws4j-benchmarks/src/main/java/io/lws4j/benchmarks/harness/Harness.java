package io.lws4j.benchmarks.harness;

import io.lws4j.benchmarks.BenchCertificate;
import io.lws4j.benchmarks.loadgen.EchoResult;
import io.lws4j.benchmarks.loadgen.EchoSpec;
import io.lws4j.benchmarks.loadgen.LoadGenerator;
import io.lws4j.benchmarks.loadgen.StreamResult;
import io.lws4j.benchmarks.loadgen.StreamSpec;
import io.lws4j.benchmarks.loadgen.Target;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import javax.net.ssl.SSLContext;

/**
 * Runs the benchmark workloads against every server, each in its own JVM, with the one
 * {@link LoadGenerator}, and prints markdown tables with absolute figures and each peer's
 * ratio to lws4j.
 *
 * <pre>
 * java -cp CLASSPATH io.lws4j.benchmarks.harness.Harness --mode quick|full|smoke
 *      [--workloads stream,demo,echo,idle,idle-deflate,cold] [--servers lws4j,netty,...] [--out FILE] [--jfr DIR]
 *      [--idle-connections N] [--idle-message-bytes 20,2048 (idle-deflate: one echoed text message each)]
 *      [--idle-transports ws+deflate (idle-deflate; ws,ws+deflate adds rows without the extension)]
 *      [--selectors 1|2] [--logs DIR] [--stream-n 8,64] [--stream-s 32] [--stream-total MESSAGES]
 *      [--stream-t 3,4 (pool sizes of the ws sync-stream matrix)]
 *      [--server-jvm "-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit" (added to every server JVM)]
 *      [--io-threads 1 (selector / service threads of every stream and echo server)]
 *      [--echo-seconds 5] [--repeat 3 (median of 3 per stream/echo case)]
 *      [--seed 42 (of the server order shuffled every round; printed; default: from the clock)]
 *      [--transports ws,wss,ws+deflate,wss+deflate]
 * java -cp CLASSPATH io.lws4j.benchmarks.harness.Harness --external ws://127.0.0.1:7681/
 *      [--subprotocol lws-minimal] --expect M [--connections N] [--seq-step K] [--no-start]
 * java -cp CLASSPATH io.lws4j.benchmarks.harness.Harness --external ws://127.0.0.1:9000/ --echo
 *      [--connections N] [--size S] [--window W] [--seconds 5]
 * </pre>
 *
 * <p>Not thread-safe: instances must not be shared.
 */
public final class Harness {
    /** One measured stream row. */
    record StreamRow(int threads, int connections, int size, String server, StreamResult result,
            Transport transport, CpuPerMessage cpu) {
    }

    /**
     * CPU time per delivered message of one measured run, in microseconds, -1 when unknown.
     *
     * @param server the server process (user + system, all its threads)
     * @param client this process: the load generator, which must not be the bound
     */
    record CpuPerMessage(double server, double client) {
        static final CpuPerMessage UNKNOWN = new CpuPerMessage(-1, -1);
    }

    /** One measured stream run and the CPU it cost. */
    private record MeasuredStream(StreamResult result, CpuPerMessage cpu) {
    }

    /** One measured echo row. */
    record EchoRow(int connections, int size, int window, String server, EchoResult result, Transport transport,
            CpuPerMessage cpu) {
    }

    /** Idle servers: heap fixed and pre-touched (see runIdle). */
    static final List<String> IDLE_JVM = List.of("-Xms1g", "-XX:+AlwaysPreTouch");
    private final Plan plan;
    private final LoadGenerator generator;
    private final Path logDir;
    private final Path jfrDir;
    private final PrintStream progress;
    private int repeat = 1;
    /** Seed of the server order of every round, printed in the report so a pass can be redone. */
    private long seed = System.nanoTime();
    private java.util.Random order = new java.util.Random(seed);
    /** Extra JVM options for every server process (profiling: perf maps, JIT logs). */
    private List<String> serverJvmOptions = List.of();
    /** Selector / service threads of every stream and echo server ({@code --io-threads}). */
    private int ioThreads = 1;
    /** The wss runs' key and certificate, made on first use in a temporary directory. */
    private BenchCertificate certificate;
    private SSLContext clientTls;
    final List<StreamRow> streamRows = new ArrayList<>();
    final List<EchoRow> echoRows = new ArrayList<>();
    final List<IdleBench.Row> idleRows = new ArrayList<>();
    /** Transports of the idle-deflate workload ({@code --idle-transports}). */
    List<Transport> idleMessageTransports = List.of(new Transport(false, true));
    /**
     * Sizes of the idle-deflate workload's one message ({@code --idle-message-bytes}): under
     * and over lws4j's 1 KiB compression threshold.
     */
    List<Integer> idleMessageBytes = List.of(20, 2048);
    final List<Table> tables = new ArrayList<>();

    Harness(Plan plan, int selectors, Path logDir, Path jfrDir, PrintStream progress) {
        this.plan = plan;
        this.generator = new LoadGenerator(selectors);
        this.logDir = logDir;
        this.jfrDir = jfrDir;
        this.progress = progress;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String key = args[i];
            boolean flag = key.equals("--no-start") || key.equals("--echo");
            opts.put(key, flag ? "true" : args[++i]);
        }
        int selectors = Integer.parseInt(opts.getOrDefault("--selectors", "1"));
        if (opts.containsKey("--external")) {
            external(opts, selectors);
            return;
        }
        Plan plan = Plan.named(opts.getOrDefault("--mode", "quick"));
        if (opts.containsKey("--stream-n") || opts.containsKey("--stream-total") || opts.containsKey("--stream-s")) {
            plan = plan.withStream(ints(opts.get("--stream-n"), plan.streamConnections()),
                    ints(opts.get("--stream-s"), plan.streamSizes()),
                    Integer.parseInt(opts.getOrDefault("--stream-total", Integer.toString(plan.streamMessagesPerRun()))));
        }
        if (opts.containsKey("--stream-n") || opts.containsKey("--stream-s") || opts.containsKey("--stream-total")) {
            plan = plan.withVariantStream(ints(opts.get("--stream-n"), plan.variants().streamConnections()),
                    ints(opts.get("--stream-s"), plan.variants().streamSizes()),
                    Integer.parseInt(opts.getOrDefault("--stream-total",
                            Integer.toString(plan.variants().streamMessagesPerRun()))));
        }
        if (opts.containsKey("--stream-t")) {
            plan = plan.withStreamThreads(ints(opts.get("--stream-t"), plan.streamThreads()));
        }
        if (opts.containsKey("--transports")) {
            plan = plan.withTransports(Transport.parseList(opts.get("--transports")));
        }
        if (opts.containsKey("--echo-cases")) { // e.g. 1x65536x4,512x65536x1: connections x size x window
            List<int[]> cases = new ArrayList<>();
            for (String c : opts.get("--echo-cases").split(",")) {
                String[] p = c.split("x");
                if (p.length != 3) {
                    throw new IllegalArgumentException("--echo-cases wants NxSxW[,NxSxW...], got " + c);
                }
                cases.add(new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2])});
            }
            plan = plan.withEchoCases(cases);
        }
        if (opts.containsKey("--echo-seconds")) {
            plan = plan.withEchoMeasure(Duration.ofMillis((long) (1000 * Double.parseDouble(opts.get("--echo-seconds")))));
        }
        if (opts.containsKey("--idle-connections")) {
            plan = plan.withIdleConnections(Integer.parseInt(opts.get("--idle-connections")));
        }
        if (opts.containsKey("--servers")) {
            plan = plan.onlyServers(Arrays.asList(opts.get("--servers").split(",")));
        }
        List<String> workloads = Arrays.asList(opts.getOrDefault("--workloads", "stream,demo,echo,idle,cold").split(","));
        Path logDir = Path.of(opts.getOrDefault("--logs", "target/bench-logs"));
        Path jfr = opts.containsKey("--jfr") ? Path.of(opts.get("--jfr")) : null;
        Harness h = new Harness(plan, selectors, logDir, jfr, System.err);
        h.repeat = Integer.parseInt(opts.getOrDefault("--repeat", "1"));
        if (opts.containsKey("--seed")) {
            h.seed(Long.parseLong(opts.get("--seed")));
        }
        h.ioThreads(Integer.parseInt(opts.getOrDefault("--io-threads", "1")));
        if (opts.containsKey("--idle-transports")) {
            h.idleMessageTransports = Transport.parseList(opts.get("--idle-transports"));
        }
        if (opts.containsKey("--idle-message-bytes")) {
            h.idleMessageBytes = IdleBench.messageSizes(opts.get("--idle-message-bytes"));
        }
        if (opts.containsKey("--server-jvm")) {
            h.serverJvmOptions = Arrays.asList(opts.get("--server-jvm").trim().split("\\s+"));
        }
        String report = h.run(workloads);
        System.out.print(report);
        if (opts.containsKey("--out")) {
            Files.writeString(Path.of(opts.get("--out")), report, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    /** Runs the named workloads and returns the report (markdown). */
    String run(List<String> workloads) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        List<Transport> transports = plan.variants().transports();
        if (workloads.contains("stream")) {
            for (Transport t : transports) {
                runStream(t);
            }
        }
        if (workloads.contains("demo")) {
            runDemo();
        }
        if (workloads.contains("echo")) {
            for (Transport t : transports) {
                runEcho(t);
            }
        }
        if (workloads.contains("idle") && plan.idleConnections() > 0) {
            runIdle();
        }
        if (workloads.contains("idle-deflate") && plan.idleConnections() > 0) {
            runIdleMessage();
        }
        if (workloads.contains("cold") && plan.coldRepeats() > 0) {
            runCold();
        }
        StringBuilder sb = new StringBuilder();
        sb.append("## ").append(plan.name()).append(" pass, ").append(Instant.now()).append("\n\n");
        sb.append(Machine.describe());
        sb.append("- Selector / service threads per stream and echo server: ").append(ioThreads).append("\n");
        sb.append("- Repetitions per stream/echo case: ").append(repeat).append(repeat > 1 ? " (median by msgs/s)" : "")
                .append("\n");
        sb.append("- Server order: shuffled every round, seed ").append(seed).append(" (--seed to repeat it)\n");
        sb.append("- Transports: ").append(String.join(", ", transports.stream().map(Transport::label).toList()))
                .append(certificate == null ? ""
                        : " (wss: self-signed EC P-256 certificate made by keytool for this run)")
                .append("\n\n");
        for (Table t : tables) {
            sb.append(t.markdown());
        }
        sb.append(String.format("Pass took %.0f s.%n%n", (System.nanoTime() - t0) / 1e9));
        return sb.toString();
    }

    /** Seeds the shuffled server order of every round ({@code --seed}). */
    void seed(long value) {
        seed = value;
        order = new java.util.Random(value);
    }

    /** Starts every stream and echo server with {@code count} selector / service threads. */
    void ioThreads(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("--io-threads wants 1 or more, got " + count);
        }
        ioThreads = count;
    }

    private List<String> jvmExtras(String impl, String tag) throws IOException {
        List<String> extras = new ArrayList<>(serverJvmOptions);
        if (jfrDir != null) {
            Files.createDirectories(jfrDir);
            extras.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                    + jfrDir.resolve(impl + "-" + tag + ".jfr").toAbsolutePath());
        }
        return extras;
    }

    /** The run's certificate (made on first use), the server options of {@code t} and the I/O thread count. */
    List<String> serverArgs(Transport t) throws IOException, InterruptedException {
        if (t.tls() && certificate == null) {
            Path dir = Files.createTempDirectory("lws4j-bench-tls-");
            dir.toFile().deleteOnExit();
            certificate = BenchCertificate.generate(dir);
            try {
                clientTls = certificate.clientContext();
            } catch (java.security.GeneralSecurityException e) {
                throw new IOException("cannot load the generated certificate", e);
            }
        }
        List<String> args = new ArrayList<>(t.serverArgs(certificate));
        args.addAll(List.of("--io-threads", Integer.toString(ioThreads)));
        return args;
    }

    private Target target(int port, Transport t) {
        return Target.loopback(port).with(t.tls() ? clientTls : null, t.deflate());
    }

    void runStream(Transport transport) throws IOException, InterruptedException {
        boolean plain = transport.equals(Transport.WS);
        Plan.Variants v = plan.variants();
        List<Integer> threadList = plain ? plan.streamThreads() : plan.streamThreads().subList(0, 1);
        List<String> servers = plain ? plan.streamServers() : v.streamServers();
        List<Integer> connections = plain ? plan.streamConnections() : v.streamConnections();
        List<Integer> sizes = plain ? plan.streamSizes() : v.streamSizes();
        int total = plain ? plan.streamMessagesPerRun() : v.streamMessagesPerRun();
        List<String> args = serverArgs(transport);
        List<StreamRow> rows = new ArrayList<>();
        for (int threads : threadList) {
            int queue = connections.stream().mapToInt(Integer::intValue).max().orElse(1);
            try (Fleet fleet = new Fleet()) {
                for (String server : servers) {
                    progress.printf("stream (%s): starting %s T=%d%n", transport.label(), server, threads);
                    boolean up = fleet.add(server, () -> ServerProcess.start(server, 0, threads, queue, args,
                            jvmExtras(server, transport.label() + "-stream-T" + threads), logDir), transport, target -> {
                                // Warm-up: JIT both sides on the same path, at every size, before anything
                                // is measured (as many messages as one measured case: with a quarter of
                                // that, the short quick-pass cases still timed the warm-up of some servers).
                                for (int size : sizes) {
                                    generator.stream(target, new StreamSpec(16, Math.max(10, total / 16), size,
                                            plan.streamTimeout()));
                                }
                            });
                    if (!up) {
                        for (int size : sizes) {
                            for (int n : connections) {
                                rows.add(new StreamRow(threads, n, size, server, null, transport,
                                        CpuPerMessage.UNKNOWN));
                            }
                        }
                    }
                }
                // Every server stays up for the pass of this T; the repeats of a case take them in turn.
                for (int size : sizes) {
                    for (int n : connections) {
                        int m = Math.max(10, total / n);
                        StreamSpec spec = new StreamSpec(n, m, size, plan.streamTimeout());
                        List<MeasuredStream> median = interleavedMedians(fleet.names,
                                s -> measureStream(fleet.processes.get(s), fleet.targets.get(s), spec),
                                ms -> ms.result().exactlyOnce(), ms -> ms.result().messagesPerSecond());
                        for (int s = 0; s < fleet.size(); s++) {
                            MeasuredStream ms = median.get(s);
                            StreamResult r = ms.result();
                            progress.printf("  %s N=%d S=%d M=%d: %.0f msg/s %s [%s] cpu µs/msg server %.1f client %.1f%n",
                                    fleet.names.get(s), n, size, m, r.messagesPerSecond(), r.check(),
                                    r.wire().negotiated(), ms.cpu().server(), ms.cpu().client());
                            rows.add(new StreamRow(threads, n, size, fleet.names.get(s), r, transport, ms.cpu()));
                        }
                    }
                }
            }
        }
        streamRows.addAll(rows);
        String title = plain ? "sync-stream: each message handed over (see lws4j-benchmarks/README.md), workers blocked only above the outbound bound"
                : "sync-stream over " + describe(transport) + ": each message handed over, workers blocked only above the outbound bound";
        List<String> header = new ArrayList<>(List.of("T", "N", "S (B)", "M/conn", "server", "msgs/s", "× lws4j",
                "gap p50 µs", "gap p99 µs", "server CPU µs/msg", "client CPU µs/msg", "exactly-once, in order"));
        if (transport.deflate()) {
            header.addAll(List.of("compressed", "wire B/msg"));
        }
        Table t = new Table(title, header.toArray(String[]::new));
        Map<String, String> negotiated = new LinkedHashMap<>();
        for (StreamRow row : rows) {
            double lws = rows.stream().filter(o -> o.server().equals("lws4j") && o.threads() == row.threads()
                    && o.connections() == row.connections() && o.size() == row.size() && o.result() != null)
                    .mapToDouble(o -> o.result().messagesPerSecond()).findFirst().orElse(-1);
            int m = Math.max(10, total / row.connections());
            StreamResult r = row.result();
            List<String> cells = new ArrayList<>();
            if (r == null) {
                cells.addAll(List.of(str(row.threads()), str(row.connections()), str(row.size()), str(m), row.server(),
                        "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "server failed to start"));
                if (transport.deflate()) {
                    cells.addAll(List.of("n/a", "n/a"));
                }
            } else {
                cells.addAll(List.of(str(row.threads()), str(row.connections()), str(row.size()), str(m), row.server(),
                        Table.number(r.messagesPerSecond()), Table.ratio(r.messagesPerSecond(), lws),
                        Table.micros(r.gaps().quantile(0.50)), Table.micros(r.gaps().quantile(0.99)),
                        cpuCell(row.cpu().server()), cpuCell(row.cpu().client()), r.check()));
                if (transport.deflate()) {
                    cells.addAll(deflateCells(r.wire()));
                }
                negotiated.putIfAbsent(row.server(), r.wire().negotiated());
            }
            t.add(cells.toArray(String[]::new));
        }
        if (!plain) {
            negotiated.forEach((server, what) -> t.note(server + ": " + what));
        }
        tables.add(t);
    }

    private static String describe(Transport t) {
        return t.tls() && t.deflate() ? "wss with permessage-deflate"
                : t.tls() ? "wss (TLS)" : t.deflate() ? "ws with permessage-deflate" : "ws";
    }

    /** Share of messages received compressed, and their average payload on the wire. */
    private static List<String> deflateCells(io.lws4j.benchmarks.loadgen.WireStats w) {
        double share = w.compressedShare();
        return List.of(share < 0 ? "n/a" : String.format("%.0f %%", 100 * share),
                Table.number(w.wireBytesPerMessage()));
    }

    /**
     * The threadpool demo itself (lws4j-examples), started with benchmark flags so that every
     * SYNC sends one "pos N" text message, driven as an external server: no start command,
     * positions grow by the step, and the demo closes each connection when its task finishes.
     */
    void runDemo() throws IOException, InterruptedException {
        // One count per step, so the row measures the library's SYNC path: the demo counts one
        // by one, as the original does, and at its page's 100,000 per step the counting was a
        // bound too (81k-105k msgs/s against 94k-219k at 1 per step, both warmed up, 13:17-13:18 UTC).
        long step = 1;
        Table t = new Table("threadpool demo (lws4j-examples) as an external server: one \"pos N\" text message "
                + "per SYNC", "T", "N", "M/conn", "server", "msgs/s", "× lws4j S=32", "gap p50 µs", "gap p99 µs",
                "exactly-once, in order");
        for (int threads : plan.streamThreads()) {
            for (int n : plan.streamConnections()) {
                int m = Math.max(10, plan.streamMessagesPerRun() / n);
                int port;
                try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1,
                        java.net.InetAddress.getLoopbackAddress())) {
                    port = probe.getLocalPort();
                }
                List<String> args = List.of("--bind", "127.0.0.1", "--port", str(port), "--threads", str(threads),
                        "--queue", str(n), "--end", str((m - 1) * step), "--step", str(step), "--sleep-ms", "0",
                        "--sync-every", str(step), "--quiet");
                progress.printf("demo: T=%d N=%d%n", threads, n);
                try (ServerProcess p = ServerProcess.spawnMain("lws4j-demo", "io.lws4j.examples.threadpool.ThreadPoolDemo",
                        args, port, jvmExtras("lws4j-demo", "T" + threads + "-N" + n), logDir, true)) {
                    if (!p.awaitListening(30_000)) {
                        t.add(str(threads), str(n), str(m), "lws4j-demo", "n/a", "n/a", "n/a", "n/a",
                                "demo did not start, see " + logDir.resolve("lws4j-demo.log"));
                        continue;
                    }
                    Target target = new Target("127.0.0.1", port, "/", "lws-minimal");
                    StreamSpec spec = new StreamSpec(n, m, 32, false, plan.streamTimeout(), step);
                    // Warm-up: the same case once, unmeasured; without it a fresh JVM per N measured
                    // its own JIT warm-up (42k-54k msgs/s at 100,000 per step, against 81k-105k).
                    generator.stream(target, spec);
                    StreamResult r = generator.stream(target, spec);
                    progress.printf("  %.0f msg/s %s%n", r.messagesPerSecond(), r.check());
                    double lws = streamRows.stream().filter(o -> o.server().equals("lws4j") && o.threads() == threads
                            && o.connections() == n && o.size() == 32 && o.result() != null
                            && o.transport().equals(Transport.WS))
                            .mapToDouble(o -> o.result().messagesPerSecond()).findFirst().orElse(-1);
                    t.add(str(threads), str(n), str(m), "lws4j-demo", Table.number(r.messagesPerSecond()),
                            Table.ratio(r.messagesPerSecond(), lws), Table.micros(r.gaps().quantile(0.5)),
                            Table.micros(r.gaps().quantile(0.99)), r.check());
                }
            }
        }
        tables.add(t);
    }

    /**
     * One stream run, with the CPU time the server and this process spent on it from the
     * start commands on (connection handshakes left out, the closes after the last message in).
     */
    private MeasuredStream measureStream(ServerProcess server, Target target, StreamSpec spec)
            throws IOException, InterruptedException {
        CpuClock clock = new CpuClock(server);
        StreamResult r = generator.stream(target, spec, clock::start);
        clock.stop();
        return new MeasuredStream(r, clock.perMessage(r.delivered()));
    }

    /** Starts a server process. */
    @FunctionalInterface
    private interface Start {
        ServerProcess start() throws IOException;
    }

    /** Warms a started server up through its target. */
    @FunctionalInterface
    private interface WarmUp {
        void warm(Target target) throws IOException, InterruptedException;
    }

    /**
     * The servers of one pass, started and warmed up, each with its target; closing it stops
     * them all. Not thread-safe: the harness thread's.
     */
    private final class Fleet implements AutoCloseable {
        final List<String> names = new ArrayList<>();
        final List<ServerProcess> processes = new ArrayList<>();
        final List<Target> targets = new ArrayList<>();

        /** @return false when the server failed to start or to warm up (reported, and stopped) */
        boolean add(String server, Start start, Transport transport, WarmUp warmUp) throws InterruptedException {
            ServerProcess p = null;
            try {
                p = start.start();
                Target target = target(p.port(), transport);
                warmUp.warm(target);
                names.add(server);
                processes.add(p);
                targets.add(target);
                return true;
            } catch (IOException e) {
                progress.println("  " + server + " failed: " + e.getMessage());
                if (p != null) {
                    p.close();
                }
                return false;
            }
        }

        int size() {
            return names.size();
        }

        @Override
        public void close() {
            for (ServerProcess p : processes) {
                p.close();
            }
        }
    }

    /** One measured run on the server of the given index. */
    @FunctionalInterface
    private interface Measure<M> {
        M run(int server) throws IOException, InterruptedException;
    }

    /**
     * Runs {@code repeat} rounds in which each of {@code servers} servers runs once, in an
     * order shuffled every round (seeded, see {@link #seed}; the order is printed), so drift
     * of the machine during a pass, and whatever one server leaves behind for the next (page
     * cache, CPU frequency, the generator's warm state), weighs on all of them alike.
     *
     * @return per server the median run by {@code rate}, or its first run that failed
     *     {@code ok} (it then runs no more)
     */
    private <M> List<M> interleavedMedians(List<String> names, Measure<M> measure, Predicate<M> ok,
                                           ToDoubleFunction<M> rate) throws IOException, InterruptedException {
        int servers = names.size();
        List<List<M>> runs = new ArrayList<>();
        List<M> result = new ArrayList<>();
        for (int s = 0; s < servers; s++) {
            runs.add(new ArrayList<>());
            result.add(null);
        }
        List<Integer> turn = new ArrayList<>();
        for (int s = 0; s < servers; s++) {
            turn.add(s);
        }
        for (int i = 0; i < repeat; i++) {
            java.util.Collections.shuffle(turn, order);
            progress.println("  round " + (i + 1) + " order: " + turn.stream().map(names::get).toList());
            for (int s : turn) {
                if (result.get(s) == null) {
                    M m = measure.run(s);
                    if (ok.test(m)) {
                        runs.get(s).add(m);
                    } else {
                        result.set(s, m);
                    }
                }
            }
        }
        for (int s = 0; s < servers; s++) {
            if (result.get(s) == null) {
                List<M> good = runs.get(s);
                good.sort(Comparator.comparingDouble(rate));
                result.set(s, good.get(good.size() / 2));
            }
        }
        return result;
    }

    /**
     * The CPU time the server process and this process use between {@link #start} and
     * {@link #stop}. Not thread-safe: both are called on the harness thread (the generator
     * runs its callbacks there).
     */
    private static final class CpuClock {
        private final ServerProcess server;
        private final long[] nanos = {-1, -1, -1, -1}; // server and client at start, then at stop

        CpuClock(ServerProcess server) {
            this.server = server;
        }

        void start() {
            nanos[0] = server.cpuNanos();
            nanos[1] = clientCpuNanos();
        }

        void stop() {
            nanos[2] = server.cpuNanos();
            nanos[3] = clientCpuNanos();
        }

        CpuPerMessage perMessage(long messages) {
            return new CpuPerMessage(micros(nanos[0], nanos[2], messages), micros(nanos[1], nanos[3], messages));
        }

        private static long clientCpuNanos() {
            return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
        }

        /** @return microseconds per message between two CPU readings, -1 when either is unknown */
        private static double micros(long beforeNanos, long afterNanos, long messages) {
            if (beforeNanos < 0 || afterNanos < 0 || messages <= 0) {
                return -1;
            }
            return (afterNanos - beforeNanos) / 1000.0 / messages;
        }
    }

    private static String cpuCell(double micros) {
        return micros < 0 ? "n/a" : String.format(java.util.Locale.ROOT, "%.1f", micros);
    }

    /** One measured echo run and the CPU it cost over its measured period. */
    private record MeasuredEcho(EchoResult result, CpuPerMessage cpu) {
    }

    /** One echo run with the CPU time the server and this process spent per echo in its measured period. */
    private MeasuredEcho measureEcho(ServerProcess server, Target target, EchoSpec spec)
            throws IOException, InterruptedException {
        CpuClock clock = new CpuClock(server);
        EchoResult r = generator.echo(target, spec, clock::start, clock::stop);
        return new MeasuredEcho(r, clock.perMessage(r.messages()));
    }

    void runEcho(Transport transport) throws IOException, InterruptedException {
        boolean plain = transport.equals(Transport.WS);
        List<String> servers = plain ? plan.echoServers() : plan.variants().echoServers();
        List<int[]> cases = plain ? plan.echoCases() : plan.variants().echoCases();
        Duration warmup = plain ? plan.echoWarmup() : plan.variants().echoWarmup();
        Duration measure = plain ? plan.echoMeasure() : plan.variants().echoMeasure();
        List<String> args = serverArgs(transport);
        List<EchoRow> rows = new ArrayList<>();
        try (Fleet fleet = new Fleet()) {
            for (String server : servers) {
                progress.printf("echo (%s): starting %s%n", transport.label(), server);
                fleet.add(server, () -> ServerProcess.start(server, 0, 0, 1, args,
                        jvmExtras(server, transport.label() + "-echo"), logDir), transport,
                        target -> generator.echo(target, new EchoSpec(16, 32, 4, warmup, warmup)));
            }
            // Every server stays up for the whole pass; the repeats of a case take them in turn.
            for (int[] c : cases) {
                EchoSpec spec = new EchoSpec(c[0], c[1], c[2], warmup, measure);
                List<MeasuredEcho> median = interleavedMedians(fleet.names,
                        s -> measureEcho(fleet.processes.get(s), fleet.targets.get(s), spec),
                        me -> me.result().ok(), me -> me.result().messagesPerSecond());
                for (int s = 0; s < fleet.size(); s++) {
                    MeasuredEcho m = median.get(s);
                    EchoResult r = m.result();
                    progress.printf("  %s N=%d S=%d W=%d: %.0f msg/s %s [%s] cpu µs/msg server %.1f client %.1f%n",
                            fleet.names.get(s), c[0], c[1], c[2], r.messagesPerSecond(), r.check(),
                            r.wire().negotiated(), m.cpu().server(), m.cpu().client());
                    rows.add(new EchoRow(c[0], c[1], c[2], fleet.names.get(s), r, transport, m.cpu()));
                }
            }
        }
        echoRows.addAll(rows);
        String what = "binary messages, ping-pong (window 1) and pipelined (window 16, at most 256 KiB in flight per "
                + "connection)";
        List<String> header = new ArrayList<>(List.of("N", "S (B)", "window", "server", "msgs/s", "× lws4j",
                "RTT p50 µs", "RTT p99 µs", "server CPU µs/msg", "client CPU µs/msg", "check"));
        if (transport.deflate()) {
            header.addAll(List.of("compressed (server→client)", "wire B/msg"));
        }
        Table t = new Table(plain ? "echo: " + what : "echo over " + describe(transport) + ": " + what,
                header.toArray(String[]::new));
        Map<String, String> negotiated = new LinkedHashMap<>();
        for (EchoRow row : rows) {
            double lws = rows.stream().filter(o -> o.server().equals("lws4j") && o.connections() == row.connections()
                    && o.size() == row.size() && o.window() == row.window())
                    .mapToDouble(o -> o.result().messagesPerSecond()).findFirst().orElse(-1);
            EchoResult r = row.result();
            List<String> cells = new ArrayList<>(List.of(str(row.connections()), str(row.size()), str(row.window()),
                    row.server(), Table.number(r.messagesPerSecond()), Table.ratio(r.messagesPerSecond(), lws),
                    Table.micros(r.roundTrips().quantile(0.50)), Table.micros(r.roundTrips().quantile(0.99)),
                    cpuCell(row.cpu().server()), cpuCell(row.cpu().client()), r.check()));
            if (transport.deflate()) {
                cells.addAll(deflateCells(r.wire()));
            }
            negotiated.putIfAbsent(row.server(), r.wire().negotiated());
            t.add(cells.toArray(String[]::new));
        }
        if (!plain) {
            negotiated.forEach((server, how) -> t.note(server + ": " + how));
        }
        tables.add(t);
    }

    void runIdle() throws IOException, InterruptedException {
        IdleBench bench = new IdleBench(generator, logDir, progress);
        List<IdleBench.Row> rows = new ArrayList<>();
        for (String server : plan.idleServers()) {
            IdleBench.Row row = bench.measure(server, Transport.WS, 0, plan.idleConnections(), List.of(),
                    Target::loopback);
            if (row != null) {
                rows.add(row);
            }
        }
        idleRows.addAll(rows);
        tables.add(IdleBench.plainTable(rows));
    }

    /**
     * The idle workload with one echoed text message per connection, per transport of
     * {@link #idleMessageTransports} (ws+deflate unless told) and size of
     * {@link #idleMessageBytes}.
     */
    void runIdleMessage() throws IOException, InterruptedException {
        IdleBench bench = new IdleBench(generator, logDir, progress);
        List<IdleBench.Row> rows = new ArrayList<>();
        for (Transport t : idleMessageTransports) {
            List<String> args = serverArgs(t);
            for (int size : idleMessageBytes) {
                for (String server : plan.idleServers()) {
                    IdleBench.Row row = bench.measure(server, t, size, plan.idleConnections(), args,
                            port -> target(port, t));
                    if (row != null) {
                        rows.add(row);
                    }
                }
            }
        }
        idleRows.addAll(rows);
        tables.add(IdleBench.messageTable(rows));
    }

    void runCold() throws IOException, InterruptedException {
        Table t = new Table("cold start: process start to first echoed message, and the jars a user ships",
                "server", "cold start ms (median)", "time × lws4j", "runtime jars", "jar KB", "size × lws4j");
        Map<String, Double> medians = new LinkedHashMap<>();
        for (String server : plan.coldServers()) {
            progress.printf("cold: %s%n", server);
            double[] runs = new double[plan.coldRepeats()];
            for (int i = 0; i < runs.length; i++) {
                runs[i] = ColdStart.measure(server, logDir);
            }
            Arrays.sort(runs);
            medians.put(server, runs[runs.length / 2]);
        }
        Map<String, List<Path>> jars = Jars.perServer();
        double lwsCold = medians.getOrDefault("lws4j", -1.0);
        double lwsJar = Jars.totalBytes(jars.getOrDefault("lws4j", List.of()));
        for (Map.Entry<String, Double> e : medians.entrySet()) {
            List<Path> js = jars.getOrDefault(e.getKey(), List.of());
            double bytes = Jars.totalBytes(js);
            t.add(e.getKey(), Table.number(e.getValue()), Table.ratio(e.getValue(), lwsCold),
                    js.isEmpty() ? "none (JDK only)" : Jars.names(js), Table.number(bytes / 1024.0),
                    e.getKey().equals("floor") ? "n/a" : Table.ratio(bytes, lwsJar));
        }
        tables.add(t);
    }

    private static void external(Map<String, String> opts, int selectors) throws IOException, InterruptedException {
        Target target = Target.parse(opts.get("--external"), opts.get("--subprotocol"));
        int n = Integer.parseInt(opts.getOrDefault("--connections", "8"));
        int m = Integer.parseInt(opts.getOrDefault("--expect", "0"));
        long step = Long.parseLong(opts.getOrDefault("--seq-step", "1"));
        boolean sendStart = !opts.containsKey("--no-start");
        int size = Integer.parseInt(opts.getOrDefault("--size", "32"));
        if (opts.containsKey("--echo")) {
            int window = Integer.parseInt(opts.getOrDefault("--window", "1"));
            Duration measure = Duration.ofMillis((long) (1000 * Double.parseDouble(opts.getOrDefault("--seconds", "5"))));
            EchoResult e = new LoadGenerator(selectors).echo(target,
                    new EchoSpec(n, size, window, Duration.ofSeconds(1), measure));
            Table t = new Table("external echo server " + opts.get("--external"), "N", "S (B)", "window", "msgs/s",
                    "RTT p50 µs", "RTT p99 µs", "check");
            t.add(str(n), str(size), str(window), Table.number(e.messagesPerSecond()),
                    Table.micros(e.roundTrips().quantile(0.5)), Table.micros(e.roundTrips().quantile(0.99)), e.check());
            System.out.print(t.markdown());
            return;
        }
        Duration timeout = Duration.ofSeconds(Long.parseLong(opts.getOrDefault("--timeout", "60")));
        StreamResult r = new LoadGenerator(selectors).stream(target,
                new StreamSpec(n, m, size, sendStart, timeout, step));
        Table t = new Table("external server " + opts.get("--external"), "N", "M/conn", "msgs/s", "gap p50 µs",
                "gap p99 µs", "exactly-once, in order");
        t.add(str(n), str(m), Table.number(r.messagesPerSecond()), Table.micros(r.gaps().quantile(0.5)),
                Table.micros(r.gaps().quantile(0.99)), r.check());
        System.out.print(t.markdown());
    }

    private static List<Integer> ints(String csv, List<Integer> otherwise) {
        return csv == null ? otherwise : Arrays.stream(csv.split(",")).map(Integer::valueOf).toList();
    }

    private static String str(long v) {
        return Long.toString(v);
    }
}
