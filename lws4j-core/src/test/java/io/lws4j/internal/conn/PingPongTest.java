package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.internal.frame.FrameWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pings sent by hand from the service thread and from others, onPong with the round trip of
 * our own pings (matched by payload) and without it for others, onPing beside the automatic
 * pong, and a connection's own ping interval and idle timeout.
 */
class PingPongTest {
    record Pong(String payload, Duration roundTrip) {
    }

    static final class PingRecorder implements Protocol {
        final BlockingQueue<Connection> established = new LinkedBlockingQueue<>();
        final BlockingQueue<Pong> pongs = new LinkedBlockingQueue<>();
        final BlockingQueue<String> pings = new LinkedBlockingQueue<>();
        final BlockingQueue<Integer> closed = new LinkedBlockingQueue<>();
        volatile Consumer<Connection> onOpen = c -> { };

        @Override
        public void onEstablished(Connection connection) {
            onOpen.accept(connection);
            established.add(connection);
        }

        @Override
        public void onPing(Connection connection, ByteBuffer payload) {
            pings.add(StandardCharsets.UTF_8.decode(payload).toString());
        }

        @Override
        public void onPong(Connection connection, ByteBuffer payload, Duration roundTrip) {
            pongs.add(new Pong(StandardCharsets.UTF_8.decode(payload).toString(), roundTrip));
        }

        @Override
        public void onClosed(Connection connection, int closeCode, String reason) {
            closed.add(closeCode);
        }

        <T> T next(BlockingQueue<T> queue) throws InterruptedException {
            T t = queue.poll(10, TimeUnit.SECONDS);
            assertThat(t).as("an event within 10 s").isNotNull();
            return t;
        }
    }

    private final PingRecorder protocol = new PingRecorder();
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

    private static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void ourPingsPongIsMatchedByPayloadAndAnUnsolicitedPongHasNoRoundTrip() throws Exception {
        protocol.onOpen = c -> assertThat(c.writePing(utf8("first"))).isTrue();
        start();
        try (RawClient client = new RawClient(context.port())) {
            assertThat(client.handshake()).startsWith("HTTP/1.1 101");
            RawClient.Frame ping = client.readFrame();
            assertThat(ping.opcode()).isEqualTo(FrameWriter.OP_PING);
            assertThat(ping.text()).isEqualTo("first");
            client.sendFrame(FrameWriter.OP_PONG, true, "heartbeat".getBytes(StandardCharsets.UTF_8));
            client.sendFrame(FrameWriter.OP_PONG, true, ping.payload());
            Pong unsolicited = protocol.next(protocol.pongs);
            assertThat(unsolicited).isEqualTo(new Pong("heartbeat", null));
            Pong answer = protocol.next(protocol.pongs);
            assertThat(answer.payload()).isEqualTo("first");
            assertThat(answer.roundTrip()).isNotNull().isPositive();
            // answered once: the same pong again is no longer ours
            client.sendFrame(FrameWriter.OP_PONG, true, ping.payload());
            assertThat(protocol.next(protocol.pongs)).isEqualTo(new Pong("first", null));
        }
    }

    @Test
    void aPeersPingIsAnsweredAndShownToOnPing() throws Exception {
        start();
        try (RawClient client = new RawClient(context.port())) {
            assertThat(client.handshake()).startsWith("HTTP/1.1 101");
            client.sendFrame(FrameWriter.OP_PING, true, "are you there".getBytes(StandardCharsets.UTF_8));
            RawClient.Frame pong = client.readFrame();
            assertThat(pong.opcode()).isEqualTo(FrameWriter.OP_PONG);
            assertThat(pong.text()).isEqualTo("are you there");
            assertThat(protocol.next(protocol.pings)).isEqualTo("are you there");
        }
    }

