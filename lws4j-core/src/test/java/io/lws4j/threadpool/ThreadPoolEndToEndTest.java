package io.lws4j.threadpool;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.internal.loop.ContextImpl;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The threadpool on the real service loops, driven by JDK {@link HttpClient} websockets on
 * loopback: tasks stream numbered messages through SYNC; clients check that every message
 * arrives exactly once and in order; some clients close mid-stream. The loops' no-block
 * watchdog must show no stalled cycle while the tasks run.
 */
class ThreadPoolEndToEndTest {
    private static final int MESSAGES = 300;

    /** The task's user object: the next position and the output handed to the service thread. */
    static final class Stream {
        int next;
        String out;
    }

    /** The lws minimal-threadpool protocol, streaming instead of counting to ten million. */
    static class StreamingProtocol implements Protocol {
        volatile ThreadPool pool;
        final AtomicInteger enqueued = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        final AtomicInteger cleanups = new AtomicInteger();
        final AtomicInteger cleanupsWithConnection = new AtomicInteger();
        final AtomicInteger busyWrites = new AtomicInteger();

        @Override
        public void onEstablished(Connection c) {
            TaskArgs<Stream> args = TaskArgs.builder(c, new Stream(), StreamingProtocol::step)
                    .cleanup((conn, s) -> {
                        cleanups.incrementAndGet();
                        if (conn != null) {
                            cleanupsWithConnection.incrementAndGet();
                        }
                    })
                    .build();
            try {
                pool.enqueue(args, "ws %s", c.remoteAddress());
                enqueued.incrementAndGet();
            } catch (RejectedExecutionException e) {
                refused.incrementAndGet();
                c.close(io.lws4j.CloseCodes.TRY_AGAIN_LATER, "busy");
            }
        }

        static TaskReturn step(Stream s, TaskStatus status) {
            if (status == TaskStatus.STOPPING) {
                return TaskReturn.STOPPED;
            }
            if (s.next == MESSAGES) {
                return TaskReturn.FINISHED;
            }
            s.out = "msg " + s.next++;
            return TaskReturn.SYNC;
        }

        @Override
        public void onWritable(Connection c) {
            Task<?> task = ThreadPool.taskOf(c);
            if (task == null) {
                return;
            }
            TaskStatus status = task.status();
            if (status.isTerminal()) {
                c.close(io.lws4j.CloseCodes.NORMAL, "done");
                return;
            }
            if (status != TaskStatus.SYNCING) {
                return;
            }
            Stream s = (Stream) task.user();
            if (c.writeText(s.out)) {
                task.sync(false);
            } else {
                busyWrites.incrementAndGet();
                c.callbackOnWritable(); // the same output, once the buffer drains
            }
        }
    }

    /** Collects a client's text messages; may close after a given count. */
    static final class Client implements WebSocket.Listener {
        final List<String> received = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final int closeAfter;
        StringBuilder partial = new StringBuilder();

