package io.lws4j.benchmarks.harness;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One benchmark server in its own JVM, started with this JVM's class path, so the load
 * generator and the server share neither heap nor GC and the server's RSS is its own.
 * Talks to {@code ServerMain} over stdin/stdout; the child's stderr goes to a log file.
 *
 * <p>Not thread-safe: instances must not be shared.
 */
final class ServerProcess implements AutoCloseable {
    static final List<String> JVM_OPTIONS = List.of("-Xms64m", "-Xmx1g", "-XX:+UseG1GC");
    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    private final int port;
    final long startNanos;
    final String impl;

    private ServerProcess(String impl, Process process, long startNanos, int port) {
        this.impl = impl;
        this.process = process;
        this.startNanos = startNanos;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.port = port;
    }

    /** Starts a server and waits for its READY line. */
    static ServerProcess start(String impl, int port, int threads, int queue, List<String> extraJvm, Path logDir)
            throws IOException {
        return start(impl, port, threads, queue, List.of(), extraJvm, logDir);
    }

    /** Starts a server with extra server options (wss, deflate) and waits for its READY line. */
    static ServerProcess start(String impl, int port, int threads, int queue, List<String> serverArgs,
            List<String> extraJvm, Path logDir) throws IOException {
        List<String> args = new ArrayList<>(List.of("--impl", impl, "--port", Integer.toString(port), "--threads",
                Integer.toString(threads), "--queue", Integer.toString(queue)));
        args.addAll(serverArgs);
        ServerProcess p = spawnMain(impl, "io.lws4j.benchmarks.servers.ServerMain", args, port, extraJvm, logDir,
                false);
        String line = p.readLine(30_000);
        while (line != null && !line.startsWith("READY ")) {
            line = p.readLine(30_000); // JVM chatter such as JFR's startup line
        }
        if (line == null) {
            p.close();
            throw new IOException(impl + " did not start (" + line + "), see " + logDir.resolve(impl + ".log"));
        }
        return new ServerProcess(impl, p.process, p.startNanos, Integer.parseInt(line.substring(6).trim()));
    }

    /** Starts a server on a known port without waiting (for cold-start timing). */
    static ServerProcess spawn(String impl, int port, int threads, int queue, List<String> extraJvm, Path logDir)
            throws IOException {
        return spawnMain(impl, "io.lws4j.benchmarks.servers.ServerMain", List.of("--impl", impl, "--port",
                Integer.toString(port), "--threads", Integer.toString(threads), "--queue", Integer.toString(queue)),
                port, extraJvm, logDir, false);
    }

    /**
     * Starts any main class of the class path as a server on a known port without waiting.
     * With {@code stdoutToLog} its standard output goes to the log too (a program that
     * prints on its own and stops on SIGTERM, like the threadpool demo).
     */
    static ServerProcess spawnMain(String label, String mainClass, List<String> args, int port,
            List<String> extraJvm, Path logDir, boolean stdoutToLog) throws IOException {
        Files.createDirectories(logDir);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM_OPTIONS);
        cmd.addAll(extraJvm);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        File log = logDir.resolve(label + ".log").toFile();
        pb.redirectError(ProcessBuilder.Redirect.appendTo(log));
        if (stdoutToLog) {
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        }
        long t0 = System.nanoTime();
        Process process = pb.start();
        return new ServerProcess(label, process, t0, port);
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** @return the CPU time the server process has used so far (user + system), or -1 when unknown */
    long cpuNanos() {
        return process.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
    }

    /** Heap used after a full GC, RSS and anonymous RSS, in bytes, as the server reports them. */
    long[] stats() throws IOException {
        in.write("stats\n");
        in.flush();
        String line = readLine(30_000);
        while (line != null && !line.startsWith("STATS ")) {
            line = readLine(30_000);
        }
        if (line == null) {
            throw new IOException(impl + ": no stats (" + line + ")");
        }
        long heap = -1;
        long rss = -1;
        long anon = -1;
        for (String part : line.substring(6).split(" ")) {
            if (part.startsWith("heap=")) {
                heap = Long.parseLong(part.substring(5));
            } else if (part.startsWith("rss=")) {
                rss = Long.parseLong(part.substring(4));
            } else if (part.startsWith("rssAnon=")) {
                anon = Long.parseLong(part.substring(8));
            }
        }
        return new long[] {heap, rss, anon};
    }

    private String readLine(long timeoutMs) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        StringBuilder sb = new StringBuilder();
        while (System.currentTimeMillis() < deadline) {
            while (process.getInputStream().available() > 0) {
                int ch = process.getInputStream().read();
                if (ch < 0) {
                    return null;
                }
                if (ch == '\n') {
                    return sb.toString();
                }
                sb.append((char) ch);
            }
            if (!process.isAlive()) {
                return null;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /** Waits until the port accepts connections; false when the bound passed or the process died. */
    boolean awaitListening(long boundMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + boundMillis;
        while (System.currentTimeMillis() < deadline && process.isAlive()) {
            try {
                java.nio.channels.SocketChannel.open(new java.net.InetSocketAddress("127.0.0.1", port)).close();
                return true;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        return false;
    }

    @Override
    public void close() {
        try {
            in.write("quit\n");
            in.flush();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroy();
            }
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            out.close();
        } catch (IOException ignored) {
            // closing our end of the pipe
        }
    }
}
