package io.lws4j.tests.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an outside program to completion with a time limit, capturing its standard output and
 * standard error (each bounded) for assertion messages. A program still running at the limit
 * is killed together with its child processes.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class ProcessRun {
    /** Output kept per stream; the rest is dropped (the tail matters least for diagnosis). */
    private static final int MAX_CAPTURE_BYTES = 256 * 1024;

    private ProcessRun() {
    }

    /**
     * The outcome of one run.
     *
     * @param command what ran
     * @param exitCode the exit code, or -1 when it timed out
     * @param timedOut true when the limit was hit and the process killed
     * @param stdout the captured standard output
     * @param stderr the captured standard error
     * @param elapsed how long it ran
     */
    public record Result(List<String> command, int exitCode, boolean timedOut, String stdout,
            String stderr, Duration elapsed) {
        /**
         * True when it exited 0 in time.
         *
         * @return whether the run succeeded
         */
        public boolean succeeded() {
            return !timedOut && exitCode == 0;
        }

        /**
         * Everything needed to understand a failure, for assertion messages.
         *
         * @return the command, the outcome and both outputs
         */
        public String describe() {
            return String.join(" ", command) + "\n  -> "
                    + (timedOut ? "TIMED OUT after " + elapsed.toMillis() + " ms (killed)"
                            : "exit " + exitCode + " after " + elapsed.toMillis() + " ms")
                    + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    /**
     * Runs {@code command} in {@code workingDir}, waiting at most {@code timeout}.
     *
     * @param command the program and its arguments
     * @param workingDir the working directory
     * @param timeout the limit
     * @return the outcome
     */
    public static Result run(List<String> command, Path workingDir, Duration timeout) {
        long started = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(command).directory(workingDir.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        Capture out = Capture.start(process.getInputStream(), "stdout of " + command.get(0));
        Capture err = Capture.start(process.getErrorStream(), "stderr of " + command.get(0));
        boolean finished;
        try {
            process.getOutputStream().close();
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        } catch (IOException e) {
            finished = false;
        }
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        return new Result(List.copyOf(command), finished ? process.exitValue() : -1, !finished,
                out.text(), err.text(), elapsed);
    }

    /** Drains one stream on its own thread, keeping the first bytes. */
    private static final class Capture implements Runnable {
        private final InputStream in;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final Thread thread;
        private long dropped;

        private Capture(InputStream in, String name) {
            this.in = in;
            this.thread = new Thread(this, name);
            this.thread.setDaemon(true);
        }

        static Capture start(InputStream in, String name) {
            Capture capture = new Capture(in, name);
            capture.thread.start();
            return capture;
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (this) {
                        int keep = Math.min(n, MAX_CAPTURE_BYTES - kept.size());
                        kept.write(buf, 0, keep);
                        dropped += n - keep;
                    }
                }
            } catch (IOException e) {
                // The process was killed or closed its stream: what was read is what we have.
            }
        }

        String text() {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (this) {
                String text = kept.toString(StandardCharsets.UTF_8);
                return dropped == 0 ? text : text + "\n[... " + dropped + " more bytes dropped]";
            }
        }
    }
}
