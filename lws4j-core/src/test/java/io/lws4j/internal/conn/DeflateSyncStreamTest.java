package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.internal.deflate.DeflateParams;
import io.lws4j.internal.deflate.PerMessageDeflate;
import io.lws4j.internal.frame.FrameReader;
import io.lws4j.internal.frame.FrameWriter;
import io.lws4j.internal.frame.MessageSink;
import io.lws4j.internal.frame.ProtocolException;
import io.lws4j.threadpool.CreateArgs;
import io.lws4j.threadpool.Task;
import io.lws4j.threadpool.TaskArgs;
import io.lws4j.threadpool.TaskReturn;
import io.lws4j.threadpool.TaskStatus;
import io.lws4j.threadpool.ThreadPool;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * permessage-deflate with pool workers streaming through SYNC on one loop, lending on (the
 * default): a worker that borrows the loop's role queues its message uncompressed and
 * compresses it after giving the role back, at the same time as the other workers. With
 * context takeover on, every message's frame refers to the window all earlier messages
 * left, so the peer's inflater breaks on any reordered, skipped, doubled or torn message
 * (the small messages, under the default compression threshold, go uncompressed between
 * them and must leave the window alone);
 * the peer also pings, so pongs are queued between the data frames meanwhile.
 */
class DeflateSyncStreamTest {
    private static final int CONNECTIONS = 4;
    private static final int MESSAGES = 1_200;
    private static final int SIZES = 3;

    @Test
    void workersCompressWithoutTheRole_everyMessageInflatesOnceInOrderWithTheSharedWindow_whilePeersPing()
            throws Exception {
        assertThat(streamToPingingPeers(true, "deflate-sync"))
                .as("messages compressed by borrowers after giving the role back").isPositive();
    }

    /**
     * With lending off no worker ever holds the loop's role, so every SYNC is answered on
     * the loop's thread; the loop hands the write of each answered message to the worker it
     * releases, which compresses it itself. Messages taken without the role can only come
     * from those handed writes here.
     */
    @Test
    void syncsAnsweredOnTheLoop_handTheirMessagesToTheWorkers_everyMessageInflatesOnceInOrder()
            throws Exception {
        assertThat(streamToPingingPeers(false, "deflate-handed"))
                .as("messages compressed by the workers their writes were handed to").isPositive();
    }

