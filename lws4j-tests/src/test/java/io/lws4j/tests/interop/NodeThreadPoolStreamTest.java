package io.lws4j.tests.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.internal.tls.TestCertificate;
import io.lws4j.tests.support.ExternalTools;
import io.lws4j.tests.support.NodeScripts;
import io.lws4j.tests.support.ProcessRun;
import io.lws4j.threadpool.CreateArgs;
import io.lws4j.threadpool.Task;
import io.lws4j.threadpool.TaskArgs;
import io.lws4j.threadpool.TaskReturn;
import io.lws4j.threadpool.TaskStatus;
import io.lws4j.threadpool.ThreadPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The threadpool end to end with Node {@code ws} clients (node/stream-client.mjs), which offer
 * permessage-deflate, so every message also goes through the compressor: tasks stream numbered
 * messages through SYNC, each client checks every number arrives exactly once and in order,
 * and a random quarter of the clients close mid-stream. At the end every accepted task has
 * been cleaned exactly once. The same runs again over wss, deflate still required.
 */
class NodeThreadPoolStreamTest {
    private static final int MESSAGES = 400;
    private static final int CONNECTIONS = 40;

    /** The task's user object: the next number and the output handed to the service thread. */
    static final class Stream {
        int next;
        String out;
    }

    /** lws minimal-threadpool, streaming "seq N" through SYNC instead of counting. */
    static final class StreamingProtocol implements Protocol {
        volatile ThreadPool pool;
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger cleanups = new AtomicInteger();

        @Override
        public void onEstablished(Connection c) {
            TaskArgs<Stream> args = TaskArgs.builder(c, new Stream(), StreamingProtocol::step)
                    .cleanup((conn, s) -> cleanups.incrementAndGet())
                    .build();
            try {
                pool.enqueue(args, "node %s", c.remoteAddress());
                accepted.incrementAndGet();
            } catch (RejectedExecutionException e) {
                c.close(CloseCodes.TRY_AGAIN_LATER, "threadpool queue full");
            }
        }

        static TaskReturn step(Stream s, TaskStatus status) {
            if (status == TaskStatus.STOPPING) {
                return TaskReturn.STOPPED;
            }
            if (s.next == MESSAGES) {
                return TaskReturn.FINISHED;
            }
            s.out = "seq " + s.next++;
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
            } else if (status == TaskStatus.SYNCING) {
                if (c.writeText(((Stream) task.user()).out)) {
                    task.sync(false);
                } else {
                    c.callbackOnWritable(); // the same output once the buffer drains
                }
            }
        }
    }

    @Test
    void nodeClientsGetEveryMessageOnceInOrderThroughSync_withDeflate_someLeavingMidStream()
            throws Exception {
        streamThroughThePool(false);
    }

    @Test
    void nodeClientsGetEveryMessageOnceInOrderThroughSync_overWssWithDeflate_someLeavingMidStream()
            throws Exception {
        streamThroughThePool(true);
    }

    /**
     * The stream test, over wss when {@code tls}: the server then speaks TLS only and Node
     * trusts the test certificate through {@code NODE_EXTRA_CA_CERTS}, so a connection that
     * completes has crossed TLS.
     */
    private static void streamThroughThePool(boolean tls) throws Exception {
        StreamingProtocol protocol = new StreamingProtocol();
        Context.Builder builder = Context.builder().bindAddress("127.0.0.1").port(0)
                .serviceThreads(2).permessageDeflate(true).protocol("lws-minimal", protocol);
        if (tls) {
            builder.tls(TestCertificate.get().serverContext());
        }
        Context ctx = builder.build();
        try {
            protocol.pool = ThreadPool.create(ctx, new CreateArgs(3, CONNECTIONS), "node-e2e");
            List<String> command = new ArrayList<>(List.of(
                    ExternalTools.requireNode().toString(), "stream-client.mjs",
                    "--url", (tls ? "wss" : "ws") + "://127.0.0.1:" + ctx.port() + "/",
                    "--protocol", "lws-minimal",
                    "--connections", String.valueOf(CONNECTIONS), "--pattern", "^seq (\\d+)$",
                    "--expect", "0", "--min-messages", String.valueOf(MESSAGES),
                    "--close-fraction", "0.25", "--close-after-max", "200",
                    "--close-codes", "1000", "--require-extension", "permessage-deflate",
                    "--seed", "7", "--timeout", "90000"));
            Map<String, String> environment = tls
                    ? Map.of("NODE_EXTRA_CA_CERTS",
                            TestCertificate.get().certificatePem().toString())
                    : Map.of();
            ProcessRun.Result run = ProcessRun.run(command,
                    ExternalTools.requireNodeModules(NodeScripts.directory()),
                    Duration.ofSeconds(120), environment);
            assertThat(run.succeeded()).as(run::describe).isTrue();
            assertThat(run.stdout()).as(run::describe)
                    .contains("\"ok\":true")
                    .contains("\"completed\":" + CONNECTIONS);
        } finally {
            ctx.close();
        }
        assertThat(protocol.accepted.get()).isEqualTo(CONNECTIONS);
        assertThat(protocol.cleanups.get())
                .as("every accepted task cleaned exactly once after Context.close()")
                .isEqualTo(protocol.accepted.get());
    }
}
