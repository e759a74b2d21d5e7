package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.internal.frame.FrameWriter;
import io.lws4j.threadpool.CreateArgs;
import io.lws4j.threadpool.Task;
import io.lws4j.threadpool.TaskArgs;
import io.lws4j.threadpool.TaskReturn;
import io.lws4j.threadpool.TaskStatus;
import io.lws4j.threadpool.ThreadPool;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Pool workers stream numbered binary messages through SYNC (written by whichever thread
 * holds the loop's role, and by borrowers after they give the role back) while each peer
 * keeps pinging without reading for a while: every frame must arrive whole, every message
 * once and in order, every pong with its ping's payload, in ping order.
 */
class SyncStreamWithPingsTest {
    private static final int CONNECTIONS = 6;
    private static final int MESSAGES = 1_500;
    private static final int SIZES = 3;

    @Test
    void pongsQueuedWhileWorkersWriteNeverSplitAFrame_andEveryMessageArrivesOnceInOrder()
            throws Exception {
        StreamingProtocol protocol = new StreamingProtocol();
        Context context = Context.builder().bindAddress("127.0.0.1").port(0)
                .protocol("stream", protocol).build();
        ExecutorService peers = Executors.newFixedThreadPool(CONNECTIONS);
        try {
            // a worker per connection: a queued stream would wait out the others and the read timeout
            protocol.pool = ThreadPool.create(context, new CreateArgs(CONNECTIONS, 0), "pings");
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                results.add(peers.submit(() -> readStreamWithPings(context.port())));
            }
            for (Future<String> r : results) {
                assertThat(r.get(60, TimeUnit.SECONDS)).isEqualTo("ok");
            }
        } finally {
            peers.shutdownNow();
            context.close();
        }
    }

    /** One peer: start the stream, ping every few frames (sometimes before reading on). */
    private static String readStreamWithPings(int port) throws Exception {
        try (RawClient client = new RawClient(port, 30_000)) {
            assertThat(client.handshake()).startsWith("HTTP/1.1 101");
            client.sendText("go");
            int expected = 0;
            int pingsSent = 0;
            int pongsSeen = 0;
            while (expected < MESSAGES) {
                if (expected % 97 == 0 && pingsSent <= expected / 97) {
                    client.sendFrame(FrameWriter.OP_PING, true, intBytes(pingsSent++));
                }
                RawClient.Frame f;
                try {
                    f = client.readFrame();
                } catch (java.net.SocketTimeoutException e) {
                    return "stalled before message " + expected + " (pings " + pingsSent
                            + ", pongs " + pongsSeen + ")";
                }
                if (f.opcode() == FrameWriter.OP_PONG) {
                    assertThat(ByteBuffer.wrap(f.payload()).getInt()).as("pong order")
                            .isEqualTo(pongsSeen++);
                    continue;
                }
                assertThat(f.opcode()).as("frame %d", expected).isEqualTo(FrameWriter.OP_BINARY);
                assertThat(f.fin()).isTrue();
                ByteBuffer m = ByteBuffer.wrap(f.payload());
                assertThat(m.remaining()).isEqualTo(sizeOf(expected));
                assertThat(m.getInt()).as("sequence").isEqualTo(expected);
                while (m.hasRemaining()) {
                    assertThat(m.get()).as("filler of %d", expected).isEqualTo((byte) expected);
                }
                expected++;
            }
            while (pongsSeen < pingsSent) {
                RawClient.Frame f = client.readFrame();
                assertThat(f.opcode()).isEqualTo(FrameWriter.OP_PONG);
                assertThat(ByteBuffer.wrap(f.payload()).getInt()).isEqualTo(pongsSeen++);
            }
            return "ok";
        }
    }

    /** Small, medium (direct-write size) and large messages in turn. */
    private static int sizeOf(int seq) {
        return switch (seq % SIZES) {
            case 0 -> 32;
            case 1 -> 3_000;
            default -> 20_000;
        };
    }

    private static byte[] intBytes(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    private static final class Job {
        final ByteBuffer buffer = ByteBuffer.allocate(20_000);
        int next;

        TaskReturn run(TaskStatus status) {
            if (status == TaskStatus.STOPPING) {
                return TaskReturn.STOPPED;
            }
            if (next == MESSAGES) {
                return TaskReturn.FINISHED;
            }
            buffer.clear();
            buffer.putInt(next);
            while (buffer.position() < sizeOf(next)) {
                buffer.put((byte) next);
            }
            buffer.flip();
            next++;
            return TaskReturn.SYNC;
        }
    }

    private static final class StreamingProtocol implements Protocol {
        volatile ThreadPool pool;

        @Override
        public void onText(Connection c, String text) {
            pool.enqueue(TaskArgs.builder(c, new Job(), (Job j, TaskStatus s) -> j.run(s))
                    .build(), "stream");
        }

        @Override
        public void onWritable(Connection c) {
            @SuppressWarnings("unchecked")
            Task<Job> task = (Task<Job>) ThreadPool.taskOf(c);
            if (task != null && task.status() == TaskStatus.SYNCING) {
                if (c.writeBinary(task.user().buffer.duplicate())) {
                    task.sync(false);
                } else {
                    c.callbackOnWritable();
                }
            }
        }
    }
}
