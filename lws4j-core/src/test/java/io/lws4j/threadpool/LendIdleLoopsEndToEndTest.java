package io.lws4j.threadpool;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.client.ClientOptions;
import io.lws4j.client.WebSocketClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * {@link Context.Builder#lendIdleLoops(boolean)} end to end: threadpool tasks stream
 * numbered messages through SYNC to our own clients on loopback, and the server's
 * {@link Protocol#onWritable} records the thread it ran on. Lent (the default), some calls
 * run on pool workers, always holding the loop's role; not lent, every call runs on a
 * service loop's own thread. Either way every message arrives once and in order.
 * permessage-deflate is on (both defaults), so each connection's deflater is used from
 * whichever thread holds the role.
 */
class LendIdleLoopsEndToEndTest {
    private static final int MESSAGES = 2_000;
    private static final int CONNECTIONS = 4;
    private static final String POOL_NAME = "lend-e2e";

    /** The task's user object: the next position and the output for onWritable. */
    static final class Stream {
        int next;
        String out;
    }

    /** Streams MESSAGES numbered texts per connection; counts onWritable calls by thread name. */
    static final class RecordingProtocol implements Protocol {
        volatile ThreadPool pool;
        final Map<String, LongAdder> onWritableByThread = new ConcurrentHashMap<>();
        final AtomicInteger outsideServiceRole = new AtomicInteger();
        final AtomicInteger cleanups = new AtomicInteger();

        @Override
        public void onEstablished(Connection c) {
            TaskArgs<Stream> args = TaskArgs.builder(c, new Stream(), RecordingProtocol::step)
                    .cleanup((conn, s) -> cleanups.incrementAndGet())
                    .build();
            pool.enqueue(args, "stream %s", c.remoteAddress());
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
            onWritableByThread.computeIfAbsent(Thread.currentThread().getName(),
                    name -> new LongAdder()).increment();
            if (!c.inServiceThread()) {
                outsideServiceRole.incrementAndGet();
            }
            Task<?> task = ThreadPool.taskOf(c);
            if (task == null) {
                return;
            }
            TaskStatus status = task.status();
            if (status.isTerminal()) {
                c.close(CloseCodes.NORMAL, "done");
                return;
            }
            if (status != TaskStatus.SYNCING) {
                return;
            }
            Stream s = (Stream) task.user();
            if (c.writeText(s.out)) {
                task.sync(false);
            } else {
                c.callbackOnWritable(); // the same output, once the buffer drains
            }
        }
    }

    @Test
    void lentIdleLoops_everyMessageOnceInOrder_someOnWritableOnPoolWorkersAlwaysHoldingTheRole()
            throws Exception {
        RecordingProtocol protocol = stream(true);
        long onWorkers = protocol.onWritableByThread.entrySet().stream()
                .filter(e -> e.getKey().startsWith(POOL_NAME + "-"))
                .mapToLong(e -> e.getValue().sum()).sum();
        assertThat(onWorkers).as("onWritable calls on pool workers, by thread: %s",
                protocol.onWritableByThread).isPositive();
        assertThat(protocol.onWritableByThread.keySet())
                .as("only the server's loops and the pool's workers call onWritable")
                .allMatch(name -> name.startsWith("lws4j-service-")
                        || name.startsWith(POOL_NAME + "-"));
        assertThat(protocol.outsideServiceRole.get())
                .as("onWritable calls where Connection.inServiceThread() was false").isZero();
    }

    @Test
    void unlentLoops_everyMessageOnceInOrder_everyOnWritableOnAServiceLoopThread()
            throws Exception {
        RecordingProtocol protocol = stream(false);
        assertThat(protocol.onWritableByThread).isNotEmpty();
        assertThat(protocol.onWritableByThread.keySet())
                .as("threads that ran onWritable")
                .allMatch(name -> name.startsWith("lws4j-service-"));
        assertThat(protocol.outsideServiceRole.get()).isZero();
    }

    /**
     * The public contract (Protocol, Context.Builder#lendIdleLoops) says a loop lends its role
     * only to a threadpool worker whose task returned SYNC or ended. {@code Task.sync(true)} on
     * a queued task ends it from whatever thread calls it; that thread must post the reaping
     * to the loop, not borrow the idle loop and run {@code onWritable} nested inside its own
     * {@code sync(true)} call (which it did before the fix).
     */
    @Test
    void stoppingAQueuedTaskFromAUserThreadRunsItsOnWritableOnALoopOrAWorker_neverOnTheCaller()
            throws Exception {
        CountDownLatch releaseFirst = new CountDownLatch(1);
        List<Task<?>> tasks = new CopyOnWriteArrayList<>();
        Map<String, String> onWritableThreadByTask = new ConcurrentHashMap<>();
        Protocol protocol = new Protocol() {
            volatile ThreadPool pool;

            @Override
            public void onInit(Context ctx) {
                pool = ThreadPool.create(ctx, new CreateArgs(1, 4), POOL_NAME);
            }

            @Override
            public void onEstablished(Connection c) {
                int index = tasks.size();
                TaskArgs<Object> args = TaskArgs.builder(c, new Object(), (u, status) -> {
                    if (status == TaskStatus.RUNNING && index == 0) {
                        awaitQuietly(releaseFirst); // holds the only worker: task 1 queues
                    }
                    return TaskReturn.FINISHED;
                }).build();
                tasks.add(pool.enqueue(args, "task %d", index));
            }

            @Override
            public void onWritable(Connection c) {
                Task<?> task = ThreadPool.taskOf(c);
                if (task == null) {
                    return;
                }
                onWritableThreadByTask.putIfAbsent(task.name(), Thread.currentThread().getName());
                if (task.status().isTerminal()) {
                    c.close(CloseCodes.NORMAL, "done");
                }
            }
        };
        Context server = Context.builder().bindAddress("127.0.0.1").port(0).serviceThreads(1)
                .protocol("lws-minimal", protocol).build();
        Context clients = Context.builder().noListener().serviceThreads(1).build();
        try {
            List<ThreadPoolOverTlsTest.Receiver> receivers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                ThreadPoolOverTlsTest.Receiver receiver = new ThreadPoolOverTlsTest.Receiver(-1);
                receivers.add(receiver);
                WebSocketClient.connect(clients, ClientOptions.builder(
                        URI.create("ws://127.0.0.1:" + server.port() + "/"), receiver)
                        .subprotocols("lws-minimal").build()).get(10, TimeUnit.SECONDS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (tasks.size() <= i) {
                    assertThat(System.nanoTime()).isLessThan(deadline);
                    Thread.sleep(1);
                }
            }
            assertThat(tasks.get(1).statusNoReap()).isEqualTo(TaskStatus.QUEUED);
            Thread.sleep(100); // not a timing goal: lets the loop settle into select
            tasks.get(1).sync(true);
            assertThat(receivers.get(1).closed.get(10, TimeUnit.SECONDS))
                    .isEqualTo(CloseCodes.NORMAL);
            assertThat(onWritableThreadByTask.get("task 1"))
                    .as("the thread that ran the stopped queued task's onWritable")
                    .isNotEqualTo(Thread.currentThread().getName())
                    .matches(name -> name.startsWith("lws4j-service-")
                            || name.startsWith(POOL_NAME + "-"));
        } finally {
            releaseFirst.countDown();
            clients.close();
            server.close();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            // the test releases it; the bound only keeps a failing test from hanging
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Streams to CONNECTIONS clients of our own on a server context with the given lending,
     * checks every client got every message once and in order, and closes both contexts.
     */
    private static RecordingProtocol stream(boolean lend) throws Exception {
        RecordingProtocol protocol = new RecordingProtocol();
        Context server = Context.builder().bindAddress("127.0.0.1").port(0).serviceThreads(2)
                .lendIdleLoops(lend).protocol("lws-minimal", protocol).build();
        Context clients = Context.builder().noListener().serviceThreads(1).build();
        ThreadPool pool;
        List<ThreadPoolOverTlsTest.Receiver> receivers = new ArrayList<>();
        try {
            pool = ThreadPool.create(server, new CreateArgs(3, 16), POOL_NAME);
            protocol.pool = pool;
            List<CompletableFuture<Connection>> connections = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                ThreadPoolOverTlsTest.Receiver receiver = new ThreadPoolOverTlsTest.Receiver(-1);
                receivers.add(receiver);
                connections.add(WebSocketClient.connect(clients, ClientOptions.builder(
                        URI.create("ws://127.0.0.1:" + server.port() + "/"), receiver)
                        .subprotocols("lws-minimal").build()));
            }
            for (CompletableFuture<Connection> c : connections) {
                c.get(10, TimeUnit.SECONDS);
            }
            for (ThreadPoolOverTlsTest.Receiver r : receivers) {
                assertThat(r.closed.get(60, TimeUnit.SECONDS)).isEqualTo(CloseCodes.NORMAL);
            }
            for (ThreadPoolOverTlsTest.Receiver r : receivers) {
                ThreadPoolEndToEndTest.assertNumberedInOrderEachOnce(r.received);
                assertThat(r.received).hasSize(MESSAGES);
                // so the server's deflater, too, is used from whichever thread holds the role
                assertThat(r.compressing.get(10, TimeUnit.SECONDS))
                        .as("permessage-deflate negotiated").isTrue();
            }
        } finally {
            clients.close();
            server.close();
        }
        assertThat(pool.isTerminated()).isTrue();
        assertThat(protocol.cleanups.get()).isEqualTo(CONNECTIONS);
        System.out.printf("lend-e2e: lendIdleLoops(%s), onWritable calls by thread: %s%n", lend,
                new java.util.TreeMap<>(protocol.onWritableByThread));
        return protocol;
    }
}
