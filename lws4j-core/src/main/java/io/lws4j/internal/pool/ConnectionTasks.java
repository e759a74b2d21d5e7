package io.lws4j.internal.pool;

import io.lws4j.Connection;
import io.lws4j.internal.conn.ConnectionInternals;
import java.util.ArrayList;
import java.util.List;

/**
 * The tasks bound to one connection, in enqueue order, across every pool (the lws
 * {@code wsi->tp_task_owner} list). It lives in the connection's
 * {@link ConnectionInternals#taskSlot()} and is also the connection's close hook: when the
 * connection closes it tells each bound task's pool, so queued tasks are purged, running
 * ones stopped or detached, syncing ones woken and unreaped ones cleaned.
 *
 * <p>Thread-safe: any method may be called from any thread. Guarded by its own monitor,
 * which is never held while calling a pool or user code; a pool may hold its lock while
 * taking this monitor (lock order: pool lock, then this).
 */
public final class ConnectionTasks implements Runnable {
    /** Guarded by this. Tiny in practice (one task per connection is the common case). */
    private final List<TaskRecord<?>> tasks = new ArrayList<>(2);
    /** Guarded by this: set once the close hook ran; later adds are refused. */
    private boolean closed;

    private ConnectionTasks() {
    }

    /**
     * The list of a connection, created and hooked to the connection's close on first use.
     *
     * @param connection the connection
     * @return its list (possibly already closed)
     */
    static ConnectionTasks of(ConnectionInternals connection) {
        for (;;) {
            Object slot = connection.taskSlot();
            if (slot instanceof ConnectionTasks) {
                return (ConnectionTasks) slot;
            }
            ConnectionTasks created = new ConnectionTasks();
            if (connection.casTaskSlot(slot, created)) {
                if (!connection.addCloseHook(created)) {
                    created.run();
                }
                return created;
            }
        }
    }

    /**
     * The list of a connection if it has one.
     *
     * @param connection any connection
     * @return its list, or null when no task was ever bound to it
     */
    public static ConnectionTasks existing(Connection connection) {
        if (connection instanceof ConnectionInternals) {
            Object slot = ((ConnectionInternals) connection).taskSlot();
            if (slot instanceof ConnectionTasks) {
                return (ConnectionTasks) slot;
            }
        }
        return null;
    }

    synchronized boolean add(TaskRecord<?> task) {
        if (closed) {
            return false;
        }
        tasks.add(task);
        return true;
    }

    synchronized void remove(TaskRecord<?> task) {
        tasks.remove(task);
    }

    /**
     * The oldest bound task.
     *
     * @return the task, or null when none is bound
     */
    public synchronized TaskRecord<?> first() {
        return tasks.isEmpty() ? null : tasks.get(0);
    }

    /**
     * A copy of the bound tasks, oldest first, for iteration without a lock.
     *
     * @return the copy
     */
    public synchronized List<TaskRecord<?>> snapshot() {
        return new ArrayList<>(tasks);
    }

    /** The close hook: runs on the connection's service thread while it closes. */
    @Override
    public void run() {
        List<TaskRecord<?>> bound;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            bound = new ArrayList<>(tasks);
        }
        for (TaskRecord<?> t : bound) {
            t.pool.onConnectionClosed(t);
        }
    }
}
