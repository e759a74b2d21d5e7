package io.lws4j.examples.threadpool;

import io.lws4j.Context;
import io.lws4j.threadpool.Diagnosis;
import io.lws4j.threadpool.ThreadPool;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The lws4j port of libwebsockets' {@code minimal-ws-server-threadpool}: a page at "/" opens
 * 8 websocket connections, each of which gets a task on a pool of 3 workers with a wait
 * queue of 8; the tasks count, and hand their position to the service thread through the
 * pool's SYNC handshake, which sends it to the page. Run {@code --help} for the settings.
 *
 * <p>{@link #main} runs it until SIGINT or SIGTERM; {@link #start} runs it inside another
 * program (the tests), and {@link #shutdown} stops it.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class ThreadPoolDemo implements AutoCloseable {
    /*
     * Threads: the constructor and start() run on the caller; tick() and the change
     * publisher run on the "demo-ticker" thread, never on a service loop, so a stalled
     * stdout (output piped into a pager nobody scrolls) cannot stall the loop; protocol
     * callbacks run on their connections' service threads; shutdown() runs on whichever
     * thread calls it first (main after a signal, a shutdown hook, a test).
     *
     * Shutdown order (the libwebsockets example's PROTOCOL_DESTROY, made explicit): stop
     * ticking, mark the protocol as shutting down (so stopped tasks and late arrivals close
     * with 1001), finish() the pool (waiting tasks end, running ones get STOPPING), destroy()
     * it (joins the workers), close the context (closes the remaining connections with 1001,
     * onDestroy closes the already destroyed pool again, which is a no-op), delete the page
     * copy. shutdownStarted makes it run once; shutdownDone lets later callers wait for it.
     *
     * Shutdown stops the ticker first and waits briefly for a running tick, so no DIAG line
     * or status message comes after "shutting down"; a change reported after that is
     * dropped by the stopped ticker.
     */
    private static final Duration TICK = Duration.ofSeconds(1);
    /** How long a drain leaves connections open before they get 1001. */
    static final Duration DRAIN_DEADLINE = Duration.ofSeconds(2);
    /** Changes within this window reach lws-status subscribers as one message. */
    private static final Duration CHANGE_COALESCING = Duration.ofMillis(100);

    private final DemoOptions options;
    private final PrintStream out;
    private final DemoStats stats = new DemoStats();
    private final MinimalProtocol minimal;
    private final StatusProtocol status;
    private final PageFiles page;
    private final Context context;
    private final long startNanos = System.nanoTime();
    private final AtomicBoolean shutdownStarted = new AtomicBoolean();
    private final AtomicBoolean changePublishPending = new AtomicBoolean();
    private final CountDownLatch shutdownDone = new CountDownLatch(1);
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            runnable -> {
                Thread t = new Thread(runnable, "demo-ticker");
                t.setDaemon(true);
                return t;
            });
    /** Ticker thread only: ticks so far, for --dump-every. */
    private long ticks;

    /** The context's name in the JMX ObjectNames of the context and its pool. */
    static final String JMX_NAME = "threadpool-demo";

    private ThreadPoolDemo(DemoOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.minimal = new MinimalProtocol(options, stats, this::publishSoon);
        this.status = new StatusProtocol(this::statusJson);
        this.page = PageFiles.extract(StatusJson.config(options));
        Context ctx;
        try {
            ctx = Context.builder()
                    .name(JMX_NAME)
                    .bindAddress(options.bind())
                    .port(options.port())
                    .serviceThreads(options.serviceThreads())
                    .protocol(MinimalProtocol.NAME, minimal)
                    .protocol(StatusProtocol.NAME, status)
                    .mount("/", page.directory())
                    .build();
        } catch (RuntimeException e) {
            page.close();
            throw e;
        }
        this.context = ctx;
    }

    /**
     * Starts the demo: extracts the page, binds the port, creates the pool and starts the
     * once-a-second DIAG line and status stream.
     *
     * @param options the settings
     * @param out where the banner, DIAG lines and shutdown lines go
     * @return the running demo
     * @throws UncheckedIOException when the page cannot be extracted or the port bound
     * @throws IllegalArgumentException when the bind address cannot be resolved
     */
    public static ThreadPoolDemo start(DemoOptions options, PrintStream out) {
        ThreadPoolDemo demo = new ThreadPoolDemo(options, out);
        out.printf("lws4j threadpool demo: http://%s:%d/%n", hostForUrl(options.bind()),
                demo.port());
        out.printf("pool %s: %d threads, queue %d; each task counts to %d in steps of %d,"
                        + " sleeping %d ms per step, and sends its position every %d%n",
                "demo-pool", options.threads(), options.queue(), options.end(), options.step(),
                options.sleepMs(), options.syncEvery());
        out.printf("JMX (jconsole, JMC): io.lws4j:type=Context,name=%s and"
                + " io.lws4j:type=ThreadPool,context=%s,name=demo-pool%n", JMX_NAME, JMX_NAME);
        demo.ticker.scheduleAtFixedRate(demo::tick, TICK.toMillis(), TICK.toMillis(),
                TimeUnit.MILLISECONDS);
        return demo;
    }

    /**
     * Thread-safe.
     *
     * @return the bound port
     */
    public int port() {
        return context.port();
    }

    /**
     * Thread-safe.
     *
     * @return the pool's numbers now
     */
    public Diagnosis diagnose() {
        return minimal.pool().diagnose();
    }

    /**
     * Shuts down in order: drains the context ({@link Context#drain}: new upgrades get 503,
     * the pool is finished, so waiting tasks end and running ones are asked to stop and their
     * connections close with 1001), destroys the pool (joins the workers), waits for the
     * drain to close the context (the other connections close with 1001 by
     * a two-second deadline) and deletes the page copy.
     * Prints a line for each step. Idempotent; a second caller waits for the first to end.
     *
     * <p>Memory consistency effects: everything the first call did happens-before any call
     * of {@code shutdown} or {@link #awaitShutdown()} returns.
     *
     * @param why what asked for it, for the log ("SIGTERM", ...)
     */
    public void shutdown(String why) {
        if (!shutdownStarted.compareAndSet(false, true)) {
            awaitShutdown();
            return;
        }
        try {
            ticker.shutdown();
            awaitTickerQuietly();
            out.println("shutting down (" + why + "): finishing the pool");
            minimal.beginShutdown();
            // the drain refuses new upgrades (503) and finishes the pool: running tasks get
            // STOPPING and wrap up while their connections are still open
            CompletionStage<Void> drained = context.drain(DRAIN_DEADLINE);
            ThreadPool pool = minimal.pool();
            List<String> stuck = pool.destroy();
            for (String task : stuck) {
                out.println("  still running after the grace period, interrupted: " + task);
            }
            out.println("pool destroyed; " + stats.summary());
            awaitQuietly(drained);
            out.println("context closed; tasks accepted " + stats.admitted.get()
                    + ", cleaned up " + stats.cleanedUp.get());
            page.close();
            out.println("exiting cleanly");
            out.flush();
        } finally {
            shutdownDone.countDown();
        }
    }

    /** Waits for the drain's close; an interrupt is kept, and does not end the wait. */
    private static void awaitQuietly(CompletionStage<Void> drained) {
        boolean interrupted = false;
        while (true) {
            try {
                drained.toCompletableFuture().get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("the drain failed", e.getCause());
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Same as {@code shutdown("close")}. */
    @Override
    public void close() {
        shutdown("close");
    }

    /** Blocks until {@link #shutdown} has completed. */
    public void awaitShutdown() {
        boolean interrupted = false;
        while (true) {
            try {
                shutdownDone.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitTickerQuietly() {
        try {
            ticker.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void tick() {
        try {
            tickOnce();
        } catch (RuntimeException e) {
            // A failed tick must not end the periodic schedule (the executor would drop it).
            System.err.println("ThreadPoolDemo: tick failed: " + e);
        }
    }

    private void tickOnce() {
        if (shutdownStarted.get()) {
            return;
        }
        Diagnosis d = minimal.pool().diagnose();
        stats.notePeaks(d);
        if (!options.quiet()) {
            out.printf("DIAG: ongoing %d, possible %d, queue %d | %s%n", d.ongoing(),
                    d.possible(), d.queueDepth(), stats.summary());
        }
        status.publish(statusJson(d));
        long n = ++ticks;
        long dumpSeconds = options.dumpEvery().toSeconds();
        if (dumpSeconds > 0 && n % dumpSeconds == 0) {
            out.println(minimal.pool().dump());
        }
    }

    /** Tells lws-status subscribers about a change soon, at most once per coalescing window. */
    private void publishSoon() {
        if (shutdownStarted.get() || !changePublishPending.compareAndSet(false, true)) {
            return;
        }
        try {
            ticker.schedule(this::publishChange, CHANGE_COALESCING.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // Shutting down: nobody is left to tell.
        }
    }

    private void publishChange() {
        changePublishPending.set(false);
        if (!shutdownStarted.get()) {
            Diagnosis d = minimal.pool().diagnose();
            stats.notePeaks(d);
            status.publish(statusJson(d));
        }
    }

    private String statusJson() {
        return statusJson(minimal.pool().diagnose());
    }

    private String statusJson(Diagnosis d) {
        return StatusJson.of(d, stats, options, (System.nanoTime() - startNanos) / 1_000_000);
    }

    private static String hostForUrl(String bind) {
        if (bind.equals("0.0.0.0") || bind.equals("::")) {
            return "localhost";
        }
        return bind.contains(":") ? "[" + bind + "]" : bind;
    }

    /**
     * Runs the demo until SIGINT or SIGTERM.
     *
     * @param args see {@code --help}; a bad flag prints an error and exits with status 2
     */
    public static void main(String[] args) {
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (DemoOptions.UsageException e) {
            System.err.println("ThreadPoolDemo: " + e.getMessage());
            System.err.println("Try --help for the options.");
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.print(DemoOptions.usage());
            return;
        }
        ThreadPoolDemo demo;
        try {
            demo = start(options, System.out);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            Throwable cause = e.getCause();
            System.err.println("ThreadPoolDemo: cannot start on " + options.bind() + ":"
                    + options.port() + ": " + e.getMessage()
                    + (cause != null && cause.getMessage() != null ? " (" + cause.getMessage() + ")"
                            : ""));
            System.exit(1);
            return;
        }
        CountDownLatch signalled = new CountDownLatch(1);
        String[] signalName = {"signal"};
        boolean handled = Signals.install(name -> {
            if (signalled.getCount() == 0) {
                System.out.println("second SIG" + name + ": exiting at once");
                Runtime.getRuntime().halt(130);
            }
            signalName[0] = "SIG" + name;
            signalled.countDown();
        });
        Thread hook = new Thread(() -> demo.shutdown("JVM exit"), "demo-shutdown-hook");
        Runtime.getRuntime().addShutdownHook(hook);
        if (handled) {
            System.out.println("press Ctrl-C (SIGINT) or send SIGTERM to stop");
        }
        boolean interrupted = false;
        while (true) {
            try {
                signalled.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        demo.shutdown(signalName[0]);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        System.exit(0);
    }
}
