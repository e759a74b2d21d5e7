package io.lws4j.internal.loop;

import io.lws4j.Cancellable;
import io.lws4j.CloseCodes;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.internal.conn.ConnectionImpl;
import io.lws4j.internal.conn.ConnectionSettings;
import io.lws4j.internal.deflate.ZlibPool;
import io.lws4j.internal.http.StaticFiles;
import io.lws4j.internal.tls.TlsEngines;
import io.lws4j.internal.util.WaitNanos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The running context: the listening socket, the service loops, the registered closeables
 * (thread pools) and the shutdown sequence.
 *
 * <p>Shutdown order ({@link #close()}): stop accepting; every websocket connection gets a
 * close frame with 1001 (HTTP connections are dropped); wait up to {@link #CLOSE_GRACE} for
 * the close handshakes (close hooks and {@code onClosed} run on the service threads as each
 * connection closes); give sockets in their lingering close (closed for the application,
 * draining the peer's input) up to {@link #SHUTDOWN_LINGER} more, not their full linger;
 * drop the connections still open (their hooks and {@code onClosed} run then, unless they
 * already ran when lingering started); close the registered closeables, in reverse order of registration, while the
 * loops still run (a pool may post work to them); call {@code onDestroy} for each protocol;
 * stop the loops and join their threads.
 *
 * <p>Drain ({@link #drain}): RUNNING -> DRAINING (the draining flag; upgrades get 503, every
 * open connection gets {@code onDrain}, the thread pools finish) -> CLOSING when every
 * connection has closed, the deadline has passed, or a second drain() or a close() cuts the
 * wait short (drainCutShort) -> TERMINATED as above. The wait runs on a thread named
 * {@code lws4j-drain}.
 *
 * <p>{@code close()} called on one of this context's service threads cannot wait for its own
 * loop: it starts the sequence on a new thread named {@code lws4j-close} and returns at
 * once; {@link #isClosed()} is already true then. Called on any other thread it returns when
 * the sequence is complete (later callers wait for the first one).
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class ContextImpl implements Context {
    /*
     * Run state: RUNNING -> CLOSING (closing flag set by the first close(); addCloseable
     * refuses from then on) -> TERMINATED (terminated latch counted down at the end of the
     * sequence). Monotonic.
     *
     * Memory consistency effects: actions before execute()/schedule() happen-before the
     * command runs (the loops' command queues); actions in close() up to the join
     * happen-before its return, and the end of every loop thread happens-before close()
     * returns (Thread.join), except for a close() on a service thread, which does not wait.
     */
    /** How long close() waits for the close handshakes before dropping connections. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    /**
     * How long close() then waits for lingering sockets to see their peer's end of stream
     * before dropping them: long enough for a peer that has our close frame to close.
     */
    static final Duration SHUTDOWN_LINGER = Duration.ofMillis(250);
    private static final System.Logger LOG = System.getLogger(ContextImpl.class.getName());

    private final ContextConfig config;
    private final ServerSocketChannel server;
    private final ServiceLoop[] loops;
    /** The connection settings of each loop, by loop index. */
    private final ConnectionSettings[] perLoop;
    /** The zlib streams of every permessage-deflate connection; closed after the loops stop. */
    private final ZlibPool zlib;
    /** The established connections by protocol, for broadcasts and iteration. */
    private final io.lws4j.internal.conn.ConnectionRegistry registry =
            new io.lws4j.internal.conn.ConnectionRegistry();
    private final AtomicInteger nextClientLoop = new AtomicInteger();
    private final int port;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** Guarded by itself. */
    private final List<AutoCloseable> closeables = new ArrayList<>();
    /** The thread running the close sequence, so a re-entrant close() does not self-wait. */
    private volatile Thread closer;
    /** Set once by {@link #observe}, before the context is handed out. */
    private volatile ContextStatistics statistics;
    /** The MBean's registration, or null without JMX; set once by {@link #observe}. */
    private volatile io.lws4j.internal.observe.JmxRegistration mbean;
    /** Whether the context registers MBeans; set once by {@link #observe}. */
    private volatile boolean jmx;
    private static final AtomicInteger CLIENT_CONTEXTS = new AtomicInteger();
    /** Set by the first drain(); never cleared. */
    private final AtomicBoolean draining = new AtomicBoolean();
    /** Completed when the close sequence has ended (after terminated is counted down). */
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    /** Counted down by a second drain() or a close() to end a drain's wait at once. */
    private final CountDownLatch drainCutShort = new CountDownLatch(1);

    private ContextImpl(ContextConfig config, ServerSocketChannel server, ServiceLoop[] loops,
            int port) {
        this.config = config;
        this.server = server;
        this.loops = loops;
        this.port = port;
        this.zlib = ZlibPool.forContext(config.zlib());
        List<String> names = List.copyOf(config.protocols().keySet());
        this.perLoop = new ConnectionSettings[loops.length];
        for (int i = 0; i < loops.length; i++) {
            perLoop[i] = new ConnectionSettings(this, config, names,
                    new StaticFiles(config.mounts()), zlib);
        }
    }

    /**
     * @return the established connections by protocol
     */
    public io.lws4j.internal.conn.ConnectionRegistry registry() {
        return registry;
    }

    @Override
    public java.util.List<io.lws4j.Connection> connections(String protocolName) {
        Objects.requireNonNull(protocolName, "protocolName");
        return registry.connections(protocolName);
    }

    @Override
    public java.util.concurrent.CompletionStage<io.lws4j.BroadcastResult> broadcast(
            String protocolName, io.lws4j.OutboundMessage message, io.lws4j.SendOverflow slow) {
        Objects.requireNonNull(protocolName, "protocolName");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(slow, "slowConsumers");
        return Broadcasts.send(registry.snapshot(protocolName), message, slow);
    }

    @Override
    public void callbackOnWritableAll(String protocolName) {
        Objects.requireNonNull(protocolName, "protocolName");
        for (io.lws4j.internal.conn.ConnectionImpl c : registry.snapshot(protocolName)) {
            c.callbackOnWritableFromAnyThread();
        }
    }

    /**
     * Binds and starts a context: binds the port (SO_REUSEADDR), calls every protocol's
     * {@code onInit} on the calling thread, then starts the loops, named
     * {@code lws4j-service-<n>}, and accepts on loop 0.
     *
     * @param config the validated settings
     * @return the running context
     * @throws UncheckedIOException when the port cannot be bound
     */
    public static ContextImpl start(ContextConfig config) {
        return start(config, null, false);
    }

    /**
     * {@link #start(ContextConfig)}, with the context's statistics named and, when asked,
     * their MBean registration started before the protocols' {@code onInit} runs, so that
     * the beans of the pools they create there follow it.
     *
     * @param config the validated settings
     * @param name the name, or null for the bound port ({@code client-<n>} without a
     *     listener)
     * @param jmx whether to register {@code io.lws4j:type=Context,name=<name>}
     * @return the running context
     * @throws UncheckedIOException when the port cannot be bound
     */
    public static ContextImpl start(ContextConfig config, String name, boolean jmx) {
        Objects.requireNonNull(config, "config");
        if (config.listen() && config.tls() != null) {
            // here, on the builder's thread (before binding: it may throw): the first accept
            // would do it on a service loop
            TlsEngines.initializeServer(config.tls());
        }
        ServerSocketChannel server = null;
        int boundPort = -1;
        if (config.listen()) {
            try {
                server = ServerSocketChannel.open();
                server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                InetSocketAddress address = config.bindAddress() == null
                        ? new InetSocketAddress(config.port())
                        : new InetSocketAddress(config.bindAddress(), config.port());
                server.bind(address, 1024);
                server.configureBlocking(false);
                boundPort = ((InetSocketAddress) server.getLocalAddress()).getPort();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot listen on " + config.bindAddress() + ":"
                        + config.port(), e);
            }
        }
        ServiceLoop[] loops = new ServiceLoop[config.serviceThreads()];
        for (int i = 0; i < loops.length; i++) {
            loops[i] = ServiceLoop.create("lws4j-service-" + i, config.lendIdleLoops());
        }
        ContextImpl context = new ContextImpl(config, server, loops, boundPort);
        try {
            context.observe(name, jmx);
            context.launch();
        } catch (RuntimeException | Error e) {
            context.unregisterMBean();
            context.closeListener();
            for (ServiceLoop loop : loops) {
                loop.stop();
            }
            throw e;
        }
        return context;
    }

    private void launch() {
        for (Protocol p : config.protocols().values()) {
            p.onInit(this);
        }
        Acceptor acceptor = new Acceptor(server, loops, config.maxConnections(), (loop, channel) -> {
            int index = indexOf(loop);
            ConnectionImpl.accept(loop, channel, perLoop[index]);
        });
        for (ServiceLoop loop : loops) {
            loop.start();
        }
        if (server == null) {
            return;
        }
        loops[0].execute(() -> {
            try {
                acceptor.registered(loops[0].register(server, SelectionKey.OP_ACCEPT, acceptor));
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "cannot register the listening socket", e);
            }
        });
    }

    /**
     * Names the context's statistics and registers them as an MBean when asked; called once,
     * by {@link #start}, before the protocols' {@code onInit}.
     *
     * @param name the name, or null for the bound port ({@code client-<n>} without a
     *     listener)
     * @param jmx whether to register {@code io.lws4j:type=Context,name=<name>}
     */
    private void observe(String name, boolean jmx) {
        String n = name != null ? name
                : port >= 0 ? String.valueOf(port) : "client-" + CLIENT_CONTEXTS.incrementAndGet();
        ContextStatistics s = new ContextStatistics(this, n);
        statistics = s;
        this.jmx = jmx;
        if (jmx) {
            mbean = io.lws4j.internal.observe.JmxRegistration.register(
                    "type=Context,name=" + io.lws4j.internal.observe.Jmx.value(n),
                    io.lws4j.ContextMXBean.class, s);
        }
    }

    @Override
    public io.lws4j.ContextMXBean statistics() {
        ContextStatistics s = statistics;
        if (s == null) { // started without the builder (tests)
            synchronized (this) {
                if (statistics == null) {
                    statistics = new ContextStatistics(this, String.valueOf(port));
                }
                s = statistics;
            }
        }
        return s;
    }

    /**
     * @return whether the context registers its MBean, so that its pools register theirs
     */
    public boolean jmxEnabled() {
        return jmx;
    }

    private void unregisterMBean() {
        io.lws4j.internal.observe.JmxRegistration registration = mbean;
        if (registration != null) {
            registration.unregister();
        }
    }

    /**
     * Picks the loop for a new client connection, round-robin. Thread-safe.
     *
     * @return a loop of this context
     */
    public ServiceLoop nextClientLoop() {
        return loops[Math.floorMod(nextClientLoop.getAndIncrement(), loops.length)];
    }

    /**
     * @param loop a loop of this context
     * @return the connection settings shared by that loop's connections. Thread-safe.
     */
    public ConnectionSettings settings(ServiceLoop loop) {
        return perLoop[indexOf(loop)];
    }

    private int indexOf(ServiceLoop loop) {
        for (int i = 0; i < loops.length; i++) {
            if (loops[i] == loop) {
                return i;
            }
        }
        throw new IllegalArgumentException("not a loop of this context: " + loop);
    }

    /**
     * Registers something to close while the context closes, after its connections have
     * closed and before its loops stop (the threadpools created on the context).
     *
     * @param resource what to close
     * @return false when the context is already closing (the resource is not registered)
     */
    public boolean addCloseable(AutoCloseable resource) {
        Objects.requireNonNull(resource, "resource");
        synchronized (closeables) {
            if (closing.get()) {
                return false;
            }
            closeables.add(resource);
            return true;
        }
    }

    /**
     * Removes a resource registered by {@link #addCloseable}.
     *
     * @param resource the resource, compared by identity
     */
    public void removeCloseable(AutoCloseable resource) {
        synchronized (closeables) {
            closeables.removeIf(r -> r == resource);
        }
    }

    /**
     * @return the service loops (for the threadpool and tests); index 0 accepts
     */
    public List<ServiceLoop> loops() {
        return List.of(loops);
    }

    /**
     * Watchdog over all loops: the longest non-select cycle since the last reset (see
     * {@link ServiceLoop#maxWorkNanos()}).
     *
     * @return nanoseconds
     */
    public long maxLoopWorkNanos() {
        long max = 0;
        for (ServiceLoop loop : loops) {
            max = Math.max(max, loop.maxWorkNanos());
        }
        return max;
    }

    /** Watchdog: resets every loop's longest cycle. */
    public void resetLoopWorkNanos() {
        for (ServiceLoop loop : loops) {
            loop.resetMaxWorkNanos();
        }
    }

    /**
     * @return the settings this context was built with
     */
    public ContextConfig config() {
        return config;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public boolean execute(Runnable command) {
        Objects.requireNonNull(command, "command");
        return loops[0].execute(command);
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable action) {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(action, "action");
        return loops[0].schedule(delay, action);
    }

    @Override
    public boolean isClosed() {
        return closing.get();
    }

    /**
     * @return true when called on one of this context's service threads
     */
    public boolean inServiceThread() {
        for (ServiceLoop loop : loops) {
            if (loop.inServiceThread()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The zlib streams of this context's permessage-deflate connections and their memory
     * limit, for the statistics, tests and diagnostics.
     *
     * @return the pool
     */
    public ZlibPool zlibPool() {
        return zlib;
    }

    @Override
    public boolean isDraining() {
        return draining.get();
    }

    @Override
    public CompletionStage<Void> drain(Duration deadline) {
        Objects.requireNonNull(deadline, "deadline");
        if (deadline.isNegative()) {
            throw new IllegalArgumentException("deadline must not be negative: " + deadline);
        }
        if (closing.get()) {
            return closed.minimalCompletionStage();
        }
        if (!draining.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.INFO, "second drain request: closing now");
            drainCutShort.countDown();
            return closed.minimalCompletionStage();
        }
        LOG.log(System.Logger.Level.INFO, "draining; closing within " + deadline);
        for (ServiceLoop loop : loops) {
            loop.execute(() -> tellDraining(loop));
        }
        finishThreadPools();
        Thread waiter = new Thread(() -> {
            awaitDrained(deadline);
            close();
        }, "lws4j-drain");
        waiter.setDaemon(true);
        waiter.start();
        return closed.minimalCompletionStage();
    }

    private static void tellDraining(ServiceLoop loop) {
        for (Selectable s : loop.selectables()) {
            if (s instanceof ConnectionImpl c) {
                c.drainStarted();
            }
        }
    }

    private void finishThreadPools() {
        List<AutoCloseable> registered;
        synchronized (closeables) {
            registered = new ArrayList<>(closeables);
        }
        for (AutoCloseable c : registered) {
            if (c instanceof io.lws4j.threadpool.ThreadPool pool) {
                pool.finish();
            }
        }
    }

    /** Waits until no connection is open (lingering ones aside), the deadline, or a cut. */
    private void awaitDrained(Duration deadline) {
        long end = System.nanoTime() + WaitNanos.of(deadline);
        try {
            while (System.nanoTime() - end < 0) {
                int open = 0;
                for (ServiceLoop loop : loops) {
                    open += loop.connectionCount() - loop.lingeringCount();
                }
                if (open <= 0) {
                    return;
                }
                long left = end - System.nanoTime();
                if (drainCutShort.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)),
                        TimeUnit.NANOSECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        drainCutShort.countDown();
        boolean first;
        synchronized (closeables) {
            first = closing.compareAndSet(false, true);
        }
        if (inServiceThread()) {
            if (first) {
                Thread closer = new Thread(this::runCloseSequence, "lws4j-close");
                closer.start();
            }
            return;
        }
        if (first) {
            runCloseSequence();
        } else if (Thread.currentThread() != closer) {
            awaitTermination();
        }
        // else: a re-entrant close() from onDestroy or a closeable on the closing thread
    }

    private void awaitTermination() {
        boolean interrupted = false;
        while (true) {
            try {
                terminated.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void runCloseSequence() {
        closer = Thread.currentThread();
        boolean interrupted = false;
        try {
            loops[0].execute(this::closeListener);
            for (ServiceLoop loop : loops) {
                loop.execute(() -> shutdownConnections(loop));
            }
            interrupted |= awaitConnectionsClosed(CLOSE_GRACE, false);
            if (!interrupted) {
                interrupted |= awaitConnectionsClosed(SHUTDOWN_LINGER, true);
            }
            for (ServiceLoop loop : loops) {
                loop.execute(() -> abortConnections(loop));
            }
            interrupted |= awaitConnectionsClosed(Duration.ofSeconds(1), true);
            closeCloseables();
            for (Protocol p : config.protocols().values()) {
                try {
                    p.onDestroy(this);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "Protocol.onDestroy threw", e);
                }
            }
            for (ServiceLoop loop : loops) {
                loop.stop();
            }
            for (ServiceLoop loop : loops) {
                while (true) {
                    try {
                        if (!loop.join(Duration.ofSeconds(10))) {
                            LOG.log(System.Logger.Level.WARNING, loop.name()
                                    + " did not stop within 10 s");
                        }
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            closeListener();
            zlib.close();
            unregisterMBean();
        } finally {
            terminated.countDown();
            closed.complete(null);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void closeListener() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the listening socket failed", e);
        }
    }

    private static void shutdownConnections(ServiceLoop loop) {
        for (Selectable s : loop.selectables()) {
            if (s instanceof ConnectionImpl c) {
                c.shutdown(CloseCodes.GOING_AWAY, "server shutting down");
            }
        }
    }

    private static void abortConnections(ServiceLoop loop) {
        for (Selectable s : loop.selectables()) {
            if (s instanceof ConnectionImpl c) {
                c.abort();
            }
        }
    }

    /**
     * @param lingeringToo whether sockets in their lingering close count as open
     * @return true when interrupted (the wait then ended early)
     */
    private boolean awaitConnectionsClosed(Duration limit, boolean lingeringToo) {
        long deadline = System.nanoTime() + WaitNanos.of(limit);
        while (System.nanoTime() - deadline < 0) {
            boolean none = true;
            for (ServiceLoop loop : loops) {
                int open = loop.connectionCount() - (lingeringToo ? 0 : loop.lingeringCount());
                if (open > 0 && loop.isRunning()) {
                    none = false;
                    break;
                }
            }
            if (none) {
                return false;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(5);
            } catch (InterruptedException e) {
                return true;
            }
        }
        return false;
    }

    private void closeCloseables() {
        List<AutoCloseable> toClose;
        synchronized (closeables) {
            toClose = new ArrayList<>(closeables);
            closeables.clear();
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "closing " + toClose.get(i) + " failed", e);
            }
        }
    }

    @Override
    public String toString() {
        return "Context[port " + port + ", " + loops.length + " loop(s)]";
    }
}
