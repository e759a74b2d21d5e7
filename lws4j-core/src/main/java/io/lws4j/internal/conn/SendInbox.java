package io.lws4j.internal.conn;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The hand-off of a connection's sends from any thread to its service thread: a lock-free
 * multi-producer queue (each producer's items stay in its order) and a flag that tells a
 * producer whether it must post a drain to the loop, so that a burst of sends costs one loop
 * command, not one per send.
 *
 * <p>Protocol: a producer adds its item, then tries to set {@code drainPosted}; only the
 * producer that set it posts the drain. The drain (the consumer) clears the flag with
 * {@link #beginDrain()} before it polls. An item added after the drain's last poll finds
 * the flag clear (the clear came first in the volatile order), so its producer posts
 * again; an item whose producer found the flag set was added before the clear, and so
 * before the drain's polls, which see it (volatile accesses are sequentially consistent).
 * So no item is stranded while the loop runs drains, and none is drained twice (the queue's
 * poll).
 *
 * <p>States of the flag: clear (no drain posted, or the posted one has begun) and set (a
 * drain is posted and has not begun); a producer's successful set moves clear to set, the
 * consumer's {@link #beginDrain()} moves set (or clear) to clear.
 *
 * <p>Thread-safe: {@link #add} from any thread; {@link #beginDrain()}, {@link #poll()} and
 * {@link #claimRepost()} by the single consumer (the loop's service role). Memory
 * consistency effects: actions of a producer before {@link #add} happen-before the
 * consumer's {@link #poll()} returns its item (ConcurrentLinkedQueue).
 *
 * @param <T> the items
 */
final class SendInbox<T> {
    private static final VarHandle DRAIN_POSTED;

    static {
        try {
            DRAIN_POSTED = MethodHandles.lookup().findVarHandle(SendInbox.class, "drainPosted",
                    boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
    @SuppressWarnings("unused") // through DRAIN_POSTED
    private volatile boolean drainPosted;

    /**
     * Adds an item. Any thread.
     *
     * @param item the item
     * @return true when the caller must post a drain to the consumer
     */
    boolean add(T item) {
        queue.add(item);
        return DRAIN_POSTED.compareAndSet(this, false, true);
    }

    /** Consumer: starts a drain; items added from now on post a new one. */
    void beginDrain() {
        DRAIN_POSTED.setVolatile(this, false);
    }

    /**
     * Consumer (or any thread once no drain can run, to fail what is left).
     *
     * @return the next item, or null when none is there
     */
    T poll() {
        return queue.poll();
    }

    /**
     * Consumer, ending a drain early with items left: claims the post of the next drain.
     *
     * @return true when the caller must post it (false: a producer did or will)
     */
    boolean claimRepost() {
        return !queue.isEmpty() && DRAIN_POSTED.compareAndSet(this, false, true);
    }
}