        Client(int closeAfter) {
            this.closeAfter = closeAfter;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(partial.toString());
                partial = new StringBuilder();
                if (received.size() == closeAfter) {
                    ws.sendClose(WebSocket.NORMAL_CLOSURE, "enough");
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }

    @Test
    void tasksStreamThroughSyncToRealClients_everyMessageOnceInOrder_someClientsLeaveMidStream()
            throws Exception {
        StreamingProtocol protocol = new StreamingProtocol();
        Context ctx = Context.builder().bindAddress("127.0.0.1").port(0).serviceThreads(2)
                .protocol("lws-minimal", protocol).build();
        ThreadPool pool;
        long start = System.nanoTime();
        int clients = 16;
        List<Client> all = new ArrayList<>();
        try {
            pool = ThreadPool.create(ctx, new CreateArgs(3, 32), "e2e");
            protocol.pool = pool;
            ContextImpl impl = (ContextImpl) ctx;
            impl.resetLoopWorkNanos();
            HttpClient http = HttpClient.newHttpClient();
            Random random = new Random(42);
            List<CompletableFuture<WebSocket>> sockets = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int closeAfter = i % 4 == 0 ? 1 + random.nextInt(MESSAGES - 1) : -1;
                Client client = new Client(closeAfter);
                all.add(client);
                sockets.add(http.newWebSocketBuilder().subprotocols("lws-minimal")
                        .buildAsync(URI.create("ws://127.0.0.1:" + ctx.port() + "/"), client));
            }
            for (CompletableFuture<WebSocket> s : sockets) {
                s.get(10, TimeUnit.SECONDS);
            }
            for (Client c : all) {
                c.closed.get(60, TimeUnit.SECONDS);
            }
            long watchdog = impl.maxLoopWorkNanos();
            double seconds = (System.nanoTime() - start) / 1e9;
            int delivered = all.stream().mapToInt(c -> c.received.size()).sum();
            System.out.printf("e2e: %d clients, %d SYNC messages delivered in %.2f s (%.0f msg/s);"
                            + " longest loop cycle %.2f ms; busy writes %d%n", clients, delivered,
                    seconds, delivered / seconds, watchdog / 1e6, protocol.busyWrites.get());
            assertThat(watchdog).as("a service loop cycle stalled")
                    .isLessThan(PoolTestSupport.LOOP_STALL.toNanos());
            for (Client c : all) {
                assertNumberedInOrderEachOnce(c.received);
                if (c.closeAfter < 0) {
                    assertThat(c.received).hasSize(MESSAGES);
                } else {
                    assertThat(c.received.size()).isGreaterThanOrEqualTo(c.closeAfter);
                }
            }
            assertThat(protocol.refused.get()).isZero();
        } finally {
            ctx.close();
        }
        assertThat(pool.isTerminated()).as("the context closed the pool").isTrue();
        assertThat(protocol.cleanups.get()).isEqualTo(protocol.enqueued.get()).isEqualTo(clients);
        assertThat(protocol.cleanupsWithConnection.get()).isGreaterThanOrEqualTo(clients * 3 / 4);
        assertThat(pool.diagnose().doneUnreaped()).isZero();
    }

    @Test
    void contextCloseEndsRunningAndSyncingTasks_everyCleanupOnce_andTheLoopNeverBlocks() throws Exception {
        StreamingProtocol protocol = new StreamingProtocol() {
            @Override
            public void onWritable(Connection c) {
                // never acknowledges: every task stays SYNCING until the context closes
            }
        };
        Context ctx = Context.builder().bindAddress("127.0.0.1").port(0)
                .protocol("lws-minimal", protocol).build();
        ThreadPool pool = ThreadPool.create(ctx, new CreateArgs(2, 4), "closing");
        protocol.pool = pool;
        HttpClient http = HttpClient.newHttpClient();
        List<Client> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Client client = new Client(-1);
            all.add(client);
            http.newWebSocketBuilder().subprotocols("lws-minimal")
                    .buildAsync(URI.create("ws://127.0.0.1:" + ctx.port() + "/"), client)
                    .get(10, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pool.diagnose().syncWaits() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(pool.diagnose().ongoing()).isEqualTo(2);
        assertThat(pool.diagnose().queueDepth()).isEqualTo(3);
        long start = System.nanoTime();
        ctx.close();
        long took = System.nanoTime() - start;
        System.out.printf("e2e: context close with 2 syncing + 3 queued tasks took %.1f ms%n", took / 1e6);
        assertThat(Duration.ofNanos(took)).isLessThan(Duration.ofSeconds(10));
        assertThat(pool.isTerminated()).isTrue();
        assertThat(protocol.cleanups.get()).isEqualTo(protocol.enqueued.get()).isEqualTo(5);
    }

    /** The messages are "msg 0", "msg 1", ...: each once, in order, with no gap. */
    static void assertNumberedInOrderEachOnce(List<String> received) {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < received.size(); i++) {
            expected.add("msg " + i);
        }
        assertThat(received).as("in order, each once").isEqualTo(expected);
    }
}
