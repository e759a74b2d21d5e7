package io.lws4j.benchmarks.servers;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.TlsContexts;
import io.lws4j.benchmarks.Wire;
import io.lws4j.threadpool.CreateArgs;
import io.lws4j.threadpool.Task;
import io.lws4j.threadpool.TaskArgs;
import io.lws4j.threadpool.TaskReturn;
import io.lws4j.threadpool.TaskStatus;
import io.lws4j.threadpool.ThreadPool;
import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;

/**
 * lws4j with its threadpool, written like the threadpool demo but sending the benchmark's
 * binary message of S bytes instead of "pos N" text (whose size is fixed): the task fills
 * the connection's buffer and returns SYNC; the service thread writes it from
 * {@code onWritable} and releases the task with {@code sync(false)}. A server without
 * {@code --threads} (0) creates no pool and only echoes. Binary messages are echoed, and
 * text that is not a start command (the idle workload's one message per connection).
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
final class Lws4jPoolServer implements BenchServer {
    /**
     * A server JVM option that sets lws4j's zlib level ({@code --server-jvm
     * -Dlws4j.bench.compressionLevel=6}: the peers' level), for the level's A/B; unset, the
     * server compresses at lws4j's default.
     */
    static final String COMPRESSION_LEVEL_PROPERTY = "lws4j.bench.compressionLevel";

    private final Context context;
    private final ThreadPool pool;

    Lws4jPoolServer(ServerOptions o) {
        // the filtering subclass is loaded only when asked for, so that the none-filter
        // server still runs against an lws4j-core without the handshake hook (ab.sh)
        this.context = contextFor(o).protocol("bench", o.filter().equals(HandshakeFilter.NONE)
                ? new Handler() : new FilteringHandler(o.filter())).build();
        this.pool = o.threads() > 0
                ? ThreadPool.create(context, new CreateArgs(o.threads(), o.queue()), "bench-pool")
                : null;
    }

    /**
     * The builder both lws4j servers share: loopback, the service threads, wss with the
     * run's key through {@link TlsContexts#fromPkcs12}, the outbound bound every stream
     * server shares ({@link Handover}; lws4j's default, spelled out), and permessage-deflate on
     * (lws4j's default, spelled out because the deflate rows rely on it; it only takes effect
     * when the client offers it).
     */
    static Context.Builder contextFor(ServerOptions o) {
        Context.Builder b = Context.builder()
                .bindAddress("127.0.0.1")
                .port(o.port())
                .serviceThreads(o.ioThreads())
                .maxOutboundBytes(Handover.HIGH_WATER)
                .permessageDeflate(true);
        Integer level = Integer.getInteger(COMPRESSION_LEVEL_PROPERTY);
        if (level != null) {
            b.compressionLevel(level); // only then, so that older cores still run (ab.sh)
        }
        if (o.tls() != null) {
            try {
                b.tls(TlsContexts.fromPkcs12(o.tls().keystore(), o.tls().password().toCharArray()));
            } catch (java.io.IOException | java.security.GeneralSecurityException e) {
                throw new IllegalStateException("cannot load " + o.tls().keystore(), e);
            }
        }
        return b;
    }

    @Override
    public int port() {
        return context.port();
    }

    /** The server's context, for probes that read its loops' internal figures. */
    Context context() {
        return context;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.close();
        }
        context.close();
    }

    /** The task's user object: the next sequence number and the message buffer it fills. */
    private static final class StreamJob {
        final int messages;
        final int size;
        final ByteBuffer buffer;
        long next;

        StreamJob(int messages, int size) {
            this.messages = messages;
            this.size = size;
            this.buffer = Wire.streamBuffer(size);
        }

        /* Worker side: fill message `next`, hand it over with SYNC. The pool orders this
         * call before the service thread's SYNCING callback and that callback before the
         * next call, so the buffer needs no lock. */
        TaskReturn run(TaskStatus status) {
            if (status == TaskStatus.STOPPING) {
                return TaskReturn.STOPPED;
            }
            if (next == messages) {
                return TaskReturn.FINISHED;
            }
            Wire.fillStreamMessage(buffer, next++, size);
            return TaskReturn.SYNC;
        }
    }

    /**
     * The handshake workload's check in lws4j's hook: the token read from the parsed
     * request's query, accepted or refused (401) at once, or decided on a
     * {@link HandshakeFilter#DECIDER_POOL} thread that completes the decision.
     */
    private final class FilteringHandler extends Handler {
        private final boolean deferred;

        FilteringHandler(String filter) {
            this.deferred = filter.equals(HandshakeFilter.DEFERRED);
        }

        @Override
        public void onHandshake(io.lws4j.Request request, io.lws4j.HandshakeDecision decision) {
            if (deferred) {
                HandshakeFilter.DECIDER_POOL.execute(() -> decide(request, decision));
            } else {
                decide(request, decision);
            }
        }

        private void decide(io.lws4j.Request request, io.lws4j.HandshakeDecision decision) {
            if (request.queryParam("token").filter(HandshakeFilter.TOKEN::equals).isPresent()) {
                decision.accept();
            } else {
                decision.refuse(401, "bad token");
            }
        }
    }

    private class Handler implements Protocol {
        @Override
        public void onText(Connection c, String text) {
            int[] cmd = Wire.parseStartCommand(text);
            if (cmd == null) {
                c.sendText(text); // any other text is echoed (the idle workload's message)
                return;
            }
            if (pool == null) {
                return;
            }
            TaskArgs<StreamJob> args = TaskArgs.builder(c, new StreamJob(cmd[0], cmd[1]),
                    (StreamJob job, TaskStatus status) -> job.run(status)).build();
            try {
                pool.enqueue(args, "stream");
            } catch (RejectedExecutionException e) {
                c.close(CloseCodes.TRY_AGAIN_LATER, "threadpool queue full");
            }
        }

        @Override
        public void onBinary(Connection c, ByteBuffer data) {
            Outbox.of(c).send(c, data, null);
        }

        @Override
        public void onWritable(Connection c) {
            Outbox.of(c).drain(c);
            @SuppressWarnings("unchecked")
            Task<StreamJob> task = (Task<StreamJob>) ThreadPool.taskOf(c);
            if (task == null) {
                return;
            }
            if (task.status() == TaskStatus.SYNCING) {
                if (c.writeBinary(task.user().buffer.duplicate())) {
                    task.sync(false);
                } else {
                    c.callbackOnWritable();
                }
            }
        }

        @Override
        public void onClosed(Connection c, int closeCode, String reason) {
            Outbox.of(c).closed();
        }
    }
}
