package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.internal.frame.FrameWriter;
import io.lws4j.internal.loop.ContextImpl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flow control, timers, shutdown, static files and load, through real sockets. */
class ServerLifecycleTest {

    private final RecordingProtocol protocol = new RecordingProtocol();
    private Context context;

    private Context start(Context.Builder builder) {
        context = builder.bindAddress("127.0.0.1").port(0).protocol("echo", protocol).build();
        return context;
    }

    @AfterEach
    void closeContext() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void writesAreRefusedAtTheBoundAndOnWritableResumesOnlyAfterThePeerDrains() throws Exception {
        start(Context.builder().maxOutboundBytes(64 * 1024));
        String chunk = "x".repeat(8 * 1024);
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean finish = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.function.Consumer<Connection> flood = c -> {
            if (finish.get()) {
                assertThat(c.writeText("done")).isTrue();
                return;
            }
            while (c.writeText(chunk)) {
                accepted.incrementAndGet();
            }
            refused.incrementAndGet();
            c.callbackOnWritable();
            c.callbackOnWritable(); // coalesces with the first
        };
        protocol.textHandler = (c, text) -> flood.accept(c);
        protocol.writableHandler = flood;
        try (RawClient client = new RawClient(context.port())) {
            client.setReceiveBuffer(16 * 1024);
            client.handshake();
            client.sendText("flood");
            // the peer does not read: once the kernel buffers are full the server stalls
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int last = -1;
            while (protocol.onWritableCalls.get() != last) {
                assertThat(System.nanoTime()).as("server stalls").isLessThan(deadline);
                last = protocol.onWritableCalls.get();
                Thread.sleep(300);
            }
            assertThat(refused.get()).isEqualTo(last + 1); // every refusal asked for a callback
            finish.set(true);
            int frames = 0;
            while (true) {
                RawClient.Frame f = client.readFrame();
                if (f.text().equals("done")) {
                    break;
                }
                assertThat(f.payload()).hasSize(chunk.length());
                frames++;
            }
            assertThat(frames).isEqualTo(accepted.get());
            assertThat(protocol.onWritableCalls).hasValue(last + 1);
        }
    }

    @Test
    void callbackOnWritableWithNothingQueuedCallsBackAtOnce() throws Exception {
        start(Context.builder());
        protocol.textHandler = (c, text) -> c.callbackOnWritable();
        protocol.writableHandler = c -> c.writeText("writable");
        try (RawClient client = new RawClient(context.port())) {
            client.handshake();
            client.sendText("ask");
            assertThat(client.readFrame().text()).isEqualTo("writable");
        }
    }

    @Test
    void setTimeoutExpiryClosesWith1008AndZeroCancels() throws Exception {
        start(Context.builder());
        protocol.textHandler = (c, text) -> {
            switch (text) {
                case "arm" -> c.setTimeout(Duration.ofMillis(150));
                case "cancel" -> c.setTimeout(Duration.ZERO);
                default -> c.writeText(text);
            }
        };
        try (RawClient client = new RawClient(context.port())) {
            client.handshake();
            client.sendText("arm");
            client.sendText("cancel");
            Thread.sleep(300); // past the first deadline: the cancel must have held
            client.sendText("still open");
            assertThat(client.readFrame().text()).isEqualTo("still open");
            client.sendText("arm");
            RawClient.Frame close = client.readUntilClose();
            assertThat(close.closeCode()).isEqualTo(CloseCodes.POLICY_VIOLATION);
            assertThat(new String(close.payload(), 2, close.payload().length - 2,
                    StandardCharsets.UTF_8)).isEqualTo("timeout");
            client.sendClose(CloseCodes.POLICY_VIOLATION, "");
            assertThat(client.isClosedByServer()).isTrue();
        }
        assertThat(protocol.awaitClosed().code()).isEqualTo(CloseCodes.POLICY_VIOLATION);
    }

