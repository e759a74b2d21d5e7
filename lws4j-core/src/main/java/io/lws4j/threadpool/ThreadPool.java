package io.lws4j.threadpool;

import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.internal.conn.ConnectionInternals;
import io.lws4j.internal.loop.ContextImpl;
import io.lws4j.internal.pool.ConnectionTasks;
import io.lws4j.internal.pool.PoolCore;
import io.lws4j.internal.pool.TaskRecord;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;

/**
 * A pool of worker threads running tasks bound to websocket connections (lws
 * {@code struct lws_threadpool}). Tasks wait in a bounded FIFO queue while every worker is
 * busy; an idle worker takes a new task at once. A task talks to its connection only
 * through its service thread: it returns {@link TaskReturn#SYNC} when it has output, and the
 * protocol's {@link io.lws4j.Protocol#onWritable} writes it and acknowledges with
 * {@link Task#sync(boolean)} (see {@link Task}).
 *
 * <h2>Example: the lws minimal threadpool server</h2>
 * <pre>{@code
 * final class MinimalThreadpool implements Protocol {
 *     static final class Work {             // the task's user object
 *         long pos;
 *         final long end = 10_000_000;
 *         String result;                    // written by the task, read in onWritable
 *     }
 *
 *     private ThreadPool pool;
 *
 *     public void onInit(Context ctx) {
 *         pool = ThreadPool.create(ctx, new CreateArgs(3, 8), "%s", "minimal");
 *     }
 *
 *     public void onDestroy(Context ctx) {
 *         pool.close();
 *     }
 *
 *     public void onEstablished(Connection c) {
 *         TaskArgs<Work> args = TaskArgs.builder(c, new Work(), MinimalThreadpool::step).build();
 *         try {
 *             pool.enqueue(args, "ws %s", c.remoteAddress());
 *             c.setTimeout(Duration.ofSeconds(30));     // bound the wait for the first sync
 *         } catch (RejectedExecutionException full) {
 *             c.close(CloseCodes.TRY_AGAIN_LATER, "server busy");
 *         }
 *     }
 *
 *     static TaskReturn step(Work w, TaskStatus status) throws InterruptedException {
 *         if (status == TaskStatus.STOPPING || w.pos == w.end) {
 *             return TaskReturn.FINISHED;
 *         }
 *         w.pos += 100_000;
 *         Thread.sleep(100);                           // the "work"
 *         if (w.pos % 1_000_000 == 0) {
 *             w.result = "pos " + w.pos;
 *             return TaskReturn.SYNC;                  // wait until onWritable sent it
 *         }
 *         return TaskReturn.CHECKING_IN;
 *     }
 *
 *     public void onWritable(Connection c) {
 *         Task<?> task = ThreadPool.taskOf(c);
 *         if (task == null || task.status() != TaskStatus.SYNCING) {
 *             return;                                  // status() reaps a finished task
 *         }
 *         c.setTimeout(Duration.ofSeconds(5));         // bound the gap between syncs
 *         Work w = (Work) task.user();
 *         task.sync(!c.writeText(w.result));           // stop the task if the write failed
 *     }
 * }
 * }</pre>
 *
 * <h2>Threads</h2>
 * <p>Every method may be called from any thread, a service thread included. Task functions
 * run on the pool's workers (named {@code <pool name>-<index>}, or made and named by
 * {@link CreateArgs#threadFactory()}). {@link Task#status()} and {@link Task#sync(boolean)}
 * are meant for the connection's service thread. A worker whose task returns SYNC or ends
 * may itself hold that service role for a moment when the loop is idle, and then runs
 * {@code onWritable} and cleanups of the loop's other connections too (see
 * {@link io.lws4j.Context.Builder#lendIdleLoops(boolean)}). No user code (task function, cleanup,
 * {@link #forEachTask} callback) is ever called with a pool lock held, so it may call back
 * into the pool. {@link #destroy()} never waits for a service thread, so it may be called on
 * one without deadlocking that thread's connections: tasks it must clean up are cleaned on
 * the destroying thread with a null connection.
 *
 * <p>When the connection closes, its waiting tasks are removed and cleaned (never called),
 * syncing ones are stopped at once, running ones get a final {@link TaskStatus#STOPPING}
 * call (unless they returned an {@code _OUTLIVE} value, see {@link OutlivePolicy}), and ended
 * ones not yet reaped are cleaned. For the pool a connection closes when its close
 * handshake starts (either side sent a close frame, or lws4j closes it after a protocol
 * error), not when the handshake ends: from then on writes fail and
 * {@link io.lws4j.Protocol#onWritable} is not called, so a SYNC could not be answered, and
 * its worker is released at once instead of waiting out the peer's reply or the close
 * timeout. Its tasks are detached then ({@link Task#connection()} is null, and their
 * cleanups get a null connection), before {@link io.lws4j.Protocol#onClosed} runs.
 *
 * <p>Memory consistency effects: actions in a thread before {@link #enqueue} happen-before
 * the first call of the task function; actions in a task-function call that returns
 * {@code SYNC} happen-before the service-thread {@link Task#status()} that reports
 * {@code SYNCING} for it; actions on the service thread before {@link Task#sync(boolean)}
 * happen-before the task function's next call.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class ThreadPool implements AutoCloseable {
    private final PoolCore core;
    private final Context context;
    private final ThreadPoolMXBean statistics;
    /** The MBean's registration, or null without JMX; unregistered by {@link #destroy()}. */
    private volatile io.lws4j.internal.observe.JmxRegistration mbean;

    private ThreadPool(PoolCore core, Context context) {
        this.core = core;
        this.context = context;
        this.statistics = new io.lws4j.internal.pool.PoolStatistics(core);
    }

    /**
     * Creates a pool and starts its workers (lws {@code lws_threadpool_create}). When the
     * context is lws4j's own, the pool is finished and destroyed when the context closes.
     *
     * @param ctx the context the pool serves
     * @param args the settings
     * @param format a {@link String#format} pattern for the pool name
     * @param fmtArgs its arguments
     * @return the running pool
     * @throws IllegalStateException when a worker could not be started (the others are
     *     stopped) or the context is already closing
     */
    public static ThreadPool create(Context ctx, CreateArgs args, String format,
                                    Object... fmtArgs) {
        Objects.requireNonNull(ctx, "ctx");
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(format, "format");
        PoolCore core = PoolCore.start(String.format(format, fmtArgs), args);
        ThreadPool pool = new ThreadPool(core, ctx);
        if (ctx instanceof ContextImpl && !((ContextImpl) ctx).addCloseable(pool)) {
            pool.close();
            throw new IllegalStateException("context is closing");
        }
        if (ctx instanceof ContextImpl && ((ContextImpl) ctx).jmxEnabled()) {
            pool.mbean = io.lws4j.internal.observe.JmxRegistration.register("type=ThreadPool,context="
                    + io.lws4j.internal.observe.Jmx.value(ctx.statistics().getName()) + ",name="
                    + io.lws4j.internal.observe.Jmx.value(pool.name()),
                    ThreadPoolMXBean.class, pool.statistics);
        }
        return pool;
    }

    /**
     * The pool's name.
     *
     * @return the name
     */
    public String name() {
        return core.name();
    }

    /**
     * The settings the pool was created with.
     *
     * @return the settings
     */
    public CreateArgs args() {
        return core.args();
    }

    /**
     * Queues a task, to run on a worker as soon as one is free (lws
     * {@code lws_threadpool_enqueue}). On success the pool owns the user object and runs the
     * cleanup exactly once, whatever happens.
     *
     * <p>Memory consistency effects: actions before {@code enqueue} happen-before the first
     * call of the task function.
     *
     * @param <U> the type of the user object
     * @param args what to run, on which connection
     * @param format a {@link String#format} pattern for the task name
     * @param fmtArgs its arguments
     * @return the task's handle
     * @throws RejectedExecutionException when every worker is busy and {@code maxQueueDepth}
     *     tasks already wait, when the pool is finishing, or when the connection has
     *     closed; the caller keeps the user object and the cleanup is not called
     * @throws IllegalArgumentException when the connection was not made by lws4j
     */
    public <U> Task<U> enqueue(TaskArgs<U> args, String format, Object... fmtArgs) {
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(format, "format");
        if (!(args.connection() instanceof ConnectionInternals)) {
            throw new IllegalArgumentException("not an lws4j connection: " + args.connection());
        }
        // A name without a conversion is its own result; String.format would still parse it
        // and allocate a Formatter on every enqueue.
        String taskName = format.indexOf('%') < 0 ? format : String.format(format, fmtArgs);
        TaskRecord<U> record = core.enqueue((ConnectionInternals) args.connection(), taskName,
                args.user(), args.function(), args.cleanup(), r -> new Task<>(this, core, r));
        return handleOf(record);
    }

    @SuppressWarnings("unchecked")
    private static <U> Task<U> handleOf(TaskRecord<U> record) {
        return (Task<U>) record.handle();
    }

    /**
     * Starts an orderly shutdown (lws {@code lws_threadpool_finish}) and returns at once:
     * no new task is accepted, waiting tasks end {@link TaskStatus#STOPPED} without being
     * called (their cleanup runs here, with null), syncing tasks are stopped, and running
     * tasks get {@link TaskStatus#STOPPING} at their next call. Idempotent.
     */
    public void finish() {
        core.finish();
    }

    /**
     * {@link #finish()}, then waits up to the shutdown grace period
     * ({@link CreateArgs#shutdownGrace()}) for the workers to exit (lws
     * {@code lws_threadpool_destroy}). Tasks still running after it are interrupted and
     * logged, and are cleaned by their worker when they return; the interrupt ends with the
     * task, so their cleanup does not see it. Ended tasks nobody reaped are cleaned here,
     * with null. Never waits for a service thread. Idempotent.
     *
     * <p>Every call returns only once the workers have exited or the grace period has
     * passed: a call made while another is in progress waits for it (an interrupt does not
     * end that wait; the interrupt status is kept). Called on one of this pool's workers
     * (from a task function, or a cleanup or callback run there), it does not wait for that
     * worker, which cannot exit before the call returns: it shuts the pool down as usual and
     * waits for the other workers; the calling task gets its final
     * {@link TaskStatus#STOPPING} call at its next call as every running task does, and is
     * cleaned (with null) by its worker when it ends. A call from a cleanup that the
     * destroying thread runs returns at once.
     *
     * @return the summaries of tasks that were still running when the grace period ended
     *     (empty for every call but the first)
     */
    public List<String> destroy() {
        List<String> stuck = core.destroy();
        io.lws4j.internal.observe.JmxRegistration registration = mbean;
        if (registration != null) {
            registration.unregister();
        }
        if (context instanceof ContextImpl) {
            try {
                ((ContextImpl) context).removeCloseable(this);
            } catch (RuntimeException e) {
                // the context may be closing and iterating its closeables
            }
        }
        return stuck;
    }

    /** {@link #finish()} then {@link #destroy()}; idempotent. */
    @Override
    public void close() {
        destroy();
    }

    /**
     * Tells whether {@link #finish()} was called.
     *
     * @return true once the pool refuses new tasks
     */
    public boolean isShutdown() {
        return core.isShutdown();
    }

    /**
     * Tells whether the pool is shut down and all its workers have exited.
     *
     * @return true when terminated
     */
    public boolean isTerminated() {
        return core.isTerminated();
    }

    /**
     * Waits until every worker has exited, after {@link #finish()}.
     *
     * @param timeout the longest wait
     * @return true when the workers have exited
     * @throws InterruptedException when interrupted while waiting
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return core.awaitTermination(Objects.requireNonNull(timeout, "timeout"));
    }

    /**
     * The state of the pool: a header with the counters, then one line per waiting task,
     * per busy worker and per ended task not yet reaped, each with the task's name, state,
     * time queued, alive and on a worker, and run and sync percentages (lws
     * {@code lws_threadpool_dump}, which works here in every build). Also logged at DEBUG.
     *
     * @return the dump
     */
    public String dump() {
        return core.dump();
    }

    /**
     * A consistent snapshot of the pool's load (lws {@code lws_threadpool_diagnose}).
     *
     * @return the diagnosis
     */
    public Diagnosis diagnose() {
        return core.diagnose();
    }

    /**
     * The pool's figures: {@link #diagnose()}, the task counters and {@link #dump()}, as
     * registered in JMX when the context has JMX on ({@link ThreadPoolMXBean} tells the
     * name).
     *
     * @return a live view; each getter reads the current figures
     */
    public ThreadPoolMXBean statistics() {
        return statistics;
    }

    /**
     * Registers a listener that hears of every task that ends on a worker and every SYNC
     * wait that ends, on the worker's thread (see {@link PoolListener}); for timers such as
     * the {@code lws4j-micrometer} binder's. A listener added twice is called twice.
     *
     * @param listener the listener
     */
    public void addListener(PoolListener listener) {
        core.addListener(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Removes a listener added by {@link #addListener}; events already under way may still
     * reach it.
     *
     * @param listener the listener, compared by identity
     * @return true when it was registered
     */
    public boolean removeListener(PoolListener listener) {
        return core.removeListener(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * The worker threads, in index order (for diagnostics and tests).
     *
     * @return the threads
     */
    public List<Thread> workerThreads() {
        return core.workerThreads();
    }

    // ---------------------------------------------------------- per-connection (wsi) API

    /**
     * The oldest task bound to a connection (lws {@code lws_threadpool_get_task_wsi}).
     *
     * @param wsi the connection
     * @return the task, or null when none is bound
     */
    public static Task<?> taskOf(Connection wsi) {
        Objects.requireNonNull(wsi, "wsi");
        ConnectionTasks ct = ConnectionTasks.existing(wsi);
        TaskRecord<?> first = ct == null ? null : ct.first();
        return first == null ? null : (Task<?>) first.handle();
    }

    /**
     * The status of the connection's oldest task, reaping it when terminal (lws
     * {@code lws_threadpool_task_status_wsi}); the task itself is {@link #taskOf}.
     *
     * @param wsi the connection
     * @return the status, or {@link TaskStatus#FINISHED} when no task is bound
     */
    public static TaskStatus taskStatusWsi(Connection wsi) {
        Task<?> t = taskOf(wsi);
        return t == null ? TaskStatus.FINISHED : t.status();
    }

    /**
     * Dequeues the connection's oldest task (lws {@code lws_threadpool_dequeue}), as
     * {@link Task#dequeue()}.
     *
     * @param wsi the connection
     * @return true when the task was on a worker and has been asked to stop; false when it
     *     was removed or complete, or no task is bound
     */
    public static boolean dequeue(Connection wsi) {
        Task<?> t = taskOf(wsi);
        return t != null && t.dequeue();
    }

    /**
     * Calls {@code cb} for each task bound to the connection, oldest first, until it returns
     * true (lws {@code lws_threadpool_foreach_task_wsi}). The callback runs with no lock
     * held, on a snapshot, so it may dequeue, reap or enqueue.
     *
     * @param wsi the connection
     * @param cb the callback
     * @return true when {@code cb} returned true
     */
    public static boolean forEachTask(Connection wsi, Predicate<Task<?>> cb) {
        Objects.requireNonNull(wsi, "wsi");
        Objects.requireNonNull(cb, "cb");
        ConnectionTasks ct = ConnectionTasks.existing(wsi);
        if (ct == null) {
            return false;
        }
        for (TaskRecord<?> t : ct.snapshot()) {
            if (cb.test((Task<?>) t.handle())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "ThreadPool[" + core.name() + "]";
    }
}
