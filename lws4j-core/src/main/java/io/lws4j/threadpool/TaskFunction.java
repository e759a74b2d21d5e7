package io.lws4j.threadpool;

/**
 * The work a {@link Task} does (the lws task function). It is called on a pool worker,
 * repeatedly, until it returns {@link TaskReturn#FINISHED} or {@link TaskReturn#STOPPED}.
 * Each call should do a slice of work of at most a few tens of milliseconds and return, so
 * the pool can stop the task cleanly.
 *
 * <p>The {@code status} argument is only ever {@link TaskStatus#RUNNING} or
 * {@link TaskStatus#STOPPING}; a call with {@code STOPPING} is the last one, whatever it
 * returns. A function that throws ends its task {@link TaskStatus#STOPPED} with
 * {@link Task#failure()} set; the worker lives on, unless what it threw is a
 * {@link VirtualMachineError}, which is rethrown once the task is completed and ends the
 * worker thread (its uncaught-exception handler sees it). A {@code null} return is treated as
 * {@link TaskReturn#CHECKING_IN} and logged (the lws treatment of an undefined code).
 *
 * <p>Implementations are called on worker threads, one call at a time per task.
 *
 * <p>Thread-safe: any method may be called from any thread.
 *
 * @param <U> the type of the task's user object
 */
@FunctionalInterface
public interface TaskFunction<U> {

    /**
     * Does one slice of the task's work.
     *
     * @param user the task's user object
     * @param status {@link TaskStatus#RUNNING}, or {@link TaskStatus#STOPPING} for a final call
     * @return what the worker should do next
     * @throws Exception to end the task {@link TaskStatus#STOPPED} with a failure
     */
    TaskReturn run(U user, TaskStatus status) throws Exception;
}