    @Test
    void contextCloseSends1001RunsHooksThenCloseablesThenDestroy() throws Exception {
        start(Context.builder().serviceThreads(2));
        List<String> order = new CopyOnWriteArrayList<>();
        List<JdkClient> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(JdkClient.connect(context.port(), null));
        }
        for (int i = 0; i < 4; i++) {
            ConnectionInternals c = (ConnectionInternals) protocol.awaitEstablished();
            assertThat(c.addCloseHook(() -> order.add("hook"))).isTrue();
        }
        ContextImpl impl = (ContextImpl) context;
        assertThat(impl.addCloseable(() -> order.add("closeable"))).isTrue();
        protocol.events.clear();
        context.close();
        assertThat(context.isClosed()).isTrue();
        for (JdkClient client : clients) {
            assertThat(client.awaitClose().code()).isEqualTo(CloseCodes.GOING_AWAY);
        }
        assertThat(protocol.closed).hasSize(4).allMatch(c -> c.code() == CloseCodes.GOING_AWAY);
        assertThat(order.subList(0, 4)).containsOnly("hook");
        assertThat(order).hasSize(5).endsWith("closeable");
        assertThat(protocol.events).endsWith("destroy");
        assertThat(impl.addCloseable(() -> { })).isFalse();
        assertThat(context.execute(() -> { })).isFalse();
        context.close(); // idempotent
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            assertThat(t.getName()).as("loop threads joined").doesNotStartWith("lws4j-service");
        }
    }

    @Test
    void contextCloseDropsAPeerThatNeverAnswersItsCloseWithinTheGrace() throws Exception {
        start(Context.builder());
        try (RawClient client = new RawClient(context.port())) {
            client.handshake();
            protocol.awaitEstablished();
            long t0 = System.nanoTime();
            context.close(); // the raw client never answers the close frame
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(tookMillis).isLessThan(8_000);
            assertThat(client.readUntilClose().closeCode()).isEqualTo(CloseCodes.GOING_AWAY);
            assertThat(client.isClosedByServer()).isTrue();
            RecordingProtocol.Closed closed = protocol.awaitClosed();
            assertThat(closed.code()).isEqualTo(CloseCodes.GOING_AWAY);
            assertThat(protocol.events).endsWith("closed 1001", "destroy");
        }
    }

    @Test
    void contextCloseFromAServiceThreadDoesNotDeadlock() throws Exception {
        start(Context.builder());
        JdkClient client = JdkClient.connect(context.port(), null);
        protocol.textHandler = (c, text) -> c.context().close();
        client.socket.sendText("close the server", true);
        assertThat(client.awaitClose().code()).isEqualTo(CloseCodes.GOING_AWAY);
        assertThat(protocol.awaitClosed().code()).isEqualTo(CloseCodes.GOING_AWAY);
        context.close(); // from the test thread: waits for the sequence the service thread began
        assertThat(protocol.events).endsWith("destroy");
    }

    @Test
    void closeCalledAgainFromOnDestroyAndFromACloseableDoesNotDeadlock() throws Exception {
        RecordingProtocol reentrant = new RecordingProtocol() {
            @Override
            public void onDestroy(Context ctx) {
                ctx.close();
                super.onDestroy(ctx);
            }
        };
        Context ctx = Context.builder().bindAddress("127.0.0.1").port(0).protocol("r", reentrant).build();
        ((ContextImpl) ctx).addCloseable(ctx::close);
        Thread closing = new Thread(ctx::close);
        closing.start();
        closing.join(10_000);
        assertThat(closing.isAlive()).as("close() returned").isFalse();
        assertThat(reentrant.events).endsWith("destroy");
    }

    @Test
    void scheduleRunsOnTheServiceThreadAndCancelPreventsIt() throws Exception {
        start(Context.builder());
        CompletableFuture<Boolean> ran = new CompletableFuture<>();
        AtomicInteger cancelledRuns = new AtomicInteger();
        context.schedule(Duration.ofMillis(300), cancelledRuns::incrementAndGet).cancel();
        context.schedule(Duration.ofMillis(50), () -> ran.complete(Thread.currentThread().getName()
                .startsWith("lws4j-service-")));
        assertThat(ran.get(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(400);
        assertThat(cancelledRuns).hasValue(0);
    }

    @Test
    void staticFileIsServedWithKeepAliveThenTheConnectionUpgrades(@TempDir Path root) throws Exception {
        byte[] page = ("<html>" + "lws4j ".repeat(100_000) + "</html>").getBytes(StandardCharsets.UTF_8);
        Files.write(root.resolve("index.html"), page);
        start(Context.builder().mount("/", root));
        try (RawClient client = new RawClient(context.port())) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String head = client.readHead();
            assertThat(head).startsWith("HTTP/1.1 200").contains("Content-Length: " + page.length);
            assertThat(client.readBytes(page.length)).isEqualTo(page);
            // the same connection takes a websocket upgrade afterwards
            assertThat(client.handshake()).startsWith("HTTP/1.1 101");
            client.sendText("after http");
            assertThat(client.readFrame().text()).isEqualTo("after http");
        }
    }

    @Test
    void handshakeTimeoutDropsASilentClient() throws Exception {
        start(Context.builder().handshakeTimeout(Duration.ofMillis(200)));
        try (RawClient client = new RawClient(context.port())) {
            client.send("GET / HT".getBytes(StandardCharsets.US_ASCII));
            assertThat(client.isClosedByServer()).isTrue();
        }
    }

    @Test
    void pingIntervalPingsAQuietPeerAndIdleTimeoutClosesIt() throws Exception {
        start(Context.builder().pingInterval(Duration.ofMillis(100)).idleTimeout(Duration.ofMillis(600)));
        try (RawClient client = new RawClient(context.port())) {
            client.handshake();
            RawClient.Frame ping = client.readFrame();
            assertThat(ping.opcode()).isEqualTo(FrameWriter.OP_PING);
            // never answering: the idle timeout closes with 1001
            RawClient.Frame close = client.readUntilClose();
            assertThat(close.closeCode()).isEqualTo(CloseCodes.GOING_AWAY);
        }
    }

    @Test
    void aPeerFloodingPingsWithoutReadingIsNotReadFurther() throws Exception {
        start(Context.builder());
        try (RawClient client = new RawClient(context.port())) {
            client.setReceiveBuffer(4 * 1024);
            client.handshake();
            Connection c = protocol.awaitEstablished();
            byte[] payload = new byte[125];
            // far more pong bytes than the control bound plus socket buffers can hold
            byte[] ping = FrameWriter.encodeMasked(FrameWriter.OP_PING, true,
                    java.nio.ByteBuffer.wrap(payload), 7).array();
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < 200_000; i++) {
                        client.send(ping);
                    }
                } catch (IOException expected) {
                    // the socket is closed when the test ends
                }
            });
            writer.setDaemon(true);
            writer.start();
            writer.join(1_500);
            assertThat(writer.isAlive()).as("the writer is blocked: the server stopped reading").isTrue();
            assertThat(c.isOpen()).isTrue();
        }
    }

    @Test
    void thousandConcurrentConnectionsOnOneLoopEcho() throws Exception {
        start(Context.builder());
        ContextImpl impl = (ContextImpl) context;
        impl.resetLoopWorkNanos();
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 1000; i++) {
                RawClient client = new RawClient(context.port());
                clients.add(client);
                client.send(RawClient.upgradeRequest("").getBytes(StandardCharsets.US_ASCII));
            }
            for (RawClient client : clients) {
                assertThat(client.readHead()).startsWith("HTTP/1.1 101");
            }
            for (int i = 0; i < clients.size(); i++) {
                clients.get(i).sendText("n" + i);
            }
            for (int i = 0; i < clients.size(); i++) {
                assertThat(clients.get(i).readFrame().text()).isEqualTo("n" + i);
            }
            assertThat(impl.loops().get(0).connectionCount()).isEqualTo(1000);
            // no-block watchdog: no loop cycle stalled while the workload ran. One cycle may
            // serve all 1000 handshakes at once, on a shared 2-core machine: the bound is
            // generous, but a blocking call (a sleep, a blocking socket op) would still show
            assertThat(impl.maxLoopWorkNanos()).isLessThan(TimeUnit.SECONDS.toNanos(5));
        } finally {
            for (RawClient client : clients) {
                client.close();
            }
        }
    }
}
