package io.lws4j.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Cancelling the connect future aborts the attempt and never leaves a connection open. */
class ClientConnectCancelTest {

    /** Records every callback the client side sees. */
    static final class RecordingProtocol implements Protocol {
        final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
        final AtomicInteger established = new AtomicInteger();
        final AtomicInteger closedGoingAway = new AtomicInteger();

        @Override
        public void onEstablished(Connection c) {
            established.incrementAndGet();
            events.add("established");
        }

        @Override
        public void onClosed(Connection c, int closeCode, String reason) {
            if (closeCode == CloseCodes.GOING_AWAY) {
                closedGoingAway.incrementAndGet();
            }
            events.add("closed " + closeCode);
        }
    }

    private Context clients;
    private Context server;

    @AfterEach
    void closeContexts() {
        if (clients != null) {
            clients.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void cancellingDuringTheHandshakeClosesTheSocketAndRunsNoCallback() throws Exception {
        clients = Context.builder().noListener().build();
        RecordingProtocol protocol = new RecordingProtocol();
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            listener.setSoTimeout(10_000);
            ClientOptions options = ClientOptions.builder(
                    URI.create("ws://127.0.0.1:" + listener.getLocalPort() + "/"), protocol)
                    .handshakeTimeout(Duration.ofMinutes(5)) // only the cancel can end it
                    .build();
            CompletableFuture<Connection> future = WebSocketClient.connect(clients, options);
            try (Socket peer = listener.accept()) {
                peer.setSoTimeout(10_000);
                InputStream in = peer.getInputStream();
                readRequestHead(in); // the client is now waiting for our 101, which never comes

                assertThat(future.cancel(false)).isTrue();

                assertThat(in.read()).as("the client closed its socket").isEqualTo(-1);
            }
            assertThat(future).isCancelled();
            assertThat(protocol.events).as("no callback for a connection never established")
                    .isEmpty();
        }
    }

    @Test
    void cancellingRightAfterConnectLeavesNoSocketOpen() throws Exception {
        clients = Context.builder().noListener().build();
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            ClientOptions options = ClientOptions.builder(
                    URI.create("ws://127.0.0.1:" + listener.getLocalPort() + "/"),
                    new RecordingProtocol()).handshakeTimeout(Duration.ofMinutes(5)).build();
            for (int i = 0; i < 20; i++) {
                WebSocketClient.connect(clients, options).cancel(false);
            }
            // Each attempt was stopped before the TCP connect or is closed by the client: every
            // socket that reached us sees the end of its stream, none stays open.
            listener.setSoTimeout(1_000);
            for (;;) {
                Socket peer;
                try {
                    peer = listener.accept();
                } catch (SocketTimeoutException noMore) {
                    break;
                }
                try (peer) {
                    peer.setSoTimeout(10_000);
                    InputStream in = peer.getInputStream();
                    byte[] drain = new byte[4096];
                    int n;
                    do {
                        n = in.read(drain);
                    } while (n >= 0);
                }
            }
        }
    }

    @Test
    void cancelRacingTheHandshakeNeverLeavesAnUnreachableConnectionOpen() throws Exception {
        AtomicInteger serverOpen = new AtomicInteger();
        server = Context.builder().bindAddress("127.0.0.1").port(0)
                .protocol("echo", new Protocol() {
                    @Override
                    public void onEstablished(Connection c) {
                        serverOpen.incrementAndGet();
                    }

                    @Override
                    public void onClosed(Connection c, int closeCode, String reason) {
                        serverOpen.decrementAndGet();
                    }
                }).build();
        clients = Context.builder().noListener().build();
        RecordingProtocol protocol = new RecordingProtocol();
        ClientOptions options = ClientOptions.builder(
                URI.create("ws://127.0.0.1:" + server.port() + "/"), protocol).build();
        List<Connection> kept = new ArrayList<>();
        int cancelled = 0;
        for (int i = 0; i < 200; i++) {
            CompletableFuture<Connection> future = WebSocketClient.connect(clients, options);
            long spinUntil = System.nanoTime() + (i % 50) * 100_000L; // 0..5 ms: every step
            while (System.nanoTime() - spinUntil < 0) {
                Thread.onSpinWait();
            }
            if (future.cancel(false)) {
                cancelled++;
            } else {
                kept.add(future.get(10, TimeUnit.SECONDS));
            }
        }
        int keptCount = kept.size();
        assertThat(keptCount + cancelled).isEqualTo(200);

        awaitTrue(() -> serverOpen.get() == keptCount,
                () -> "server connections open: " + serverOpen.get() + ", kept: " + keptCount);
        // Every cancelled connection that got as far as onEstablished was closed with 1001.
        awaitTrue(() -> protocol.established.get() - keptCount == protocol.closedGoingAway.get(),
                () -> "client established " + protocol.established.get() + ", kept "
                        + keptCount + ", closed with 1001 " + protocol.closedGoingAway.get());
        for (Connection c : kept) {
            assertThat(c.isOpen()).isTrue();
        }
        System.out.printf("cancel race: %d kept, %d cancelled, %d of them after onEstablished%n",
                keptCount, cancelled, protocol.established.get() - keptCount);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition,
            java.util.function.Supplier<String> description) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as(description.get()).isNegative();
            Thread.sleep(10);
        }
    }

    private static String readRequestHead(InputStream in) throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        while (matched < end.length) {
            int b = in.read();
            assertThat(b).as("request head ended early").isNotNegative();
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
