package io.lws4j.threadpool;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.client.ClientOptions;
import io.lws4j.client.WebSocketClient;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link VirtualMachineErrorOnWorkerTest} on a real service loop that lends its role
 * ({@code lendIdleLoops(true)}): a task streams numbered messages through SYNC to our own
 * client, and the first {@code onWritable} that runs on a pool worker (which borrowed the
 * idle loop's role for its SYNC) throws a {@link StackOverflowError}. The task must still
 * end {@link TaskStatus#STOPPED}, be reaped and cleaned once, its connection closed by the
 * protocol, the error must end that worker, and the loop (its role given back) must serve a
 * second connection's whole stream.
 */
class VirtualMachineErrorOnLentLoopTest {
    private static final int MESSAGES = 2_000;

    /** The task's user object: the next position and the output for onWritable. */
    static final class Stream {
        int next;
        String out;
    }

    static final class ThrowOnceOnAWorker implements Protocol {
        final StackOverflowError error =
                new StackOverflowError("simulated, in onWritable on a pool worker");
        final AtomicBoolean thrown = new AtomicBoolean();
        final AtomicInteger cleanups = new AtomicInteger();
        final List<Task<Stream>> tasks = new CopyOnWriteArrayList<>();
        volatile ThreadPool pool;

        @Override
        public void onEstablished(Connection c) {
            TaskArgs<Stream> args = TaskArgs.builder(c, new Stream(), ThrowOnceOnAWorker::step)
                    .cleanup((conn, s) -> cleanups.incrementAndGet())
                    .build();
            tasks.add(pool.enqueue(args, "stream %d", tasks.size()));
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
            if (pool.workerThreads().contains(Thread.currentThread())
                    && thrown.compareAndSet(false, true)) {
                throw error;
            }
            TaskStatus status = task.status();
            if (status.isTerminal()) {
                c.close(CloseCodes.NORMAL, status.name());
                return;
            }
            if (status != TaskStatus.SYNCING) {
                return;
            }
            Stream s = (Stream) task.user();
            if (c.writeText(s.out)) {
                task.sync(false);
            } else {
                c.callbackOnWritable();
            }
        }
    }

    @Test
    void onWritableThrowsOnABorrowingWorker_taskStoppedAndCleaned_loopServesTheNextStream()
            throws Exception {
        ThrowOnceOnAWorker protocol = new ThrowOnceOnAWorker();
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        Context server = Context.builder().bindAddress("127.0.0.1").port(0).serviceThreads(1)
                .lendIdleLoops(true).protocol("lws-minimal", protocol).build();
        Context clients = Context.builder().noListener().serviceThreads(1).build();
        ThreadPool pool;
        try {
            pool = ThreadPool.create(server, new CreateArgs(2, 4).withThreadFactory(r -> {
                Thread t = new Thread(r);
                t.setDaemon(true);
                t.setUncaughtExceptionHandler((th, e) -> uncaught.add(e));
                return t;
            }), "vme-lent");
            protocol.pool = pool;
            ThreadPoolOverTlsTest.Receiver first = connect(clients, server);
            assertThat(first.closed.get(20, TimeUnit.SECONDS))
                    .as("the protocol closed the first connection once its task was reaped")
                    .isEqualTo(CloseCodes.NORMAL);
            assertThat(protocol.thrown.get()).as("an onWritable ran on a pool worker").isTrue();
            Task<Stream> failed = protocol.tasks.get(0);
            assertThat(failed.statusNoReap()).isEqualTo(TaskStatus.STOPPED);
            assertThat(failed.failure()).isSameAs(protocol.error);
            assertThat(first.received.size()).isLessThan(MESSAGES);
            ThreadPoolEndToEndTest.assertNumberedInOrderEachOnce(first.received);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!uncaught.contains(protocol.error)) {
                assertThat(System.nanoTime()).as("the error ended the worker").isLessThan(deadline);
                Thread.sleep(1);
            }

            ThreadPoolOverTlsTest.Receiver second = connect(clients, server);
            assertThat(second.closed.get(60, TimeUnit.SECONDS)).isEqualTo(CloseCodes.NORMAL);
            assertThat(second.received).hasSize(MESSAGES);
            ThreadPoolEndToEndTest.assertNumberedInOrderEachOnce(second.received);
            assertThat(protocol.tasks.get(1).statusNoReap()).isEqualTo(TaskStatus.FINISHED);
            assertThat(protocol.cleanups.get()).isEqualTo(2);
            Diagnosis d = pool.diagnose();
            assertThat(d.ongoing()).isZero();
            assertThat(d.possible()).isEqualTo(1);
            assertThat(d.doneUnreaped()).isZero();
        } finally {
            clients.close();
            server.close();
        }
        assertThat(pool.isTerminated()).isTrue();
        assertThat(protocol.cleanups.get()).isEqualTo(2);
        assertThat(uncaught).containsExactly(protocol.error);
    }

    private static ThreadPoolOverTlsTest.Receiver connect(Context clients, Context server)
            throws Exception {
        ThreadPoolOverTlsTest.Receiver receiver = new ThreadPoolOverTlsTest.Receiver(-1);
        WebSocketClient.connect(clients, ClientOptions.builder(
                URI.create("ws://127.0.0.1:" + server.port() + "/"), receiver)
                .subprotocols("lws-minimal").build()).get(10, TimeUnit.SECONDS);
        return receiver;
    }
}
