package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.internal.frame.FrameWriter;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Inbound flow control: a pause holds every later message back (even those already read),
 * the resume delivers them in order, TCP backpressure reaches the peer while paused, and a
 * paused connection is still closed by its idle timeout and answers a peer's close once
 * resumed.
 */
class PauseReadingTest {
    static class Recorder implements Protocol {
        final BlockingQueue<Connection> established = new LinkedBlockingQueue<>();
        final List<String> texts = new CopyOnWriteArrayList<>();
        final AtomicLong binaryBytes = new AtomicLong();
        final BlockingQueue<Integer> closed = new LinkedBlockingQueue<>();
        volatile Consumer<Connection> onOpen = c -> { };

        @Override
        public void onEstablished(Connection connection) {
            onOpen.accept(connection);
            established.add(connection);
        }

        @Override
        public void onText(Connection connection, String text) {
            texts.add(text);
            if (text.equals("pause")) {
                connection.pauseReading();
                assertThat(connection.isReadingPaused()).isTrue();
            }
        }

        @Override
        public void onBinary(Connection connection, ByteBuffer data) {
            binaryBytes.addAndGet(data.remaining());
        }

        @Override
        public void onClosed(Connection connection, int closeCode, String reason) {
            closed.add(closeCode);
        }

        final Connection awaitEstablished() throws InterruptedException {
            Connection c = established.poll(10, TimeUnit.SECONDS);
            assertThat(c).as("established within 10 s").isNotNull();
            return c;
        }

        int awaitClosed() throws InterruptedException {
            Integer code = closed.poll(10, TimeUnit.SECONDS);
            assertThat(code).as("closed within 10 s").isNotNull();
            return code;
        }
    }

    private final Recorder protocol = new Recorder();
    private Context context;

    @AfterEach
    void closeContext() {
        if (context != null) {
            context.close();
        }
    }

    private void start() {
        context = Context.builder().bindAddress("127.0.0.1").port(0).protocol("p", protocol)
                .build();
    }

    private static byte[] maskedText(String text) {
        ByteBuffer f = FrameWriter.encodeMasked(FrameWriter.OP_TEXT, true,
                ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0x11223344);
        byte[] b = new byte[f.remaining()];
        f.get(b);
        return b;
    }

