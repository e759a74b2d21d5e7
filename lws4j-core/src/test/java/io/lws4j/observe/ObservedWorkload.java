package io.lws4j.observe;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.threadpool.CreateArgs;
import io.lws4j.threadpool.Task;
import io.lws4j.threadpool.TaskArgs;
import io.lws4j.threadpool.TaskReturn;
import io.lws4j.threadpool.TaskStatus;
import io.lws4j.threadpool.ThreadPool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A context and pool that the observability tests watch: each client on {@code /stream}
 * sends "go", and a task then streams {@code messages} numbered texts through SYNC, parks at
 * {@link #gate} after the first {@code beforeGate} of them, sleeps {@link #TASK_TAIL} and
 * finishes; the protocol then closes the connection with 1000. A client on {@code /burst}
 * gets a burst of writes that overflows the outbound bound (slow consumer).
 */
final class ObservedWorkload implements AutoCloseable {
    static final Duration TASK_TAIL = Duration.ofMillis(30);
    static final int BURST_WRITES = 20;
    static final int BURST_BYTES = 1000;

    final Context context;
    final ThreadPool pool;
    final int messages;
    final int beforeGate;
    final CountDownLatch gate = new CountDownLatch(1);
    final CountDownLatch atGate;
    final AtomicInteger burstAccepted = new AtomicInteger();
    private final HttpClient http = HttpClient.newHttpClient();

    /** The task's user object. */
    static final class Stream {
        int next;
        String out;
    }

    ObservedWorkload(Context.Builder builder, String poolName, int clients, int messages,
            int beforeGate) {
        this.messages = messages;
        this.beforeGate = beforeGate;
        this.atGate = new CountDownLatch(clients);
        StreamProtocol stream = new StreamProtocol();
        this.context = builder.bindAddress("127.0.0.1").port(0).serviceThreads(2)
                .maxOutboundBytes(1024)
                .protocol("observed", stream).bindPath("/stream", "observed")
                .protocol("burst", new BurstProtocol()).bindPath("/burst", "burst")
                .build();
        this.pool = ThreadPool.create(context, new CreateArgs(clients, clients), "%s", poolName);
        stream.pool = pool;
    }

    private TaskReturn step(Stream s, TaskStatus status) throws InterruptedException {
        if (status == TaskStatus.STOPPING) {
            return TaskReturn.STOPPED;
        }
        if (s.next == beforeGate) {
            atGate.countDown();
            if (!gate.await(60, TimeUnit.SECONDS)) {
                return TaskReturn.STOPPED;
            }
        }
        if (s.next == messages) {
            Thread.sleep(TASK_TAIL.toMillis());
            return TaskReturn.FINISHED;
        }
        s.out = "msg " + s.next++;
        return TaskReturn.SYNC;
    }

    /** Streams through the pool once the client says "go". */
    private final class StreamProtocol implements Protocol {
        volatile ThreadPool pool;

        @Override
        public void onText(Connection c, String text) {
            pool.enqueue(TaskArgs.builder(c, new Stream(), ObservedWorkload.this::step).build(),
                    "observed %s", c.remoteAddress());
        }

        @Override
        public void onWritable(Connection c) {
            Task<?> task = ThreadPool.taskOf(c);
            if (task == null) {
                return;
            }
            TaskStatus status = task.status();
            if (status.isTerminal()) {
                c.close(CloseCodes.NORMAL, "done");
                return;
            }
            if (status == TaskStatus.SYNCING) {
                if (c.writeText(((Stream) task.user()).out)) {
                    task.sync(false);
                } else {
                    c.callbackOnWritable();
                }
            }
        }
    }

    /** Writes a burst larger than the outbound bound in one callback, then closes. */
    private final class BurstProtocol implements Protocol {
        @Override
        public void onText(Connection c, String text) {
            for (int i = 0; i < BURST_WRITES; i++) {
                if (c.writeBinary(ByteBuffer.allocate(BURST_BYTES))) {
                    burstAccepted.incrementAndGet();
                }
            }
            c.close(CloseCodes.NORMAL, "burst sent");
        }
    }

    /** A client that collects texts and the close code. */
    static final class Client implements WebSocket.Listener {
        final List<String> texts = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial = new StringBuilder();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "");
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }

    /** Opens a client on {@code path} and sends "go". */
    Client open(String path) {
        Client client = new Client();
        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + context.port() + path), client)
                .orTimeout(30, TimeUnit.SECONDS).join();
        ws.sendText("go", true).orTimeout(30, TimeUnit.SECONDS).join();
        return client;
    }

    /**
     * Tries an upgrade to a path nothing is bound to.
     *
     * @return true when it was refused, as it must be
     */
    boolean upgradeToNowhereRefused() {
        try {
            http.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + context.port() + "/nowhere"),
                            new Client())
                    .orTimeout(30, TimeUnit.SECONDS).join();
            return false;
        } catch (CompletionException e) {
            return true;
        }
    }

    /** Blocks one service loop for {@code millis}: a stall the loop's watchdog sees. */
    void stallLoop(long millis) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        context.execute(() -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                done.countDown();
            }
        });
        if (!done.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the stalling command did not run");
        }
    }

    @Override
    public void close() {
        gate.countDown();
        context.close();
    }
}
