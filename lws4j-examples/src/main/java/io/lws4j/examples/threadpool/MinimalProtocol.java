package io.lws4j.examples.threadpool;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.threadpool.CreateArgs;
import io.lws4j.threadpool.Task;
import io.lws4j.threadpool.TaskArgs;
import io.lws4j.threadpool.TaskStatus;
import io.lws4j.threadpool.ThreadPool;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;

/**
 * Protocol {@code lws-minimal}: every connection gets a {@link CountJob} on the pool, and
 * every position the job hands over through SYNC is sent as "pos N" from
 * {@link #onWritable}.
 *
 * <p>What differs from libwebsockets' example, on purpose:
 * <ul>
 *   <li>a connection the pool cannot take is closed at once with 1013 "threadpool queue
 *       full" (the original waits out a flush timer);</li>
 *   <li>a finished task closes its connection with 1000 and clears the timeout (the
 *       original's 5 s timeout kills it without a close frame, 1006);</li>
 *   <li>a position is written at most once per connection, even if a writable callback
 *       came twice for the same SYNC;</li>
 *   <li>at shutdown, tasks are stopped and their connections closed with 1001.</li>
 * </ul>
 *
 * <p>{@link #onInit}, {@link #onDestroy}, {@link #pool()} and {@link #beginShutdown()} may
 * be called from any thread; the connection callbacks assert that they run on the
 * connection's service thread.
 *
 * <p>Service-thread confined: all methods must be called on the owning service thread; see
 * {@code Connection.inServiceThread()}.
 */
final class MinimalProtocol implements Protocol {
    /** The name libwebsockets' page asks for. */
    static final String NAME = "lws-minimal";

    private final DemoOptions options;
    private final DemoStats stats;
    private final Duration messageTimeout;
    private final Runnable onChange;
    private volatile ThreadPool pool;
    private volatile boolean shuttingDown;

    /**
     * @param onChange called on a service thread whenever a connection is admitted, refused,
     *     starts, ends or closes, so that watchers can be told soon; must not block
     */
    MinimalProtocol(DemoOptions options, DemoStats stats, Runnable onChange) {
        this.options = options;
        this.stats = stats;
        this.onChange = onChange;
        this.messageTimeout = options.effectiveMessageTimeout();
    }

    /** Per-connection state, the connection's user data. Service thread only. */
    private static final class Session {
        Task<CountJob> task;
        long lastSentPosition = -1;
        /** Set when this protocol closed the connection after the task ended. */
        boolean ended;
    }

    @Override
    public void onInit(Context context) {
        pool = ThreadPool.create(context, new CreateArgs(options.threads(), options.queue()),
                "demo-pool");
    }

    @Override
    public void onDestroy(Context context) {
        ThreadPool p = pool;
        if (p != null) {
            p.close();
        }
    }

    /** The pool, once {@link #onInit} has run. */
    ThreadPool pool() {
        return pool;
    }

    /** From now on tasks that stop and refused connections are closed with 1001. */
    void beginShutdown() {
        shuttingDown = true;
    }

    @Override
    public void onEstablished(Connection connection) {
        assert connection.inServiceThread();
        Session session = new Session();
        connection.userData(session);
        CountJob job = new CountJob(options);
        TaskArgs<CountJob> args = TaskArgs.builder(connection, job,
                        (CountJob user, TaskStatus status) -> user.run(status))
                .cleanup((Connection wsiOrNull, CountJob user) -> stats.cleanedUp.incrementAndGet())
                .build();
        try {
            session.task = pool.enqueue(args, "ws %s", connection.remoteAddress());
        } catch (RejectedExecutionException e) {
            if (shuttingDown) {
                connection.close(CloseCodes.GOING_AWAY, "server shutting down");
            } else {
                stats.refused.incrementAndGet();
                connection.close(CloseCodes.TRY_AGAIN_LATER, "threadpool queue full");
            }
            onChange.run();
            return;
        }
        stats.admitted.incrementAndGet();
        stats.notePeaks(pool.diagnose());
        onChange.run();
        if (!options.startTimeout().isZero()) {
            connection.setTimeout(options.startTimeout());
        }
    }

    @Override
    public void onWritable(Connection connection) {
        assert connection.inServiceThread();
        Session session = connection.userData();
        if (session == null || session.task == null || session.ended) {
            return;
        }
        Task<CountJob> task = session.task;
        TaskStatus status = task.status();
        switch (status) {
            case QUEUED, RUNNING, STOPPING -> {
                // Nothing to send yet: the pool asks for writable again when there is.
            }
            case SYNCING -> deliver(connection, session, task);
            case FINISHED -> {
                session.ended = true;
                connection.setTimeout(Duration.ZERO);
                stats.finished.incrementAndGet();
                connection.close(CloseCodes.NORMAL, "task finished");
                onChange.run();
            }
            case STOPPED -> {
                session.ended = true;
                connection.setTimeout(Duration.ZERO);
                stats.stopped.incrementAndGet();
                if (shuttingDown) {
                    connection.close(CloseCodes.GOING_AWAY, "server shutting down");
                } else {
                    connection.close(CloseCodes.INTERNAL_ERROR, "task stopped");
                }
                onChange.run();
            }
        }
    }

    private void deliver(Connection connection, Session session, Task<CountJob> task) {
        long position = task.user().syncedPosition();
        if (position <= session.lastSentPosition) {
            // A second writable for a SYNC already answered: never send a position twice.
            stats.duplicatesSuppressed.incrementAndGet();
            task.sync(false);
            return;
        }
        if (!connection.writeText("pos " + position)) {
            // The outbound buffer is full: leave the task waiting, try again when it drains.
            connection.callbackOnWritable();
            return;
        }
        session.lastSentPosition = position;
        stats.messages.incrementAndGet();
        connection.setTimeout(messageTimeout);
        task.sync(false);
        if (position == 0) {
            onChange.run();
        }
    }

    @Override
    public void onClosed(Connection connection, int closeCode, String reason) {
        assert connection.inServiceThread();
        if (closeCode == CloseCodes.POLICY_VIOLATION && "timeout".equals(reason)) {
            stats.timedOut.incrementAndGet();
        }
        onChange.run();
        // The pool takes care of the task: a queued one is removed, a running one is asked
        // to stop, and cleanup runs either way.
    }
}
