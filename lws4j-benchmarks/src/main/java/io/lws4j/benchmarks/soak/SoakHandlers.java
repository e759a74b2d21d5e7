package io.lws4j.benchmarks.soak;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Protocol;
import io.lws4j.threadpool.CreateArgs;
import io.lws4j.threadpool.Task;
import io.lws4j.threadpool.TaskArgs;
import io.lws4j.threadpool.TaskReturn;
import io.lws4j.threadpool.TaskStatus;
import io.lws4j.threadpool.ThreadPool;
import io.lws4j.Context;
import io.lws4j.benchmarks.Wire;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The soak server's three protocols and their counters: {@code echo} (every message back),
 * {@code chat} (a member's text goes to every other member of its room, across service
 * threads through {@link Connection#execute}) and {@code stream} (a threadpool task per
 * {@code "go <messages> <size>"} command that hands the sync-stream messages to the
 * connection with SYNC and, from its cleanup, tells the client how many it sent with
 * {@code "end <count>"}). A slow reader whose outbound buffer is full is closed with 1008.
 *
 * <p>The pool can be finished and re-created while tasks run ({@link #recreatePool}): the
 * old pool's tasks stop and are cleaned, new commands go to the new pool. Every accepted
 * task's cleanup is counted, and a second cleanup of one task is counted apart, so the
 * runner can check "exactly once".
 *
 * <p>Thread-safe: callbacks run on service threads (and lent pool workers), cleanups on
 * any thread; counters are atomics, rooms a concurrent map of concurrent sets, and the
 * current pool an atomic reference. Cross-thread writes go through
 * {@link Connection#execute}, whose happens-before edge publishes the message text.
 */
final class SoakHandlers {
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong cleanups = new AtomicLong();
    final AtomicLong doubleCleanups = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong poolsRecreated = new AtomicLong();
    final AtomicLong slowClosed = new AtomicLong();
    final AtomicLong relayed = new AtomicLong();
    final AtomicLong echoed = new AtomicLong();
    final AtomicLong streamed = new AtomicLong();
    final AtomicLong closedByCode1002 = new AtomicLong();
    final AtomicLong closedByCode1009 = new AtomicLong();
    private final ConcurrentHashMap<String, Set<Connection>> rooms = new ConcurrentHashMap<>();
    private final AtomicReference<ThreadPool> pool = new AtomicReference<>();
    private final CreateArgs poolArgs;
    private final int workMillis;
    private volatile Context poolContext;

    SoakHandlers(CreateArgs poolArgs, int workMillis) {
        this.poolArgs = poolArgs;
        this.workMillis = workMillis;
    }

    /** Creates the first pool on {@code context}. */
    void startPool(Context context) {
        this.poolContext = context;
        pool.set(ThreadPool.create(context, poolArgs, "soak-pool"));
    }

    /**
     * Finishes the current pool (its tasks stop and are cleaned) after a new one took its
     * place, then destroys it on a helper thread, which ends once the old workers have exited.
     */
    void recreatePool() {
        ThreadPool fresh = ThreadPool.create(poolContext, poolArgs, "soak-pool");
        ThreadPool old = pool.getAndSet(fresh);
        poolsRecreated.incrementAndGet();
        if (old != null) {
            old.finish();
            Thread t = new Thread(old::destroy, "soak-pool-destroy");
            t.setDaemon(true);
            t.start();
        }
    }

    ThreadPool pool() {
        return pool.get();
    }

    int rooms() {
        int n = 0;
        for (Set<Connection> members : rooms.values()) {
            n += members.isEmpty() ? 0 : 1;
        }
        return n;
    }

    Protocol echo() {
        return new Protocol() {
            @Override
            public void onText(Connection c, String text) {
                if (!c.writeText(text)) {
                    slowReader(c);
                } else {
                    echoed.incrementAndGet();
                }
            }

            @Override
            public void onBinary(Connection c, ByteBuffer data) {
                if (!c.writeBinary(data)) {
                    slowReader(c);
                } else {
                    echoed.incrementAndGet();
                }
            }

            @Override
            public void onClosed(Connection c, int closeCode, String reason) {
                countClose(closeCode);
            }
        };
    }

    Protocol chat() {
        return new Protocol() {
            @Override
            public void onText(Connection c, String text) {
                if (text.startsWith("join ")) {
                    String room = text.substring(5);
                    c.userData(room);
                    rooms.computeIfAbsent(room, k -> ConcurrentHashMap.newKeySet()).add(c);
                    c.writeText("joined " + room);
                    return;
                }
                String room = c.userData();
                Set<Connection> members = room == null ? null : rooms.get(room);
                if (members == null) {
                    c.close(CloseCodes.POLICY_VIOLATION, "join a room first");
                    return;
                }
                for (Connection m : members) {
                    if (m == c) {
                        continue;
                    }
                    if (m.inServiceThread()) {
                        deliver(m, text);
                    } else {
                        m.execute(() -> deliver(m, text));
                    }
                }
            }

            @Override
            public void onClosed(Connection c, int closeCode, String reason) {
                countClose(closeCode);
                String room = c.userData();
                if (room != null) {
                    rooms.computeIfPresent(room, (k, members) -> {
                        members.remove(c);
                        return members.isEmpty() ? null : members;
                    });
                }
            }
        };
    }

    private void deliver(Connection m, String text) {
        if (!m.isOpen()) {
            return;
        }
        if (m.writeText(text)) {
            relayed.incrementAndGet();
        } else {
            slowReader(m);
        }
    }

    private void slowReader(Connection c) {
        if (c.isOpen()) {
            slowClosed.incrementAndGet();
            c.close(CloseCodes.POLICY_VIOLATION, "slow reader");
        }
    }

    private void countClose(int code) {
        if (code == CloseCodes.PROTOCOL_ERROR) {
            closedByCode1002.incrementAndGet();
        } else if (code == CloseCodes.MESSAGE_TOO_BIG) {
            closedByCode1009.incrementAndGet();
        }
    }

    Protocol stream() {
        return new Protocol() {
            @Override
            public void onText(Connection c, String text) {
                int[] cmd = Wire.parseStartCommand(text);
                if (cmd == null) {
                    c.close(CloseCodes.POLICY_VIOLATION, "expected go <messages> <size>");
                    return;
                }
                StreamJob job = new StreamJob(c, cmd[0], cmd[1], workMillis);
                TaskArgs<StreamJob> args = TaskArgs.builder(c, job, (StreamJob j, TaskStatus s) -> j.run(s))
                        .cleanup((wsi, j) -> cleaned(j)).build();
                try {
                    pool.get().enqueue(args, "stream");
                    accepted.incrementAndGet();
                } catch (RejectedExecutionException full) {
                    rejected.incrementAndGet();
                    c.writeText("busy");
                }
            }

            @Override
            public void onWritable(Connection c) {
                Task<?> task = ThreadPool.taskOf(c);
                if (task == null || task.status() != TaskStatus.SYNCING) {
                    return; // status() reaps an ended task
                }
                StreamJob job = (StreamJob) task.user();
                if (c.writeBinary(job.buffer.duplicate())) {
                    job.sent++;
                    streamed.incrementAndGet();
                    task.sync(false);
                } else {
                    c.callbackOnWritable();
                }
            }

            @Override
            public void onClosed(Connection c, int closeCode, String reason) {
                countClose(closeCode);
            }
        };
    }

    /** Counts the cleanup (a second one of the same task apart) and reports the count sent. */
    private void cleaned(StreamJob job) {
        if (!job.cleaned.compareAndSet(false, true)) {
            doubleCleanups.incrementAndGet();
            return;
        }
        cleanups.incrementAndGet();
        Connection c = job.connection;
        // sent is written on the service thread only; reading it there (execute) is ordered
        // after the last write.
        c.execute(() -> {
            if (c.isOpen() && !c.writeText("end " + job.sent)) {
                slowReader(c);
            }
        });
    }

    /**
     * A stream task's user object: the messages still to fill and the buffer the service
     * thread sends. The pool orders a SYNC return before the service thread's write and the
     * write's {@code sync(false)} before the next call, so the buffer needs no lock.
     */
    static final class StreamJob {
        final Connection connection;
        final int messages;
        final int size;
        final int workMillis;
        final ByteBuffer buffer;
        final AtomicBoolean cleaned = new AtomicBoolean();
        long next;
        /** Service thread only: messages written. */
        long sent;

        StreamJob(Connection connection, int messages, int size, int workMillis) {
            this.connection = connection;
            this.messages = messages;
            this.size = size;
            this.workMillis = workMillis;
            this.buffer = Wire.streamBuffer(size);
        }

        TaskReturn run(TaskStatus status) throws InterruptedException {
            if (status == TaskStatus.STOPPING) {
                return TaskReturn.STOPPED;
            }
            if (next == messages) {
                return TaskReturn.FINISHED;
            }
            if (workMillis > 0) {
                Thread.sleep(workMillis); // the blocking "work" behind each message
            }
            Wire.fillStreamMessage(buffer, next++, size);
            return TaskReturn.SYNC;
        }
    }
}
