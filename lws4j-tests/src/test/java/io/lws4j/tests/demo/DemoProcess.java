package io.lws4j.tests.demo;

import io.lws4j.Context;
import io.lws4j.examples.threadpool.ThreadPoolDemo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The threadpool demo as a separate process: {@code java -cp <examples and core> ThreadPoolDemo
 * ...}, its output collected line by line, so tests can wait for a line, signal the process
 * and check how it ends.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
final class DemoProcess implements AutoCloseable {
    private final Process process;
    private final List<String> stdout = new ArrayList<>();
    private final StringBuilder stderr = new StringBuilder();
    private final Thread stdoutReader;
    private final Thread stderrReader;

    private DemoProcess(Process process) {
        this.process = process;
        this.stdoutReader = daemon("demo-stdout", () -> readLines(true));
        this.stderrReader = daemon("demo-stderr", () -> readLines(false));
    }

    /** Starts the demo with {@code args}. */
    static DemoProcess start(String... args) throws IOException {
        return startMain(ThreadPoolDemo.class, args);
    }

    /** Starts another example's {@code main} (on the same class path) with {@code args}. */
    static DemoProcess startMain(Class<?> mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-ea");
        command.add("-cp");
        command.add(classPathEntry(ThreadPoolDemo.class) + java.io.File.pathSeparator
                + classPathEntry(Context.class));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        DemoProcess demo = new DemoProcess(p);
        demo.stdoutReader.start();
        demo.stderrReader.start();
        return demo;
    }

    /** Waits for a stdout line matching {@code condition}; returns it, or null on timeout. */
    String awaitLine(Predicate<String> condition, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (stdout) {
            int seen = 0;
            while (true) {
                for (; seen < stdout.size(); seen++) {
                    if (condition.test(stdout.get(seen))) {
                        return stdout.get(seen);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && !stdoutReader.isAlive())) {
                    return null;
                }
                TimeUnit.NANOSECONDS.timedWait(stdout, Math.min(left, 100_000_000L));
            }
        }
    }

    /**
     * Sends SIGTERM. Through the {@link ProcessHandle}: {@link Process#destroy()} sends the
     * same signal but also closes our ends of the pipes, losing the shutdown output.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /** Sends SIGINT, as Ctrl-C in a terminal does, with {@code kill -INT}. */
    void interrupt() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", String.valueOf(process.pid()))
                .redirectErrorStream(true).start();
        String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -INT " + process.pid() + " failed: " + out);
        }
    }

    /**
     * Whether the demo process ignores SIGINT (Linux: the SigIgn mask of its status). A JVM
     * whose SIGINT was ignored at start keeps it ignored and never sees Ctrl-C; checked:
     * Maven started as a background job of a non-interactive shell (SIGINT ignored) still
     * gives the demo a default SIGINT.
     */
    boolean ignoresSigint() throws IOException {
        return ignoresSigint(Path.of("/proc", String.valueOf(process.pid()), "status"));
    }

    private static boolean ignoresSigint(Path status) throws IOException {
        for (String line : java.nio.file.Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                long mask = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                return (mask & (1L << (2 - 1))) != 0; // SIGINT is signal 2
            }
        }
        return false;
    }

    /** Waits for the exit and for all output; returns the exit code, or -1 on timeout. */
    int awaitExit(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            return -1;
        }
        stdoutReader.join(5000);
        stderrReader.join(5000);
        return process.exitValue();
    }

    /** Everything printed so far, for assertions and failure messages. */
    String output() {
        StringBuilder b = new StringBuilder();
        synchronized (stdout) {
            for (String line : stdout) {
                b.append(line).append('\n');
            }
        }
        synchronized (stderr) {
            if (stderr.length() > 0) {
                b.append("--- stderr ---\n").append(stderr);
            }
        }
        return b.toString();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void readLines(boolean isStdout) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                isStdout ? process.getInputStream() : process.getErrorStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (isStdout) {
                    synchronized (stdout) {
                        stdout.add(line);
                        stdout.notifyAll();
                    }
                } else {
                    synchronized (stderr) {
                        if (stderr.length() < 256 * 1024) {
                            stderr.append(line).append('\n');
                        }
                    }
                }
            }
        } catch (IOException e) {
            // The process ended; what was read is kept.
        } finally {
            if (isStdout) {
                synchronized (stdout) {
                    stdout.notifyAll();
                }
            }
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    private static String classPathEntry(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