    @Test
    void sendPingFromAnotherThreadReachesAJdkClientAndItsPongComesBack() throws Exception {
        start();
        JdkClient client = JdkClient.connect(context.port(), "p");
        Connection c = protocol.next(protocol.established);
        assertThat(c.inServiceThread()).isFalse();
        c.sendPing(utf8("from main")).toCompletableFuture().get(10, TimeUnit.SECONDS);
        Pong pong = protocol.next(protocol.pongs);
        assertThat(pong.payload()).isEqualTo("from main");
        assertThat(pong.roundTrip()).isNotNull();
        client.socket.sendClose(CloseCodes.NORMAL, "").get(10, TimeUnit.SECONDS);
        assertThat(protocol.next(protocol.closed)).isEqualTo(CloseCodes.NORMAL);
        // a ping to a closed connection: a failed stage, no exception in the caller
        assertThatThrownBy(() -> c.sendPing(utf8("late")).toCompletableFuture().join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(IOException.class);
    }

    @Test
    void misuseIsRefusedClearly() throws Exception {
        start();
        JdkClient.connect(context.port(), "p");
        Connection c = protocol.next(protocol.established);
        assertThatThrownBy(() -> c.sendPing(ByteBuffer.allocate(126)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("125");
        assertThatThrownBy(() -> c.writePing(ByteBuffer.allocate(1)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> c.idleTimeout(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class);
        java.util.concurrent.CompletableFuture<Throwable> onLoop = new java.util.concurrent.CompletableFuture<>();
        c.execute(() -> {
            try {
                c.pingInterval(Duration.ofSeconds(-1));
                onLoop.complete(null);
            } catch (RuntimeException e) {
                onLoop.complete(e);
            }
        });
        assertThat(onLoop.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aConnectionsOwnPingIntervalSendsPingsWhoseRoundTripIsTold() throws Exception {
        protocol.onOpen = c -> c.pingInterval(Duration.ofMillis(100));
        start(); // the context sends no pings
        JdkClient client = JdkClient.connect(context.port(), "p"); // the JDK answers pings
        Pong pong = protocol.next(protocol.pongs);
        assertThat(pong.payload()).isEmpty();
        assertThat(pong.roundTrip()).isNotNull();
        client.socket.abort();
    }

    @Test
    void aConnectionsOwnIdleTimeoutClosesItWith1001() throws Exception {
        protocol.onOpen = c -> c.idleTimeout(Duration.ofMillis(300));
        start(); // the context has no idle timeout
        try (RawClient client = new RawClient(context.port())) {
            assertThat(client.handshake()).startsWith("HTTP/1.1 101");
            RawClient.Frame close = client.readUntilClose();
            assertThat(close.closeCode()).isEqualTo(CloseCodes.GOING_AWAY);
            assertThat(new String(close.payload(), 2, close.payload().length - 2,
                    StandardCharsets.UTF_8)).isEqualTo("idle timeout");
            client.sendClose(CloseCodes.GOING_AWAY, "");
            assertThat(protocol.next(protocol.closed)).isEqualTo(CloseCodes.GOING_AWAY);
        }
    }

    @Test
    void outstandingPingsAreBoundedAndAnAnswerForgetsOlderOnes() {
        OutstandingPings pings = new OutstandingPings();
        for (int i = 0; i < OutstandingPings.MAX_OUTSTANDING + 4; i++) {
            pings.sent(utf8("p" + i), i);
        }
        assertThat(pings.size()).isEqualTo(OutstandingPings.MAX_OUTSTANDING);
        assertThat(pings.answered(utf8("p0"), 100)).as("forgotten: the oldest beyond the bound")
                .isNull();
        assertThat(pings.answered(utf8("p10"), 100)).isEqualTo(Duration.ofNanos(90));
        assertThat(pings.size()).isEqualTo(OutstandingPings.MAX_OUTSTANDING + 4 - 11);
        assertThat(pings.answered(utf8("p9"), 100)).as("older than an answered one").isNull();
    }
}
