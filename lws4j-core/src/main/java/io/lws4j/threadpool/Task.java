package io.lws4j.threadpool;

import io.lws4j.Connection;
import io.lws4j.internal.pool.PoolCore;
import io.lws4j.internal.pool.TaskRecord;

/**
 * A handle on a task enqueued on a {@link ThreadPool} (lws {@code struct
 * lws_threadpool_task}). Handles stay safe for ever: after the task has been reaped,
 * {@link #status()} returns the terminal state it ended in and {@link #sync(boolean)} and
 * {@link #dequeue()} do nothing.
 *
 * <h2>Threads</h2>
 * <p>The task function runs on a pool worker. {@link #status()} (which reaps a terminal task
 * and runs its cleanup) and {@link #sync(boolean)} are meant for the connection's service
 * thread, typically inside {@link io.lws4j.Protocol#onWritable}; called from another thread
 * they cannot corrupt anything, but a reap there passes {@code null} to the cleanup.
 *
 * <h2>The SYNC handshake</h2>
 * <ol>
 * <li>The task function returns {@link TaskReturn#SYNC}: the task enters
 *   {@link TaskStatus#SYNCING} and its worker parks; the connection's service thread is
 *   asked for a writable callback.</li>
 * <li>In {@code onWritable}, {@link #status()} (or {@link #statusNoReap()}) reports
 *   {@code SYNCING}; the protocol writes the task's output and calls {@code sync(false)} to
 *   resume the task or {@code sync(true)} to stop it.</li>
 * <li>{@code sync} leaves {@code SYNCING} at once, so the same SYNC is never reported again
 *   after its acknowledgement, and wakes the worker, which calls the task function again
 *   with {@code RUNNING}.</li>
 * </ol>
 * <p>Only the acknowledgement ends a SYNC. Looking at the status does not: a query in another
 * callback (say {@code onText}), or an {@code onWritable} that sees {@code SYNCING} but
 * cannot write yet, leaves the SYNC waiting, and it asks for a writable callback again at
 * each retry interval ({@link CreateArgs#syncRetryInterval()}) until acknowledged.
 * {@code sync(false)} resumes only a SYNC that a status query has seen {@code SYNCING}: a
 * late or stray acknowledgement, made without such a query of the SYNC now waiting, is
 * ignored (and logged at DEBUG), so it cannot release the task's next output before anyone
 * consumed it.
 * <p>A SYNC that nobody acknowledges within the pool's sync budget
 * ({@link CreateArgs#syncBudget()}) ends the task {@code STOPPED} without another call.
 * When the task ends, the service thread is asked once more for a writable callback, in
 * which {@code status()} returns the terminal state and reaps the task.
 *
 * <p>Memory consistency effects: actions in a thread before
 * {@link ThreadPool#enqueue} happen-before the first call of the task function; actions in a
 * task-function call that returns {@code SYNC} happen-before the service thread's
 * {@code status()} that returns {@code SYNCING} for it (and the {@code onWritable} it is
 * called in); actions on the service thread before {@code sync(...)} happen-before the next
 * call of the task function. Likewise actions of the last call happen-before a
 * {@code status()} that returns a terminal state.
 *
 * <p>Thread-safe: any method may be called from any thread.
 *
 * @param <U> the type of the task's user object
 */
public final class Task<U> {
    private final ThreadPool pool;
    private final PoolCore core;
    private final TaskRecord<U> record;

    Task(ThreadPool pool, PoolCore core, TaskRecord<U> record) {
        this.pool = pool;
        this.core = core;
        this.record = record;
    }

    /**
     * The user object given at enqueue; still readable after reaping.
     *
     * @return the user object
     */
    public U user() {
        return record.user();
    }

    /**
     * The task's name, formatted at enqueue.
     *
     * @return the name
     */
    public String name() {
        return record.name();
    }

    /**
     * The connection the task is bound to.
     *
     * @return the connection, or null once detached (the connection closed or started its
     *     close handshake, or the task was reaped or dequeued)
     */
    public Connection connection() {
        return record.connection();
    }

    /**
     * The pool the task runs on.
     *
     * @return the pool
     */
    public ThreadPool pool() {
        return pool;
    }

    /**
     * What the task function threw (the task then ended {@link TaskStatus#STOPPED}), or
     * the error that stopped the task on its worker outside the task function: a
     * {@link VirtualMachineError} thrown by a callback the worker ran while it held its
     * loop's lent role (see {@link io.lws4j.Context.Builder#lendIdleLoops(boolean)}).
     *
     * @return the failure, or null
     */
    public Throwable failure() {
        return record.failure();
    }

    /**
     * The task's state, reaping it when terminal (lws {@code lws_threadpool_task_status}):
     * the first call that sees {@link TaskStatus#FINISHED} or {@link TaskStatus#STOPPED}
     * detaches the task and runs its cleanup, with the live connection when called on the
     * connection's service thread, else with null. Non-terminal states have no side effects:
     * a {@link TaskStatus#SYNCING} answer is only remembered as seen, which entitles a later
     * {@code sync(false)} to acknowledge that SYNC (see {@link #sync(boolean)}).
     *
     * @return the state
     */
    public TaskStatus status() {
        return core.status(record);
    }

    /**
     * The task's state, without reaping it (lws {@code lws_threadpool_task_status_noreap}).
     * Like {@link #status()}, a {@link TaskStatus#SYNCING} answer is remembered as seen, so
     * {@code sync(false)} may acknowledge that SYNC afterwards.
     *
     * @return the state
     */
    public TaskStatus statusNoReap() {
        return record.statusNoReap();
    }

    /**
     * Acknowledges a SYNC (lws {@code lws_threadpool_task_sync}). With {@code stop == false}
     * a {@link TaskStatus#SYNCING} task resumes, provided {@link #status()} or
     * {@link #statusNoReap()} has reported {@code SYNCING} for the SYNC now waiting; without
     * such a report (a late or stray acknowledgement of an earlier SYNC) it is ignored and
     * logged at DEBUG. On a task that is not syncing it has no effect (acknowledgements are
     * not banked). With {@code stop == true} a syncing or
     * running task ends {@link TaskStatus#STOPPED} without another call, and a queued task
     * is stopped without ever being called; on a stopping or terminal task it has no effect.
     *
     * <p>Memory consistency effects: actions before {@code sync} happen-before the next call
     * of the task function.
     *
     * @param stop true to stop the task
     */
    public void sync(boolean stop) {
        core.sync(record, stop);
    }

    /**
     * Removes a waiting or ended task, or asks a running one to stop (lws
     * {@code lws_threadpool_dequeue_task}). A waiting or ended task is detached and cleaned
     * at once on the calling thread (with the live connection when called on its service
     * thread); a task on a worker is detached and ends without another call (an OUTLIVE task
     * gets one more call, with {@link TaskStatus#STOPPING}), then its worker runs the
     * cleanup with null.
     *
     * @return true when the task was on a worker and has been asked to stop asynchronously;
     *     false when it was removed, already complete, or already reaped
     */
    public boolean dequeue() {
        return core.dequeue(record);
    }

    /**
     * The task's summary line (name, state, times queued, alive and on a worker, run and
     * sync percentages), as in {@link ThreadPool#dump()}.
     *
     * @return the summary
     */
    @Override
    public String toString() {
        return record.summary();
    }

    TaskRecord<U> record() {
        return record;
    }
}
