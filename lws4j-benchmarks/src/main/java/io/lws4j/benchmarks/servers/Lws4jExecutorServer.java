package io.lws4j.benchmarks.servers;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.benchmarks.Wire;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * lws4j's server with plain {@code java.util.concurrent} instead of its threadpool: workers
 * of a bounded {@link ThreadPoolExecutor} hand each message to the connection's service
 * thread with {@link Connection#execute} and wait until it was accepted. The difference to
 * {@link Lws4jPoolServer} is what the pool adds (or costs).
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
final class Lws4jExecutorServer implements BenchServer {
    private final Context context;
    private final ThreadPoolExecutor workers;

    Lws4jExecutorServer(ServerOptions o) {
        this.workers = o.threads() > 0 ? Workers.bounded("juc-worker", o.threads(), o.queue()) : null;
        this.context = Lws4jPoolServer.contextFor(o).protocol("bench", new Handler()).build();
    }

    @Override
    public int port() {
        return context.port();
    }

    @Override
    public void close() {
        context.close();
        if (workers != null) {
            workers.shutdownNow();
        }
    }

    private final class Handler implements Protocol {
        @Override
        public void onText(Connection c, String text) {
            int[] cmd = Wire.parseStartCommand(text);
            if (cmd == null || workers == null) {
                return;
            }
            try {
                workers.execute(() -> stream(c, cmd[0], cmd[1]));
            } catch (RejectedExecutionException e) {
                c.close(CloseCodes.TRY_AGAIN_LATER, "busy");
            }
        }

        @Override
        public void onBinary(Connection c, ByteBuffer data) {
            Outbox.of(c).send(c, data, null);
        }

        @Override
        public void onWritable(Connection c) {
            Outbox.of(c).drain(c);
        }

        @Override
        public void onClosed(Connection c, int closeCode, String reason) {
            Outbox.of(c).closed();
        }
    }

    private static void stream(Connection c, int messages, int size) {
        for (int seq = 0; seq < messages; seq++) {
            ByteBuffer buf = Wire.streamBuffer(size);
            Wire.fillStreamMessage(buf, seq, size);
            CompletableFuture<Void> accepted = new CompletableFuture<>();
            if (!c.execute(() -> Outbox.of(c).send(c, buf, accepted))) {
                return;
            }
            try {
                accepted.get();
            } catch (ExecutionException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
