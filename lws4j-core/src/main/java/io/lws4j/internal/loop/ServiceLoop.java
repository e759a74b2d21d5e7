package io.lws4j.internal.loop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One service loop: a thread with its own {@link Selector}, a command queue other threads
 * post to, a timer queue, and one direct read buffer shared by all its connections.
 *
 * <p>One duty cycle: (1) drain the command queue, at most {@value #COMMAND_BATCH} commands
 * (a threadpool SYNC notification may call {@code onWritable} here, once per command: see
 * {@code ConnectionImpl.callbackOnWritableFromCommand}; a worker whose next SYNC lands
 * while this step runs is answered in it again, so the batch is what bounds the step);
 * (2) select with the time to the next timer, or {@code selectNow} when work is pending;
 * (3) dispatch the ready keys; (4) fire due timers; (5) run the after-I/O tasks (flushes of
 * connections that queued output during this cycle, pending {@code onWritable} calls), in
 * at most two passes: the tasks present when step 5 starts, then the tasks those queued.
 * The second pass is what lets a message written inside {@code onWritable} (itself called
 * from a flush) leave in the same cycle instead of waiting for another {@code selectNow};
 * tasks queued during the second pass wait for the next cycle, so step 5 stays bounded.
 *
 * <p>The loop never blocks except in {@code select}. A command, timer or key handler that
 * throws is logged (and, for a key, its {@link Selectable#onFailure} closes that channel);
 * the loop lives on. {@link VirtualMachineError}s are rethrown and end the loop.
 *
 * <p><b>No-block watchdog.</b> The loop measures the non-select part of every cycle.
 * {@link #maxWorkNanos()} reports the longest cycle since the last
 * {@link #resetMaxWorkNanos()}, and {@link #currentWorkNanos()} the age of the cycle now
 * running (0 while the loop waits in select), so a test can assert that nothing on the
 * service thread blocked while its workload ran.
 *
 * <p>Thread-safe: {@link #execute}, {@link #schedule}, {@link #inServiceThread},
 * {@link #stop}, {@link #join} and the watchdog and count accessors may be called from any
 * thread. Every other method is service-thread confined: it must be called on the owning
 * service thread; see {@link #inServiceThread()}.
 */
public final class ServiceLoop {
    /*
     * Wakeups: producers offer to the MPSC queue, then wake the selector only when they
     * flip wakeupPending false -> true, so a burst of posts costs one wakeup(). The loop
     * clears the flag at the top of each cycle, before draining; a post that lands after the
     * drain either flips the flag (and its wakeup() makes the coming select return at once)
     * or finds it already set by a post whose wakeup() is still pending. Either way no
     * command waits out a full select timeout.
     *
     * Shutdown: stop() clears running; the loop exits its cycle, sets accepting = false,
     * runs the commands still queued, aborts every registered channel and closes the
     * selector. execute() checks accepting after offering; a producer that still sees true
     * offered before the loop's final drain (volatile order), one that sees false takes its
     * command back out, and if it cannot (the loop already took it) the command runs.
     *
     * Memory consistency effects: actions before execute()/schedule() happen-before the
     * command or timer action runs (ConcurrentLinkedQueue hand-off).
     */
    /** The most commands run per cycle, so a flood of posts cannot starve I/O. */
    static final int COMMAND_BATCH = 1024;
    /** The shared read buffer: large enough for a few TCP segments per read call. */
    static final int READ_BUFFER_BYTES = 64 * 1024;

    private static final System.Logger LOG = System.getLogger(ServiceLoop.class.getName());

    private final String name;
    private final Selector selector;
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final TimerQueue timers = new TimerQueue(this::inServiceThread);
    /** Service thread only. */
    private final ArrayDeque<Runnable> afterIo = new ArrayDeque<>();
    /** Service thread only. */
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    /** Service thread only: scratch array for gathering writes. */
    private final ByteBuffer[] gather = new ByteBuffer[32];
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean accepting = true;
    private volatile int connectionCount;
    private volatile int lingeringCount;
    private volatile long workStartNanos;
    private volatile long maxWorkNanos;
    /** Written by the service thread only; counts completed duty cycles (tests observe it). */
    private volatile long cycles;

    private ServiceLoop(String name, Selector selector) {
        this.name = name;
        this.selector = selector;
        this.thread = new Thread(this::run, name);
    }

    /**
     * Creates a loop; it runs once {@link #start()} is called.
     *
     * @param name the thread name
     * @return the new loop
     * @throws UncheckedIOException when no selector can be opened
     */
    public static ServiceLoop create(String name) {
        try {
            return new ServiceLoop(name, Selector.open());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
    }

    /** Starts the loop's thread. */
    public void start() {
        thread.start();
    }

    /**
     * @return the thread name
     */
    public String name() {
        return name;
    }

    /**
     * @return true when the caller is this loop's thread
     */
    public boolean inServiceThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * Runs {@code command} on the service thread (never inline, even when called there).
     *
     * <p>Memory consistency effects: actions before {@code execute} happen-before the command
     * runs.
     *
     * @param command what to run
     * @return false when the loop has stopped and the command will not run
     */
    public boolean execute(Runnable command) {
        Objects.requireNonNull(command, "command");
        if (!accepting) {
            return false;
        }
        commands.offer(command);
        if (!accepting && commands.remove(command)) {
            return false;
        }
        wakeup();
        return true;
    }

    private void wakeup() {
        if (!inServiceThread() && wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /**
     * Runs {@code action} on the service thread after {@code delay}.
     *
     * @param delay the delay on the nanoTime clock
     * @param action what to run
     * @return the timer, which cancels the action; already cancelled when the loop stopped
     */
    public Timer schedule(Duration delay, Runnable action) {
        Objects.requireNonNull(action, "action");
        long nanos = saturatedNanos(delay);
        long deadline = System.nanoTime() + nanos;
        if (inServiceThread()) {
            return timers.add(deadline, action);
        }
        Timer timer = new Timer(timers, deadline, action);
        if (!execute(() -> timers.insert(timer))) {
            timer.cancel();
        }
        return timer;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return Math.max(0, d.toNanos());
        } catch (ArithmeticException e) {
            return d.isNegative() ? 0 : Long.MAX_VALUE / 4;
        }
    }

    /**
     * Registers a channel with this loop's selector.
     *
     * @param channel a non-blocking channel
     * @param ops the interest set
     * @param handler the key's attachment
     * @return the key
     * @throws ClosedChannelException when the channel is closed
     */
    public SelectionKey register(SelectableChannel channel, int ops, Selectable handler)
            throws ClosedChannelException {
        assert inServiceThread();
        return channel.register(selector, ops, handler);
    }

    /**
     * Queues {@code task} for step 5 of this cycle. Called during step 5's first pass, the
     * task runs in its second pass; called during the second pass, it runs in the next
     * cycle. Callers avoid duplicates themselves.
     *
     * @param task what to run after I/O
     */
    public void runAfterIo(Runnable task) {
        assert inServiceThread();
        afterIo.add(task);
    }

    /**
     * @return the loop's shared direct read buffer; callers clear it before use and must not
     *     keep it beyond the current call
     */
    public ByteBuffer readBuffer() {
        assert inServiceThread();
        return readBuffer;
    }

    /**
     * @return the loop's scratch array for gathering writes (same rule as the read buffer)
     */
    public ByteBuffer[] gatherArray() {
        assert inServiceThread();
        return gather;
    }

    /**
     * @return the loop's timers
     */
    public TimerQueue timers() {
        assert inServiceThread();
        return timers;
    }

    /**
     * @return the selectables registered with this loop (a snapshot)
     */
    public List<Selectable> selectables() {
        assert inServiceThread();
        List<Selectable> list = new ArrayList<>();
        for (SelectionKey key : selector.keys()) {
            if (key.isValid() && key.attachment() instanceof Selectable s) {
                list.add(s);
            }
        }
        return list;
    }

    /**
     * Counts a connection in or out ({@link #connectionCount()}).
     *
     * @param delta +1 or -1
     */
    public void addConnections(int delta) {
        assert inServiceThread();
        connectionCount += delta;
    }

    /**
     * @return the connections on this loop that have not fully closed yet, lingering ones
     *     included. Thread-safe.
     */
    public int connectionCount() {
        return connectionCount;
    }

    /**
     * Counts a connection into or out of its lingering close ({@link #lingeringCount()}).
     *
     * @param delta +1 or -1
     */
    public void addLingering(int delta) {
        assert inServiceThread();
        lingeringCount += delta;
    }

    /**
     * @return the connections on this loop that are closed for the application and only
     *     drain the peer's input before their socket closes (a subset of
     *     {@link #connectionCount()}). Thread-safe.
     */
    public int lingeringCount() {
        return lingeringCount;
    }

    /**
     * @return false once {@link #stop()} was called and the loop takes no more commands
     */
    public boolean isRunning() {
        return running;
    }

    /**
     * Asks the loop to stop: it runs the commands already accepted, aborts its channels and
     * ends its thread. Thread-safe.
     */
    public void stop() {
        running = false;
        selector.wakeup();
    }

    /**
     * Waits for the loop's thread to end. Thread-safe; a no-op on the service thread itself.
     *
     * @param timeout how long to wait at most
     * @return true when the thread has ended (or the caller is the service thread)
     * @throws InterruptedException when interrupted while waiting
     */
    public boolean join(Duration timeout) throws InterruptedException {
        if (inServiceThread()) {
            return true;
        }
        thread.join(Math.max(1, timeout.toMillis()));
        return !thread.isAlive();
    }

    /**
     * Watchdog: the longest non-select part of a cycle since the last reset. Thread-safe.
     *
     * @return nanoseconds
     */
    public long maxWorkNanos() {
        return Math.max(maxWorkNanos, currentWorkNanos());
    }

    /**
     * Watchdog: how long the cycle now running has been working, 0 while waiting in select.
     * Thread-safe.
     *
     * @return nanoseconds
     */
    public long currentWorkNanos() {
        long start = workStartNanos;
        return start == 0 ? 0 : System.nanoTime() - start;
    }

    /** Watchdog: forgets the longest cycle seen so far. Thread-safe. */
    public void resetMaxWorkNanos() {
        maxWorkNanos = 0;
    }

    /**
     * @return how many duty cycles have completed (step 5 included). Thread-safe.
     */
    public long cycleCount() {
        return cycles;
    }

    private void run() {
        try {
            while (running) {
                cycle();
            }
        } finally {
            workStartNanos = 0;
            shutdown();
        }
    }

    private void cycle() {
        beginWork();
        wakeupPending.set(false);
        drainCommands(COMMAND_BATCH);
        boolean pending = !commands.isEmpty() || !afterIo.isEmpty();
        endWork();
        try {
            if (pending) {
                selector.selectNow();
            } else {
                long wait = timers.nanosUntilNext(System.nanoTime());
                if (wait < 0) {
                    selector.select();
                } else if (wait == 0) {
                    selector.selectNow();
                } else {
                    // select(long) takes milliseconds; round up so we do not spin before a deadline
                    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999)));
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, name + ": select failed", e);
        }
        beginWork();
        dispatchKeys();
        fireTimers();
        runAfterIoTasks();
        cycles++; // single writer: the service thread
        endWork();
    }

    private void beginWork() {
        workStartNanos = System.nanoTime() | 1; // never 0, which means "selecting"
    }

    private void endWork() {
        long took = System.nanoTime() - workStartNanos;
        if (took > maxWorkNanos) {
            maxWorkNanos = took; // before clearing the start, so maxWorkNanos() never misses it
        }
        workStartNanos = 0;
    }

    private void drainCommands(int max) {
        for (int i = 0; i < max; i++) {
            Runnable command = commands.poll();
            if (command == null) {
                return;
            }
            runSafely(command, "command");
        }
    }

    private void dispatchKeys() {
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            if (!key.isValid() || !(key.attachment() instanceof Selectable handler)) {
                continue;
            }
            int ready;
            try {
                ready = key.readyOps();
            } catch (java.nio.channels.CancelledKeyException e) {
                continue;
            }
            try {
                handler.onReady(ready);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                failed(handler, t);
            }
        }
    }

    private static void failed(Selectable handler, Throwable t) {
        try {
            handler.onFailure(t);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable again) {
            LOG.log(System.Logger.Level.ERROR, "onFailure threw", again);
        }
    }

    private void fireTimers() {
        long now = System.nanoTime();
        Timer due;
        while ((due = timers.pollDue(now)) != null) {
            runSafely(due.action, "timer");
        }
    }

    private void runAfterIoTasks() {
        // Two passes, each over the tasks present when it starts: the second picks up the
        // flushes that the first pass's onWritable calls asked for (see the class javadoc).
        for (int pass = 0; pass < 2; pass++) {
            for (int n = afterIo.size(); n > 0; n--) {
                runSafely(afterIo.poll(), "after-I/O task");
            }
        }
    }

    private void runSafely(Runnable r, String what) {
        try {
            r.run();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, name + ": " + what + " threw", t);
        }
    }

    private void shutdown() {
        accepting = false;
        running = false;
        try {
            drainCommands(Integer.MAX_VALUE);
            for (SelectionKey key : new ArrayList<>(selector.keys())) {
                if (key.attachment() instanceof Selectable handler) {
                    try {
                        handler.abort();
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, name + ": abort threw", e);
                    }
                } else {
                    closeQuietly(key);
                }
            }
        } finally {
            try {
                selector.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, name + ": closing the selector failed", e);
            }
        }
    }

    private static void closeQuietly(SelectionKey key) {
        try {
            key.channel().close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "close failed", e);
        }
    }

    @Override
    public String toString() {
        return "ServiceLoop[" + name + "]";
    }
}