    /**
     * Streams to {@link #CONNECTIONS} pinging peers, each of which checks every message.
     *
     * @return how many messages were compressed without the loop's role
     */
    private static long streamToPingingPeers(boolean lendIdleLoops, String poolName)
            throws Exception {
        StreamingProtocol protocol = new StreamingProtocol(MESSAGES, DeflateSyncStreamTest::sizeOf);
        Context context = Context.builder().bindAddress("127.0.0.1").port(0)
                .lendIdleLoops(lendIdleLoops).protocol("stream", protocol).build();
        ExecutorService peers = Executors.newFixedThreadPool(CONNECTIONS);
        try {
            protocol.pool = ThreadPool.create(context, new CreateArgs(CONNECTIONS, 0), poolName);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                results.add(peers.submit(() -> readStreamWithPings(context.port())));
            }
            for (Future<String> r : results) {
                assertThat(r.get(90, TimeUnit.SECONDS)).isEqualTo("ok");
            }
            protocol.awaitClosed(CONNECTIONS);
            return protocol.takenWithoutRole.get();
        } finally {
            peers.shutdownNow();
            context.close();
        }
    }

    /**
     * Peers reset their connections while workers stream 64 KiB messages, so closes land
     * while a borrower compresses without the role (rounds repeat, a bounded number of
     * times, until that happened at least once: the borrower then freed the deflater).
     * Every connection is closed once, every deflater ends freed, and the server streams
     * intact to a new peer afterwards.
     */
    @Test
    void resetsWhileWorkersCompressWithoutTheRole_closeEachConnectionOnceAndFreeEveryDeflater()
            throws Exception {
        int resetsPerRound = 24;
        int maxRounds = 8;
        StreamingProtocol protocol = new StreamingProtocol(Integer.MAX_VALUE, seq -> 64 * 1024);
        Context context = Context.builder().bindAddress("127.0.0.1").port(0)
                .protocol("stream", protocol).build();
        ExecutorService peers = Executors.newFixedThreadPool(CONNECTIONS);
        try {
            protocol.pool = ThreadPool.create(context,
                    new CreateArgs(CONNECTIONS, resetsPerRound + 1), "deflate-reset");
            int resets = 0;
            for (int round = 0; round < maxRounds && protocol.freedByBorrowers() == 0; round++) {
                List<Future<Integer>> results = new ArrayList<>();
                for (int i = 0; i < resetsPerRound; i++) {
                    int messagesBeforeReset = 1 + i % 9;
                    results.add(peers.submit(() -> readThenReset(context.port(), messagesBeforeReset)));
                }
                for (Future<Integer> r : results) {
                    assertThat(r.get(60, TimeUnit.SECONDS)).isPositive();
                }
                resets += resetsPerRound;
                protocol.awaitClosed(resets);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!protocol.allDeflatersFreed() && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(protocol.codecs.values()).as("every deflater freed")
                        .allMatch(PerMessageDeflate::isDeflaterFreed);
            }
            assertThat(protocol.closedCounts.values()).as("onClosed once per connection")
                    .allMatch(n -> n.get() == 1).hasSize(resets);
            assertThat(protocol.freedByBorrowers())
                    .as("closes that landed during a compression without the role, in %d resets",
                            resets).isPositive();

            StreamingProtocol.Limit limit = protocol.limitNextTo(300);
            assertThat(peers.submit(() -> readStreamWithPings(context.port(), 300,
                    seq -> 64 * 1024)).get(60, TimeUnit.SECONDS)).isEqualTo("ok");
            assertThat(limit.used()).isTrue();
        } finally {
            peers.shutdownNow();
            context.close();
        }
    }

    private static String readStreamWithPings(int port) throws Exception {
        return readStreamWithPings(port, MESSAGES, DeflateSyncStreamTest::sizeOf);
    }

    /** One peer: start the stream, inflate and check every message, ping every few. */
    private static String readStreamWithPings(int port, int messages,
            java.util.function.IntUnaryOperator sizes) throws Exception {
        PerMessageDeflate codec = PerMessageDeflate.create(new DeflateParams(false, false, 0), false, 0);
        try (RawClient client = new RawClient(port, 30_000)) {
            startCompressedStream(client);
            Inbox inbox = new Inbox();
            FrameReader reader = new FrameReader(inbox, 1 << 20, false, codec.inflater());
            DataInputStream in = new DataInputStream(client.input());
            int expected = 0;
            int pingsSent = 0;
            int pongsSeen = 0;
            while (expected < messages || pongsSeen < pingsSent) {
                if (expected % 97 == 0 && pingsSent <= expected / 97 && expected < messages) {
                    client.sendFrame(FrameWriter.OP_PING, true, intBytes(pingsSent++));
                }
                byte[] frame;
                try {
                    frame = readRawFrame(in);
                } catch (java.net.SocketTimeoutException e) {
                    return "stalled before message " + expected;
                }
                int opcode = frame[0] & 0x0f;
                if (opcode == FrameWriter.OP_BINARY) {
                    // under the default threshold a message skips the compressor, and the
                    // shared window must stay right for the compressed ones around it
                    boolean overThreshold = sizes.applyAsInt(expected) >= Context.DEFAULT_COMPRESSION_THRESHOLD;
                    assertThat((frame[0] & 0x40) != 0).as("RSV1 of message %d (%d bytes)", expected,
                            sizes.applyAsInt(expected)).isEqualTo(overThreshold);
                }
                reader.read(ByteBuffer.wrap(frame));
                Object event;
                while ((event = inbox.events.poll()) != null) {
                    if (event instanceof Integer pong) {
                        assertThat(pong).as("pong order").isEqualTo(pongsSeen++);
                        continue;
                    }
                    ByteBuffer m = ByteBuffer.wrap((byte[]) event);
                    assertThat(m.remaining()).as("length of %d", expected)
                            .isEqualTo(sizes.applyAsInt(expected));
                    assertThat(m.getInt()).as("sequence").isEqualTo(expected);
                    for (int i = 4; m.hasRemaining(); i++) {
                        assertThat(m.get()).as("byte %d of %d", i, expected)
                                .isEqualTo(fill(expected, i));
                    }
                    expected++;
                }
            }
            client.sendClose(CloseCodes.NORMAL, "");
            return "ok";
        } catch (ProtocolException e) {
            throw new AssertionError("the peer's inflater broke: a message is out of order, "
                    + "missing, doubled or torn", e);
        } finally {
            codec.release();
        }
    }

    /** One peer: read some messages (not checked: tested above), then reset the connection. */
    private static int readThenReset(int port, int messages) throws Exception {
        RawClient client = new RawClient(port, 30_000);
        try {
            startCompressedStream(client);
            DataInputStream in = new DataInputStream(client.input());
            int seen = 0;
            while (seen < messages) {
                if ((readRawFrame(in)[0] & 0x0f) == FrameWriter.OP_BINARY) {
                    seen++;
                }
            }
            return seen;
        } finally {
            client.abort();
        }
    }

    private static void startCompressedStream(RawClient client) throws IOException {
        client.send(RawClient.upgradeRequest("Sec-WebSocket-Extensions: permessage-deflate\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        String head = client.readHead();
        assertThat(head).startsWith("HTTP/1.1 101").contains("permessage-deflate")
                .doesNotContain("no_context_takeover");
        client.sendText("go");
    }

    /** One whole frame as it came off the wire (the server's frames are unmasked). */
    private static byte[] readRawFrame(DataInputStream in) throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        int header = 2;
        long len = b1 & 0x7f;
        byte[] ext = new byte[0];
        if (len == 126) {
            ext = new byte[2];
            in.readFully(ext);
            len = ByteBuffer.wrap(ext).getShort() & 0xffff;
        } else if (len == 127) {
            ext = new byte[8];
            in.readFully(ext);
            len = ByteBuffer.wrap(ext).getLong();
        }
        header += ext.length;
        byte[] frame = new byte[header + Math.toIntExact(len)];
        frame[0] = (byte) b0;
        frame[1] = (byte) b1;
        System.arraycopy(ext, 0, frame, 2, ext.length);
        in.readFully(frame, header, frame.length - header);
        return frame;
    }

    /** Small, medium and large messages in turn. */
    private static int sizeOf(int seq) {
        return switch (seq % SIZES) {
            case 0 -> 32;
            case 1 -> 3_000;
            default -> 20_000;
        };
    }

    /** Compressible, and different for every message, so a mix-up shows in the bytes. */
    private static byte fill(int seq, int index) {
        return (byte) ('a' + (seq * 7 + index / 5) % 26);
    }

    private static byte[] intBytes(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    /** What the peer's reader decoded: message bytes, and pong sequence numbers. */
    private static final class Inbox implements MessageSink {
        final ArrayDeque<Object> events = new ArrayDeque<>();

        @Override
        public void onText(String text) {
            events.add(text.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void onBinary(ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            events.add(b);
        }

        @Override
        public void onPing(ByteBuffer payload) {
        }

        @Override
        public void onPong(ByteBuffer payload) {
            events.add(payload.getInt());
        }

        @Override
        public void onClose(int code, String reason) {
        }
    }

    /** A task's state: one buffer reused for every message (writeBinary copies it). */
    private static final class Job {
        final java.util.function.IntUnaryOperator sizes;
        final int messages;
        final ByteBuffer buffer;
        int next;

        Job(int messages, java.util.function.IntUnaryOperator sizes) {
            this.messages = messages;
            this.sizes = sizes;
            this.buffer = ByteBuffer.allocate(64 * 1024);
        }

        TaskReturn run(TaskStatus status) {
            if (status == TaskStatus.STOPPING) {
                return TaskReturn.STOPPED;
            }
            if (next == messages) {
                return TaskReturn.FINISHED;
            }
            buffer.clear();
            buffer.putInt(next);
            for (int i = 4; i < sizes.applyAsInt(next); i++) {
                buffer.put(fill(next, i));
            }
            buffer.flip();
            next++;
            return TaskReturn.SYNC;
        }
    }

    private static final class StreamingProtocol implements Protocol {
        /** Caps the stream of the next connection (the others run until their peer resets). */
        static final class Limit {
            final int messages;
            volatile boolean used;

            Limit(int messages) {
                this.messages = messages;
            }

            boolean used() {
                return used;
            }
        }

        final int messages;
        final java.util.function.IntUnaryOperator sizes;
        volatile ThreadPool pool;
        volatile Limit limit;
        final AtomicLong takenWithoutRole = new AtomicLong();
        final AtomicInteger closed = new AtomicInteger();
        final Map<Connection, AtomicInteger> closedCounts = new ConcurrentHashMap<>();
        final Map<Connection, PerMessageDeflate> codecs = new ConcurrentHashMap<>();

        StreamingProtocol(int messages, java.util.function.IntUnaryOperator sizes) {
            this.messages = messages;
            this.sizes = sizes;
        }

        Limit limitNextTo(int n) {
            limit = new Limit(n);
            return limit;
        }

        @Override
        public void onEstablished(Connection c) {
            PerMessageDeflate codec = ((ConnectionImpl) c).permessageDeflate();
            assertThat(codec).isNotNull();
            codecs.put(c, codec);
        }

        @Override
        public void onText(Connection c, String text) {
            int n = messages;
            Limit l = limit;
            if (l != null) {
                limit = null;
                l.used = true;
                n = l.messages;
            }
            pool.enqueue(TaskArgs.builder(c, new Job(n, sizes), (Job j, TaskStatus s) -> j.run(s))
                    .build(), "stream");
        }

        @Override
        public void onWritable(Connection c) {
            @SuppressWarnings("unchecked")
            Task<Job> task = (Task<Job>) ThreadPool.taskOf(c);
            if (task != null && task.status() == TaskStatus.SYNCING) {
                if (c.writeBinary(task.user().buffer)) {
                    task.sync(false);
                } else {
                    c.callbackOnWritable();
                }
            }
        }

        @Override
        public void onClosed(Connection c, int code, String reason) {
            takenWithoutRole.addAndGet(((ConnectionImpl) c).messagesTakenWithoutRole());
            closedCounts.computeIfAbsent(c, k -> new AtomicInteger()).incrementAndGet();
            synchronized (this) {
                closed.incrementAndGet();
                notifyAll();
            }
        }

        synchronized void awaitClosed(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (closed.get() < n) {
                long left = deadline - System.nanoTime();
                assertThat(left).as("%d of %d connections closed", closed.get(), n).isPositive();
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        long freedByBorrowers() {
            return codecs.values().stream().filter(PerMessageDeflate::wasFreedByBorrower).count();
        }

        boolean allDeflatersFreed() {
            return codecs.values().stream().allMatch(PerMessageDeflate::isDeflaterFreed);
        }
    }
}
