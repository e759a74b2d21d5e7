package io.lws4j.threadpool;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.client.ClientOptions;
import io.lws4j.client.WebSocketClient;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A loop idle in select lends its role to the worker whose task returned SYNC, so
 * {@link Protocol#onWritable} runs on that worker. An interrupt that callback leaves on its
 * thread belongs to the callback, not to the task: it must not reach the task function's
 * next call (where a {@code Thread.sleep} would throw at once), just as it must not reach
 * the loop's own select.
 */
class InterruptInLentRoleTest {
    private static final int MESSAGES = 300;

    /** The task's user object; written by the worker, read by onWritable with the role. */
    static final class Stream {
        volatile Thread worker;
        int next;
        String out;
    }

    static final class InterruptingProtocol implements Protocol {
        volatile ThreadPool pool;
        final AtomicInteger interruptsOnWorker = new AtomicInteger();
        final AtomicInteger interruptsSeenByTask = new AtomicInteger();

        @Override
        public void onEstablished(Connection c) {
            pool.enqueue(TaskArgs.builder(c, new Stream(), this::step).build(), "stream");
        }

        TaskReturn step(Stream s, TaskStatus status) {
            s.worker = Thread.currentThread();
            if (Thread.interrupted()) {
                interruptsSeenByTask.incrementAndGet();
            }
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
                c.close(CloseCodes.NORMAL, "done");
                return;
            }
            if (status != TaskStatus.SYNCING) {
                return;
            }
            Stream s = (Stream) task.user();
            if (Thread.currentThread() == s.worker) {
                // the callback swallowed an InterruptedException the usual way
                interruptsOnWorker.incrementAndGet();
                Thread.currentThread().interrupt();
            }
            if (c.writeText(s.out)) {
                task.sync(false);
            } else {
                c.callbackOnWritable();
            }
        }
    }

    @Test
    void anInterruptLeftByOnWritableOnALentWorkerDoesNotReachTheTaskFunction() throws Exception {
        InterruptingProtocol protocol = new InterruptingProtocol();
        Context server = Context.builder().bindAddress("127.0.0.1").port(0).serviceThreads(1)
                .protocol("lws-minimal", protocol).build();
        Context clients = Context.builder().noListener().serviceThreads(1).build();
        try {
            protocol.pool = ThreadPool.create(server, new CreateArgs(1, 4), "interrupt-lent");
            ThreadPoolOverTlsTest.Receiver receiver = new ThreadPoolOverTlsTest.Receiver(-1);
            WebSocketClient.connect(clients, ClientOptions.builder(
                    URI.create("ws://127.0.0.1:" + server.port() + "/"), receiver)
                    .subprotocols("lws-minimal").build()).get(10, TimeUnit.SECONDS);
            assertThat(receiver.closed.get(60, TimeUnit.SECONDS)).isEqualTo(CloseCodes.NORMAL);
            assertThat(receiver.received).hasSize(MESSAGES);
            assertThat(protocol.interruptsOnWorker.get())
                    .as("onWritable calls that ran on the task's own worker (lent role)")
                    .isPositive();
            assertThat(protocol.interruptsSeenByTask.get())
                    .as("task calls that found an interrupt left by a lent onWritable")
                    .isZero();
        } finally {
            clients.close();
            server.close();
        }
    }
}
