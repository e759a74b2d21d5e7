package io.lws4j.benchmarks.soak;

import io.lws4j.benchmarks.BenchCertificate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The {@link SoakServer} in its own JVM, started with this JVM's class path: its stdout
 * lines are read by a daemon thread into a queue, its stderr goes to {@code server.log}.
 *
 * <p>Thread-safe for {@link #command} and {@link #stats}, which are synchronized (one
 * request, one answer); {@link #close} may be called from any thread.
 */
final class SoakServerProcess implements AutoCloseable {
    private final Process process;
    private final Writer in;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final int wsPort;
    final int wssPort;

    private SoakServerProcess(Process process, int wsPort, int wssPort, Writer in, BlockingQueue<String> lines) {
        this.process = process;
        this.wsPort = wsPort;
        this.wssPort = wssPort;
        this.in = in;
        this.lines.addAll(lines);
    }

    static SoakServerProcess start(SoakConfig c, BenchCertificate cert, int handshakeMs, int pingMs, int idleMs)
            throws IOException, InterruptedException {
        Files.createDirectories(c.out());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx" + c.serverHeap(), "-XX:+UseG1GC", "-cp", System.getProperty("java.class.path"),
                SoakServer.class.getName(), "--threads", Integer.toString(c.serverThreads()), "--queue",
                Integer.toString(c.serverQueue()), "--service-threads", Integer.toString(c.serviceThreads()),
                "--keystore", cert.keystore().toString(), "--password", cert.password(), "--handshake-ms",
                Integer.toString(handshakeMs), "--ping-ms", Integer.toString(pingMs), "--idle-ms",
                Integer.toString(idleMs)));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(ProcessBuilder.Redirect.appendTo(c.out().resolve("server.log").toFile()));
        Process p = pb.start();
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    q.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "soak-server-stdout");
        reader.setDaemon(true);
        reader.start();
        Writer w = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
        String line;
        do {
            line = q.poll(60, TimeUnit.SECONDS);
        } while (line != null && !line.startsWith("READY "));
        if (line == null) {
            p.destroyForcibly();
            throw new IOException("the soak server did not start, see " + c.out().resolve("server.log"));
        }
        String[] ports = line.substring(6).trim().split(" ");
        SoakServerProcess sp = new SoakServerProcess(p, Integer.parseInt(ports[0]), Integer.parseInt(ports[1]), w,
                new LinkedBlockingQueue<>());
        // Lines after READY go to the handle's own queue from here.
        Thread forward = new Thread(() -> {
            try {
                while (true) {
                    sp.lines.add(q.take());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "soak-server-lines");
        forward.setDaemon(true);
        forward.start();
        return sp;
    }

    long pid() {
        return process.pid();
    }

    synchronized void command(String line) throws IOException {
        in.write(line + "\n");
        in.flush();
    }

    /** Asks for one STATS line; its key=value pairs. */
    synchronized Map<String, Long> stats() throws IOException, InterruptedException {
        command("stats");
        String line;
        do {
            line = lines.poll(60, TimeUnit.SECONDS);
        } while (line != null && !line.startsWith("STATS "));
        if (line == null) {
            throw new IOException("the soak server did not answer stats (alive: " + process.isAlive() + ")");
        }
        Map<String, Long> m = new LinkedHashMap<>();
        for (String part : line.substring(6).trim().split(" ")) {
            int eq = part.indexOf('=');
            m.put(part.substring(0, eq), Long.parseLong(part.substring(eq + 1)));
        }
        return m;
    }

    @Override
    public void close() {
        try {
            command("quit");
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
