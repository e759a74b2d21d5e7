package io.lws4j.internal.conn;

import io.lws4j.Connection;

/**
 * What lws4j's own subsystems (the threadpool) need from a connection beyond the public
 * {@link Connection} API. Every real connection implements it; tests may implement it with
 * a fake service thread.
 *
 * <p>Thread-safe: every method here may be called from any thread, except
 * {@link #callbackOnWritableFromCommand()} and {@link #claimWriteForSyncingWorker()}, which
 * are service-thread confined.
 */
public interface ConnectionInternals extends Connection {

    /**
     * Registers a hook run exactly once, on the owning service thread, when the connection
     * starts closing: in the cycle its close handshake starts (our close frame or our reply
     * to the peer's is queued; writes fail from then on), or when it drops without one. It
     * runs before {@link io.lws4j.Protocol#onClosed} is called.
     *
     * <p>Memory consistency effects: actions before registering happen-before the hook runs.
     *
     * @param hook what to run
     * @return false when the connection has already closed (or its hooks already ran); the
     *     hook is then not registered and will not run
     */
    boolean addCloseHook(Runnable hook);

    /**
     * Removes a hook registered by {@link #addCloseHook(Runnable)}.
     *
     * @param hook the hook, compared by identity
     */
    void removeCloseHook(Runnable hook);

    /**
     * A slot the threadpool keeps its per-connection task list in (the lws
     * {@code wsi->tp_task_owner} list). Reads and writes are volatile.
     *
     * @return the slot's current value, null until set
     */
    Object taskSlot();

    /**
     * Compare-and-set of the slot returned by {@link #taskSlot()}.
     *
     * @param expected the value expected, compared by identity
     * @param update the new value
     * @return true when the slot held {@code expected} and now holds {@code update}
     */
    boolean casTaskSlot(Object expected, Object update);

    /**
     * {@link #execute} for a short command that never blocks, which may run at once on the
     * calling thread, holding the owning loop's service role, when that loop is idle in
     * select with nothing queued (then {@link #inServiceThread()} is true for the caller
     * while it runs). The threadpool posts its SYNC and completion notifications this way.
     *
     * <p>Memory consistency effects: as {@link #execute}.
     *
     * @param command what to run
     * @return false when the service loop has stopped and the command will not run
     */
    default boolean executeOrServe(Runnable command) {
        return execute(command);
    }

    /**
     * Unparks {@code thread} once the caller gives back a lent service role (see
     * {@link #executeOrServe}), so the role is not held across the wake-up; a caller on the
     * loop's own thread or any other thread must unpark it itself.
     *
     * @param thread the thread to unpark
     * @return true when the unpark was deferred, false when the caller must unpark now
     */
    default boolean unparkAfterService(Thread thread) {
        return false;
    }

    /**
     * {@link #callbackOnWritable()} for a caller that runs as a loop command (posted with
     * {@link #execute} or {@link #executeOrServe}), never inside another callback: when the connection can take data
     * now, {@link io.lws4j.Protocol#onWritable} is called before this returns instead of in
     * the loop's after-I/O step, so what it writes joins that step's flush. Otherwise (or
     * when an onWritable is already pending, which this one coalesces with) it behaves as
     * {@code callbackOnWritable()}. Either way at most one onWritable results.
     *
     * <p>Service-thread confined, like {@code callbackOnWritable()}.
     */
    default void callbackOnWritableFromCommand() {
        callbackOnWritable();
    }

    /**
     * Called by the holder of the service role that has just answered the SYNC of a pool
     * worker that waits for it, before it releases that worker: claims the messages the
     * answer queued, to be compressed and written by the released worker itself, off the
     * role, instead of by the holder or the loop's thread. The claim stands until the
     * returned write has run; it must run exactly once, on any thread without the role.
     *
     * <p>Service-thread confined.
     *
     * @return the write, or null when nothing is worth handing over (the holder's flush
     *     writes as usual)
     */
    default Runnable claimWriteForSyncingWorker() {
        return null;
    }
}
