package io.lws4j.internal.conn;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The close hooks of one connection (the threadpool's stop-on-close): added and removed from
 * any thread, run once, on the service thread, when the connection starts closing (its
 * close handshake starts, or it drops without one).
 *
 * <p>Thread-safe: any method may be called from any thread. Memory consistency effects:
 * actions in a thread before a successful {@link #add} happen-before the hook runs, and a
 * hook that {@link #add} refused will never run.
 */
final class CloseHooks {
    private static final System.Logger LOG = System.getLogger(CloseHooks.class.getName());

    /** Guarded by this: made by the first add (most connections never get a hook). */
    private List<Runnable> hooks;
    /** Guarded by this: set once, by {@link #runOnce}; absorbing. */
    private boolean ran;

    /**
     * @param hook the hook
     * @return false when the hooks have run already (the connection is closing or closed)
     */
    synchronized boolean add(Runnable hook) {
        Objects.requireNonNull(hook, "hook");
        if (ran) {
            return false;
        }
        if (hooks == null) {
            hooks = new ArrayList<>(2);
        }
        hooks.add(hook);
        return true;
    }

    /** Removes the hook (compared by identity) if it has not run. */
    synchronized void remove(Runnable hook) {
        if (hooks != null) {
            hooks.removeIf(h -> h == hook);
        }
    }

    /**
     * Runs every hook once, outside the lock, in the order added; a hook that throws is
     * logged and the others still run. Later calls do nothing.
     */
    void runOnce() {
        List<Runnable> toRun;
        synchronized (this) {
            if (ran) {
                return;
            }
            ran = true;
            toRun = hooks;
            hooks = null;
        }
        if (toRun == null) {
            return;
        }
        for (Runnable hook : toRun) {
            try {
                hook.run();
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.WARNING, "a close hook threw", t);
            }
        }
    }
}