    private static void awaitCondition(java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as(what + " within 20 s").isNegative();
            Thread.sleep(10);
        }
    }

    @Test
    void aPauseInACallbackHoldsMessagesAlreadyReadUntilAResumeFromAnotherThread()
            throws Exception {
        start();
        try (RawClient client = new RawClient(context.port())) {
            assertThat(client.handshake()).startsWith("HTTP/1.1 101");
            Connection c = protocol.awaitEstablished();
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            for (String s : new String[] {"pause", "a", "b", "c"}) {
                burst.writeBytes(maskedText(s));
            }
            client.send(burst.toByteArray()); // one write: most likely one read on the server
            awaitCondition(() -> !protocol.texts.isEmpty(), "the first message");
            Thread.sleep(300); // would the held messages leak out meanwhile?
            assertThat(protocol.texts).containsExactly("pause");
            assertThat(c.isReadingPaused()).isTrue();
            c.resumeReading();
            awaitCondition(() -> protocol.texts.size() == 4, "the held messages");
            assertThat(protocol.texts).containsExactly("pause", "a", "b", "c");
            assertThat(c.isReadingPaused()).isFalse();
        }
    }

    @Test
    void aJdkClientsMessagesArriveInOrderAcrossPausesResumedFromAnotherThread()
            throws Exception {
        java.util.concurrent.ScheduledExecutorService resumer =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        Protocol pausing = new Recorder() {
            @Override
            public void onText(Connection connection, String text) {
                super.onText(connection, text);
                if (text.endsWith("0")) { // every tenth message pauses for a while
                    connection.pauseReading();
                    resumer.schedule(connection::resumeReading, 50, TimeUnit.MILLISECONDS);
                }
                connection.writeText(text);
            }
        };
        context = Context.builder().bindAddress("127.0.0.1").port(0).protocol("p", pausing)
                .build();
        try {
            JdkClient client = JdkClient.connect(context.port(), "p");
            for (int i = 1; i <= 100; i++) {
                client.socket.sendText("m" + i, true).get(10, TimeUnit.SECONDS);
            }
            for (int i = 1; i <= 100; i++) {
                assertThat(client.nextMessage()).isEqualTo("m" + i);
            }
            client.socket.sendClose(CloseCodes.NORMAL, "").get(10, TimeUnit.SECONDS);
            assertThat(client.awaitClose().code()).isEqualTo(CloseCodes.NORMAL);
        } finally {
            resumer.shutdownNow();
        }
    }

    @Test
    void whilePausedTcpBackpressureStopsTheSenderAndTheResumeLetsAllThrough() throws Exception {
        protocol.onOpen = Connection::pauseReading;
        start();
        final int frameBytes = 64 * 1024;
        final long total = 64L * 1024 * 1024; // far beyond any socket buffers
        AtomicLong sent = new AtomicLong();
        try (RawClient client = new RawClient(context.port(), 60_000)) {
            assertThat(client.handshake()).startsWith("HTTP/1.1 101");
            Connection c = protocol.awaitEstablished();
            ByteBuffer f = FrameWriter.encodeMasked(FrameWriter.OP_BINARY, true,
                    ByteBuffer.allocate(frameBytes), 0);
            byte[] frame = new byte[f.remaining()];
            f.get(frame);
            Thread writer = new Thread(() -> {
                try {
                    while (sent.get() < total) {
                        client.send(frame);
                        sent.addAndGet(frameBytes);
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, "pause-test-writer");
            writer.setDaemon(true);
            writer.start();
            // the writer stalls: no progress for a whole second, far from done
            long last = -1;
            while (sent.get() != last) {
                last = sent.get();
                Thread.sleep(1000);
            }
            assertThat(last).as("the sender is held back by TCP").isLessThan(total);
            assertThat(protocol.binaryBytes.get()).as("nothing delivered while paused").isZero();
            c.resumeReading();
            writer.join(60_000);
            assertThat(writer.isAlive()).isFalse();
            awaitCondition(() -> protocol.binaryBytes.get() == total, "every byte after the resume");
        }
    }

    @Test
    void aConnectionPausedForeverIsClosedByItsIdleTimeout() throws Exception {
        protocol.onOpen = c -> {
            c.pauseReading();
            c.idleTimeout(Duration.ofMillis(500));
        };
        start();
        try (RawClient client = new RawClient(context.port())) {
            assertThat(client.handshake()).startsWith("HTTP/1.1 101");
            client.sendText("never delivered");
            RawClient.Frame close = client.readUntilClose();
            assertThat(close.closeCode()).isEqualTo(CloseCodes.GOING_AWAY);
            client.sendClose(CloseCodes.GOING_AWAY, "");
            assertThat(protocol.awaitClosed()).isEqualTo(CloseCodes.GOING_AWAY);
            assertThat(client.isClosedByServer()).isTrue();
        }
        assertThat(protocol.texts).isEmpty();
    }

    @Test
    void aPeersCloseWhilePausedIsAnsweredOnceResumed() throws Exception {
        protocol.onOpen = Connection::pauseReading;
        start();
        try (RawClient client = new RawClient(context.port())) {
            assertThat(client.handshake()).startsWith("HTTP/1.1 101");
            Connection c = protocol.awaitEstablished();
            client.sendText("first");
            client.sendClose(CloseCodes.NORMAL, "bye");
            assertThat(protocol.closed.poll(300, TimeUnit.MILLISECONDS)).as("held while paused")
                    .isNull();
            assertThat(c.isOpen()).isTrue();
            c.resumeReading();
            assertThat(client.readUntilClose().closeCode()).isEqualTo(CloseCodes.NORMAL);
            assertThat(protocol.awaitClosed()).isEqualTo(CloseCodes.NORMAL);
        }
        assertThat(protocol.texts).containsExactly("first");
    }
}
