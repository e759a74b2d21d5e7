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
import io.lws4j.internal.loop.ContextImpl;
import io.lws4j.internal.loop.ServiceLoop;
import io.lws4j.internal.tls.TestCertificate;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * Pool workers stream numbered binary messages through SYNC (written by whichever thread
 * holds the loop's role, and by borrowers after they give the role back) while each peer
 * keeps pinging without reading for a while: every frame must arrive whole, every message
 * once and in order, every pong with its ping's payload, in ping order. Over wss too, where
 * borrowers also encrypt without the role while the peer asks for TLS 1.3 key updates,
 * whose answers only the thread that wraps may send.
 */
class SyncStreamWithPingsTest {
    private static final int CONNECTIONS = 6;
    private static final int MESSAGES = 1_500;
    private static final int SIZES = 3;

    @Test
    void pongsQueuedWhileWorkersWriteNeverSplitAFrame_andEveryMessageArrivesOnceInOrder()
            throws Exception {
        streamToPeers(Context.builder(), null);
    }

    @Test
    void overWss_workersEncryptingWithoutTheRoleWhileThePeerPingsAndUpdatesKeys_everyMessageOnceInOrder()
            throws Exception {
        TestCertificate certificate = TestCertificate.get();
        long writesWithoutRole = streamToPeers(Context.builder().tls(certificate.serverContext()),
                certificate.clientContext());
        assertThat(writesWithoutRole).as("borrowers encrypted and wrote without the role")
                .isPositive();
    }

    /**
     * Streams to every peer and checks what each received.
     *
     * @param tls the peers' TLS context, null for plain ws
     * @return how many writes ran without the role, on all loops
     */
    private static long streamToPeers(Context.Builder builder, SSLContext tls) throws Exception {
        StreamingProtocol protocol = new StreamingProtocol();
        Context context = builder.bindAddress("127.0.0.1").port(0)
                .protocol("stream", protocol).build();
        ExecutorService peers = Executors.newFixedThreadPool(CONNECTIONS);
        try {
            // a worker per connection: a queued stream would wait out the others and the read timeout
            protocol.pool = ThreadPool.create(context, new CreateArgs(CONNECTIONS, 0), "pings");
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                results.add(peers.submit(() -> readStreamWithPings(context.port(), tls)));
            }
            for (Future<String> r : results) {
                assertThat(r.get(60, TimeUnit.SECONDS)).isEqualTo("ok");
            }
            return ((ContextImpl) context).loops().stream()
                    .mapToLong(ServiceLoop::writesWithoutRole).sum();
        } finally {
            peers.shutdownNow();
            context.close();
        }
    }

    /**
     * One peer: start the stream, ping every few frames (sometimes before reading on); over
     * TLS 1.3 also ask for a key update every few frames (the server must answer with its
     * own, while workers may be wrapping).
     */
    private static String readStreamWithPings(int port, SSLContext tls) throws Exception {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        SSLSocket tlsSocket = null;
        if (tls != null) {
            tlsSocket = (SSLSocket) tls.getSocketFactory().createSocket(socket, "127.0.0.1", port, true);
            tlsSocket.setEnabledProtocols(new String[] {"TLSv1.3"});
            tlsSocket.startHandshake();
            socket = tlsSocket;
        }
        try (RawClient client = new RawClient(socket, 30_000)) {
            assertThat(client.handshake()).startsWith("HTTP/1.1 101");
            client.sendText("go");
            int expected = 0;
            int pingsSent = 0;
            int pongsSeen = 0;
            int keyUpdates = 0;
            while (expected < MESSAGES) {
                if (expected % 97 == 0 && pingsSent <= expected / 97) {
                    client.sendFrame(FrameWriter.OP_PING, true, intBytes(pingsSent++));
                }
                if (tlsSocket != null && expected % 89 == 0 && keyUpdates <= expected / 89) {
                    tlsSocket.startHandshake(); // TLS 1.3: a KeyUpdate that asks for the peer's
                    keyUpdates++;
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
