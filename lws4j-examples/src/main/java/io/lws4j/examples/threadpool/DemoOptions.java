package io.lws4j.examples.threadpool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The threadpool demo's command line: every setting with its default, the parser and the
 * help text.
 *
 * <p>Each task counts from 0 to {@code end} in {@code step}s, sleeping {@code sleepMs}
 * after each step; it sends "pos 0" when it starts and "pos N" each time it passes a
 * multiple of {@code syncEvery}, and always at {@code end}.
 *
 * <p>Thread-safe: any method may be called from any thread.
 *
 * @param port the TCP port, 0 for an ephemeral one
 * @param bind the listen address
 * @param threads worker threads in the pool
 * @param queue tasks that may wait while every worker is busy
 * @param end what each task counts to
 * @param step counts per task call (one check-in)
 * @param sleepMs sleep after each step, 0 for none
 * @param syncEvery send a position each time the count passes a multiple of this
 * @param serviceThreads service loops
 * @param dumpEvery seconds between full pool dumps on stdout, zero for never
 * @param startTimeout how long a connection may wait for its task to start, zero for no limit
 * @param messageTimeout the longest gap allowed between two messages, zero for no limit
 * @param quiet true to leave out the once-a-second DIAG line
 */
public record DemoOptions(
        int port,
        String bind,
        int threads,
        int queue,
        long end,
        long step,
        long sleepMs,
        long syncEvery,
        int serviceThreads,
        Duration dumpEvery,
        Duration startTimeout,
        Duration messageTimeout,
        boolean quiet) {

    /** The original's port. */
    public static final int DEFAULT_PORT = 7681;

    /**
     * Validates the settings (the parser reports the same problems as usage errors).
     *
     * @param port see the record component
     * @param bind see the record component
     * @param threads see the record component
     * @param queue see the record component
     * @param end see the record component
     * @param step see the record component
     * @param sleepMs see the record component
     * @param syncEvery see the record component
     * @param serviceThreads see the record component
     * @param dumpEvery see the record component
     * @param startTimeout see the record component
     * @param messageTimeout see the record component
     * @param quiet see the record component
     * @throws IllegalArgumentException when a value is out of range
     */
    public DemoOptions {
        Objects.requireNonNull(bind, "bind");
        requireRange("port", port, 0, 65535);
        requireRange("threads", threads, 1, 1024);
        requireRange("queue", queue, 0, 1_000_000);
        requireRange("end", end, 1, Long.MAX_VALUE / 2);
        requireRange("step", step, 1, Long.MAX_VALUE / 2);
        requireRange("sleep-ms", sleepMs, 0, 3_600_000);
        requireRange("sync-every", syncEvery, 1, Long.MAX_VALUE / 2);
        requireRange("service-threads", serviceThreads, 1, 256);
        requireNotNegative("dump-every", dumpEvery);
        requireNotNegative("start-timeout", startTimeout);
        requireNotNegative("message-timeout", messageTimeout);
    }

    /**
     * The defaults: the original example's workload (3 threads, queue 8, count to
     * 10,000,000 in steps of 100,000 with 100 ms sleeps, a message every 1,000,000).
     *
     * @return the default options
     */
    public static DemoOptions defaults() {
        return new DemoOptions(DEFAULT_PORT, "127.0.0.1", 3, 8, 10_000_000L, 100_000L, 100L,
                1_000_000L, 1, Duration.ZERO, Duration.ofSeconds(30), Duration.ofSeconds(5),
                false);
    }

    /**
     * The gap between two messages to allow: {@link #messageTimeout()}, but never less than
     * twice the time a task needs between two positions (so slow settings still work).
     *
     * @return the timeout to arm after each message, zero for none
     */
    public Duration effectiveMessageTimeout() {
        if (messageTimeout.isZero()) {
            return Duration.ZERO;
        }
        long stepsPerMessage = (syncEvery + step - 1) / step;
        long expectedMillis = saturatedMultiply(stepsPerMessage, sleepMs);
        Duration twice = Duration.ofMillis(saturatedMultiply(expectedMillis, 2));
        return twice.compareTo(messageTimeout) > 0 ? twice : messageTimeout;
    }

    /**
     * The positions one task sends, in order: 0, each count that passes a multiple of
     * {@code syncEvery}, and {@code end}.
     *
     * @param limit the most positions to return (a guard against huge lists)
     * @return the expected positions
     * @throws IllegalArgumentException when there are more than {@code limit}
     */
    public List<Long> expectedPositions(int limit) {
        List<Long> out = new ArrayList<>();
        out.add(0L);
        long pos = 0;
        long nextMark = CountJob.nextMark(0, syncEvery);
        while (pos < end) {
            pos = CountJob.advance(pos, end, step);
            if (CountJob.syncsAt(pos, nextMark, end)) {
                if (out.size() >= limit) {
                    throw new IllegalArgumentException("more than " + limit + " positions");
                }
                out.add(pos);
                nextMark = CountJob.nextMark(pos, syncEvery);
            }
        }
        return out;
    }

    /**
     * Parses a command line. {@code --name value} and {@code --name=value} are both
     * accepted; numbers may use '_' or ',' as digit separators.
     *
     * @param args the arguments
     * @return the options, or null when {@code --help} was asked for
     * @throws UsageException for an unknown flag, a missing or malformed value, or a value
     *     out of range
     */
    public static DemoOptions parse(String... args) throws UsageException {
        DemoOptions d = defaults();
        int port = d.port;
        String bind = d.bind;
        int threads = d.threads;
        int queue = d.queue;
        long end = d.end;
        long step = d.step;
        long sleepMs = d.sleepMs;
        long syncEvery = d.syncEvery;
        int serviceThreads = d.serviceThreads;
        Duration dumpEvery = d.dumpEvery;
        Duration startTimeout = d.startTimeout;
        Duration messageTimeout = d.messageTimeout;
        boolean quiet = d.quiet;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                return null;
            }
            if (arg.equals("--quiet")) {
                quiet = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument: " + arg);
            }
            String name = arg;
            String value;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new UsageException(name + " needs a value");
            }
            switch (name) {
                case "--port" -> port = (int) number(name, value, 0, 65535);
                case "--bind" -> bind = notBlank(name, value);
                case "--threads" -> threads = (int) number(name, value, 1, 1024);
                case "--queue" -> queue = (int) number(name, value, 0, 1_000_000);
                case "--end" -> end = number(name, value, 1, Long.MAX_VALUE / 2);
                case "--step" -> step = number(name, value, 1, Long.MAX_VALUE / 2);
                case "--sleep-ms" -> sleepMs = number(name, value, 0, 3_600_000);
                case "--sync-every" -> syncEvery = number(name, value, 1, Long.MAX_VALUE / 2);
                case "--service-threads" -> serviceThreads = (int) number(name, value, 1, 256);
                case "--dump-every" -> dumpEvery = seconds(name, value);
                case "--start-timeout" -> startTimeout = seconds(name, value);
                case "--message-timeout" -> messageTimeout = seconds(name, value);
                default -> throw new UsageException("unknown option: " + name);
            }
        }
        return new DemoOptions(port, bind, threads, queue, end, step, sleepMs, syncEvery,
                serviceThreads, dumpEvery, startTimeout, messageTimeout, quiet);
    }

    /**
     * The text {@code --help} prints.
     *
     * @return the usage text, ending with a newline
     */
    public static String usage() {
        DemoOptions d = defaults();
        return String.join("\n",
                "Usage: ThreadPoolDemo [options]",
                "",
                "The lws4j port of libwebsockets' minimal-ws-server-threadpool. Serves a page at",
                "http://<bind>:<port>/ that opens 8 websocket connections (protocol lws-minimal);",
                "each gets a task on a pool of worker threads that counts to --end and sends its",
                "position through the pool's SYNC handshake: \"pos 0\" when the task starts, then",
                "\"pos N\" each time the count passes a multiple of --sync-every, and always \"pos <end>\".",
                "A finished task closes its connection with 1000; a connection the full queue cannot",
                "take is closed with 1013. Protocol lws-status streams the pool's numbers as JSON.",
                "",
                "Options:",
                "  --port N              TCP port, 0 for an ephemeral one (default " + d.port + ")",
                "  --bind ADDR           listen address (default " + d.bind + "; 0.0.0.0 for all)",
                "  --threads N           worker threads in the pool (default " + d.threads + ")",
                "  --queue N             tasks that may wait while all workers are busy (default "
                        + d.queue + ")",
                "  --end N               what each task counts to (default " + d.end + ")",
                "  --step N              counts per task call, one check-in each (default "
                        + d.step + ")",
                "  --sleep-ms N          sleep after each step in ms, 0 for none (default "
                        + d.sleepMs + ")",
                "  --sync-every N        send the position every N counts (default "
                        + d.syncEvery + ")",
                "  --service-threads N   service loops (default " + d.serviceThreads + ")",
                "  --dump-every S        print the pool's full dump() every S seconds (default: never)",
                "  --start-timeout S     close a connection whose task has not started within S s",
                "                        (default " + d.startTimeout.toSeconds() + ", 0 for no limit)",
                "  --message-timeout S   close a connection that got no message for S s (default "
                        + d.messageTimeout.toSeconds() + ",",
                "                        raised to twice the expected gap; 0 for no limit)",
                "  --quiet               leave out the once-a-second DIAG line",
                "  -h, --help            print this help and exit",
                "",
                "Throughput of the SYNC path: --sleep-ms 0 --step 100000 --sync-every 100000",
                "(add --message-timeout 0 to leave out re-arming the timeout per message).",
                "SIGINT or SIGTERM finishes the pool, destroys it, closes every connection (1001)",
                "and exits with status 0.",
                "");
    }

    private static long number(String name, String value, long min, long max)
            throws UsageException {
        String digits = value.replace("_", "").replace(",", "");
        long n;
        try {
            n = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new UsageException(name + ": not a whole number: '" + value + "'");
        }
        if (n < min || n > max) {
            throw new UsageException(name + ": " + n + " is out of range [" + min + ", " + max
                    + "]");
        }
        return n;
    }

    private static Duration seconds(String name, String value) throws UsageException {
        return Duration.ofSeconds(number(name, value, 0, 86_400));
    }

    private static String notBlank(String name, String value) throws UsageException {
        if (value.isBlank()) {
            throw new UsageException(name + " needs a value");
        }
        return value.trim();
    }

    private static void requireRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " out of range [" + min + ", " + max + "]: "
                    + value);
        }
    }

    private static void requireNotNegative(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + d);
        }
    }

    private static long saturatedMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
            return lo;
        }
        return Long.MAX_VALUE;
    }

    /**
     * A command line the demo cannot run with; {@code main} prints the message and exits
     * with status 2.
     *
     * <p>Not thread-safe: instances must not be shared.
     */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        /**
         * @param message what is wrong, in one line
         */
        public UsageException(String message) {
            super(message);
        }
    }
}
