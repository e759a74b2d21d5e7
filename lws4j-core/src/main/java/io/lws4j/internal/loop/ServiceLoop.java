package io.lws4j.internal.loop;

import io.lws4j.internal.observe.LoopCounters;
import io.lws4j.internal.util.WaitNanos;
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
 * <p>One duty cycle: (1) drain the command queue, then the served queue (commands posted
 * with {@link #executeOrServe}, such as threadpool SYNC notifications, which may call
 * {@code onWritable}: see {@code ConnectionImpl.callbackOnWritableFromCommand}), at most
 * {@value #COMMAND_BATCH} of each, and when served commands ran, the after-I/O tasks they
 * caused, so their frames leave before the loop selects; the workers they released are
 * unparked only once the loop has made its role lendable (below), so that each answers its
 * next SYNC itself; (2) select with the time to the next timer, or {@code selectNow} when
 * work is pending;
 * (3) dispatch the ready keys; (4) fire due timers; (5) run the after-I/O tasks (flushes of
 * connections that queued output during this cycle, pending {@code onWritable} calls), in
 * at most two passes: the tasks present when step 5 starts, then the tasks those queued.
 * The second pass is what lets a message written inside {@code onWritable} (itself called
 * from a flush) leave in the same cycle instead of waiting for another {@code selectNow};
 * tasks queued during the second pass wait for the next cycle, so step 5 stays bounded.
 *
 * <p><b>Lending the role.</b> The right to touch the loop's confined state and to run its
 * callbacks is the loop's <em>role</em> ({@link ServiceRole}). While the loop's thread
 * waits in a blocking select, the role is lendable: {@link #executeOrServe} called by
 * another thread then takes it, runs the served queue and the after-I/O work with it on the
 * calling thread, and gives it back, while the loop's thread goes on selecting. A threadpool
 * worker thus writes its own SYNC's message (Protocol.onWritable runs on the worker) with
 * no loop wake-up, no park and no unpark; callbacks of one loop still never run at once,
 * and {@link #inServiceThread()} is true for the borrower while it holds the role. A loop
 * back from select waits for the borrower to give the role back before it works; the
 * borrower stops at its next command or task then ({@link LentService} says what a borrower
 * runs: all the loop's served work, not only its own). What a borrower cannot finish (a
 * changed interest set, a cancelled key, leftover after-I/O tasks, a new timer) wakes the
 * select. A borrower's socket writes run after it has given
 * the role back ({@link #writeAfterGivingBack}), so several workers write to their
 * connections at once; their completions come back as served commands. Borrowed work is not
 * part of the watchdog's figures. {@code Context.Builder.lendIdleLoops(false)} turns lending off.
 *
 * <p>The loop never blocks except in {@code select}. A command, timer or key handler that
 * throws is logged (and, for a key, its {@link Selectable#onFailure} closes that channel);
 * the loop lives on. {@link VirtualMachineError}s are rethrown and end the loop.
 *
 * <p>Interrupts left by user code are cleared after every command, timer, key handler and
 * after-I/O task, and around select, which would not wait otherwise ({@link LoopInterrupts}).
 *
 * <p><b>No-block watchdog.</b> The loop measures the non-select part of every cycle.
 * {@link #maxWorkNanos()} reports the longest cycle since the last
 * {@link #resetMaxWorkNanos()}, and {@link #currentWorkNanos()} the age of the cycle now
 * running (0 while the loop waits in select), so a test can assert that nothing on the
 * service thread blocked while its workload ran.
 *
 * <p>Thread-safe: {@link #execute}, {@link #executeOrServe}, {@link #schedule},
 * {@link #inServiceThread}, {@link #isLoopThread}, {@link #isBorrowedByCaller},
 * {@link #unparkAfterService}, {@link #stop}, {@link #join} and the watchdog and count
 * accessors may be called from any thread. Every other method is service-thread confined:
 * it must be called by the holder of the loop's role (its own thread, or a borrower); see
 * {@link #inServiceThread()}. {@link #writeAfterGivingBack} is for borrowers only. The
 * package-private hooks of {@link LentService}: {@code runServedWhileLent} for the borrower
 * only; {@code servedIsEmpty}, {@code offerServedCompletion}, {@code wakeup} and
 * {@code runSafely} (which runs its task on the calling thread) from any thread.
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
     * Served commands (executeOrServe) go to their own queue. A poster that finds the role
     * OWNED wakes the loop as execute() does; one that finds it LENDABLE borrows it and
     * drains the queue itself; one that finds it LENT or LENT_RECLAIMING leaves its command
     * to the holder, which reads the queue again after giving the role back (the poster
     * offered before it read the role, the holder gave the role back before it reads the
     * queue: one of them sees the other), or to the reclaiming loop, which drains it in its
     * next step 1. LentService is the borrower's side.
     *
     * Memory consistency effects: actions before execute()/executeOrServe()/schedule()
     * happen-before the command or timer action runs (ConcurrentLinkedQueue hand-off).
     */
    /** The most commands run per cycle, so a flood of posts cannot starve I/O. */
    static final int COMMAND_BATCH = 1024;
    /** The shared read buffer: large enough for a few TCP segments per read call. */
    static final int READ_BUFFER_BYTES = 64 * 1024;

    private static final System.Logger LOG = System.getLogger(ServiceLoop.class.getName());

    private final String name;
    private final Selector selector;
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    /** Commands posted by {@link #executeOrServe}, which a borrower of the role may run. */
    private final Queue<Runnable> served = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final TimerQueue timers = new TimerQueue(this::inServiceThread);
    /** Service thread only. */
    private final ArrayDeque<Runnable> afterIo = new ArrayDeque<>();
    /** Service thread only. */
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    /** Service role only: at most 256 direct frame buffers of 8 KiB and 32 of 64 KiB. */
    private final FrameBuffers frameBuffers = new FrameBuffers(256, 32, this::inServiceThread);
    /** Service thread only: scratch array for gathering writes. */
    private final ByteBuffer[] gather = new ByteBuffer[32];
    private final Thread thread;
    private final ServiceRole role = new ServiceRole();
    private final LentService lent = new LentService(this, role);
    private final LoopInterrupts interrupts;
    private final boolean lending;
    private volatile boolean running = true;
    private volatile boolean accepting = true;
    private volatile int connectionCount;
    private volatile int lingeringCount;
    private volatile long workStartNanos;
    private volatile long maxWorkNanos;
    /** Written by the service thread only; counts completed duty cycles (tests observe it). */
    private volatile long cycles;
    /** Written by the service thread only; counts the blocking selects, each of which lends. */
    private volatile long lends;
    /** Written by the holder of the role; read from any thread. */
    private final LoopCounters counters = new LoopCounters();

    private ServiceLoop(String name, Selector selector, boolean lending) {
        this.name = name;
        this.selector = selector;
        this.lending = lending;
        this.interrupts = new LoopInterrupts(name);
        this.thread = new Thread(this::run, name);
        role.bind(thread);
    }

    /**
     * Creates a loop; it runs once {@link #start()} is called.
     *
     * @param name the thread name
     * @return the new loop
     * @throws UncheckedIOException when no selector can be opened
     */
    public static ServiceLoop create(String name) {
        return create(name, true);
    }

    /**
     * Creates a loop; it runs once {@link #start()} is called.
     *
     * @param name the thread name
     * @param lending whether {@link #executeOrServe} may run commands on the caller's thread
     *     while the loop waits in select
     * @return the new loop
     * @throws UncheckedIOException when no selector can be opened
     */
    public static ServiceLoop create(String name, boolean lending) {
        try {
            return new ServiceLoop(name, Selector.open(), lending);
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
     * @return true when the caller holds this loop's service role: the loop's own thread, or
     *     a thread the idle loop is lent to while it runs {@link #executeOrServe}
     */
    public boolean inServiceThread() {
        return role.isHeldBy(Thread.currentThread());
    }

    /**
     * @return true when the caller is the loop's own thread (the one that selects)
     */
    public boolean isLoopThread() {
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
        if (!offer(commands, command)) {
            return false;
        }
        wakeup();
        return true;
    }

    private boolean offer(Queue<Runnable> queue, Runnable command) {
        if (!accepting) {
            return false;
        }
        queue.offer(command);
        return accepting || !queue.remove(command);
    }

    /**
     * Runs {@code command} with the service role, like {@link #execute}, but without waking
     * an idle loop: when the loop's thread waits in select, the caller takes the role and runs
     * the queued commands of this kind itself (its own and those other threads queued
     * meanwhile), then the after-I/O work they caused, and gives the role back; the loop's
     * thread goes on selecting. When the role is held by another such caller, that caller
     * runs this command too; when the loop's thread works, it does. For short commands that
     * never block, such as a threadpool SYNC notification: answered on the worker, it costs
     * no loop wake-up, and the worker's own SYNC no park and unpark.
     *
     * <p>Memory consistency effects: actions before {@code executeOrServe} happen-before the
     * command runs; the role passes from holder to holder by a volatile write and read, so
     * everything done with the role happens-before whatever is done with it next.
     *
     * @param command what to run
     * @return false when the loop has stopped and the command will not run
     */
    public boolean executeOrServe(Runnable command) {
        Objects.requireNonNull(command, "command");
        Thread current = Thread.currentThread();
        if (!lending || current == thread) {
            return execute(command);
        }
        if (!offer(served, command)) {
            return false;
        }
        if (role.isBorrower(current)) {
            return true; // we hold the role: our own drain runs it
        }
        return lent.serve();
    }

    /** LentService: whether the served queue is empty. */
    boolean servedIsEmpty() {
        return served.isEmpty();
    }

    /**
     * LentService, with the lent role: runs served commands and then after-I/O tasks, until
     * both are done or the loop waits for its role.
     *
     * @return true when after-I/O tasks are left for the loop
     */
    boolean runServedWhileLent() {
        assert role.isBorrower(Thread.currentThread());
        for (int i = 0; i < COMMAND_BATCH && !role.isReclaiming(); i++) {
            Runnable command = served.poll();
            if (command == null) {
                break;
            }
            runSafely(command, "command");
        }
        runAfterIoTasks(true);
        return !afterIo.isEmpty();
    }

    /** LentService, without the role: queues a write's completion as a served command. */
    void offerServedCompletion(Runnable completion) {
        if (!offer(served, completion)) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: stopped; a write completion is dropped", name);
        }
    }

    /**
     * @return true when the caller holds this loop's role as a borrower (not the loop's own
     *     thread)
     */
    public boolean isBorrowedByCaller() {
        return role.isBorrower(Thread.currentThread());
    }

    /**
     * A borrower's flush asks to write after it gives the role back: {@code write} then runs
     * on the borrower without the role, and {@code completion} as a served command, with the
     * role again. The caller keeps everything {@code write} touches away from other role
     * holders until the completion runs.
     *
     * <p>Memory consistency effects: actions before this call happen-before {@code write}
     * (same thread); actions of {@code write} happen-before {@code completion} runs (the
     * served queue's hand-off).
     *
     * @param write the socket write
     * @param completion its accounting, with the role
     * @return false when the caller is not a borrower (or too many writes wait): it must
     *     write now, with the role
     */
    public boolean writeAfterGivingBack(Runnable write, Runnable completion) {
        return lent.writeAfterGivingBack(write, completion);
    }

    /**
     * Unparks {@code t} once the caller has given back or lent the service role: called by a
     * borrower, or by the loop's thread while it answers served commands (step 1), so the
     * woken thread finds the role lendable and answers its next SYNC itself.
     *
     * @param t the thread to unpark
     * @return false when the caller must unpark {@code t} itself, now
     */
    public boolean unparkAfterService(Thread t) {
        return role.deferUnpark(t);
    }

    /**
     * Tells the loop that a channel's interest set or registration changed. The loop's own
     * thread sees that in its next select anyway; a borrower wakes the select it lent from,
     * which would otherwise go on waiting with the old interest set.
     */
    public void selectorChanged() {
        assert inServiceThread();
        wakeup();
    }

    void wakeup() {
        if (Thread.currentThread() != thread && wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /**
     * Runs {@code action} on the service thread after {@code delay}.
     *
     * @param delay the delay on the nanoTime clock; saturated ({@link WaitNanos}), 0 when negative
     * @param action what to run
     * @return the timer, which cancels the action; already cancelled when the loop stopped
     */
    public Timer schedule(Duration delay, Runnable action) {
        Objects.requireNonNull(action, "action");
        long nanos = WaitNanos.of(delay);
        long deadline = System.nanoTime() + nanos;
        if (isLoopThread()) { // a borrower's timer goes through execute: it wakes the select
            return timers.add(deadline, action);
        }
        Timer timer = new Timer(timers, deadline, action);
        if (!execute(() -> timers.insert(timer))) {
            timer.cancel();
        }
        return timer;
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
     * @return the loop's direct buffers for outgoing frames, to be used with the role only
     */
    public FrameBuffers frameBuffers() {
        return frameBuffers;
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
        if (inServiceThread()) { // the loop's thread, or a borrower the loop waits for
            return true;
        }
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(WaitNanos.of(timeout))));
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

    /**
     * @return how many times the loop made its role lendable for a blocking select (each is
     *     followed by a reclaim, of which {@link #reclaimWaits()} records those that waited).
     *     Thread-safe.
     */
    public long lendCount() {
        return lends;
    }

    /**
     * @return how many socket writes borrowers ran after giving the role back
     *     ({@link #writeAfterGivingBack}), for tests and diagnostics. Thread-safe.
     */
    public long writesWithoutRole() {
        return lent.writesWithoutRole();
    }

    /**
     * @return how long this loop, back from select, waited for a borrower to give its role
     *     back, each time it had to, for diagnostics and benchmarks. Thread-safe.
     */
    public WaitHistogram reclaimWaits() {
        return role.reclaimWaits();
    }

    /**
     * @return how many interrupts the loop's thread and its borrowers cleared after user code
     *     left them (see the class javadoc), for tests and diagnostics. Thread-safe.
     */
    public long interruptsCleared() {
        return interrupts.cleared();
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
        drain(commands, COMMAND_BATCH);
        if (lending) {
            // Served commands: their frames leave now, and the workers they release are
            // unparked once the role is lendable, so each answers its next SYNC itself
            // instead of waking the loop again.
            role.beginLoopDeferral();
            if (drain(served, COMMAND_BATCH) > 0) {
                runAfterIoTasks(false);
            }
        }
        boolean pending = !commands.isEmpty() || !served.isEmpty() || !afterIo.isEmpty();
        interrupts.clear("the duty cycle's work"); // whoever set it: select would not wait
        endWork();
        try {
            long wait = pending ? 0 : timers.nanosUntilNext(System.nanoTime());
            if (wait == 0) {
                if (lending) {
                    role.unparkLoopDeferred();
                }
                selector.selectNow();
            } else {
                lend();
                try {
                    if (wait < 0) {
                        selector.select();
                    } else {
                        // select(long) takes milliseconds; round up so we do not spin before a
                        // deadline
                        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999)));
                    }
                } finally {
                    interrupts.clear("select"); // an interrupt from outside: reclaim() would spin
                    reclaim();
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, name + ": select failed", e);
        }
        beginWork();
        dispatchKeys();
        fireTimers();
        runAfterIoTasks(false);
        cycles++; // single writer: the service thread
        endWork();
    }

    private void lend() {
        if (lending) {
            lends++; // single writer: the service thread
            role.lend();
            role.unparkLoopDeferred();
        }
    }

    private void reclaim() {
        if (lending) {
            role.reclaim();
        }
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
        if (took > LoopCounters.STALL_NANOS) {
            counters.stalled(name, took);
        }
    }

    /** @return the counters of this loop's connections and stalls; thread-safe to read */
    public LoopCounters counters() {
        return counters;
    }

    private int drain(Queue<Runnable> queue, int max) {
        for (int i = 0; i < max; i++) {
            Runnable command = queue.poll();
            if (command == null) {
                return i;
            }
            runSafely(command, "command");
        }
        return max;
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
            } finally {
                interrupts.clear(handler);
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

    /**
     * @param yieldToLoop true for a borrower: stop, leaving the rest queued, once the loop
     *     waits for its role (it runs them in its own step 5)
     */
    private void runAfterIoTasks(boolean yieldToLoop) {
        // Two passes, each over the tasks present when it starts: the second picks up the
        // flushes that the first pass's onWritable calls asked for (see the class javadoc).
        for (int pass = 0; pass < 2; pass++) {
            for (int n = afterIo.size(); n > 0; n--) {
                if (yieldToLoop && role.isReclaiming()) {
                    return;
                }
                runSafely(afterIo.poll(), "after-I/O task");
            }
        }
    }

    void runSafely(Runnable r, String what) {
        try {
            r.run();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, name + ": " + what + " threw", t);
        } finally {
            interrupts.clear(what);
        }
    }

    private void shutdown() {
        accepting = false;
        running = false;
        try {
            drain(commands, Integer.MAX_VALUE);
            drain(served, Integer.MAX_VALUE);
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
