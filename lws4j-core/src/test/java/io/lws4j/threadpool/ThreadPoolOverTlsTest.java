package io.lws4j.threadpool;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.client.ClientOptions;
import io.lws4j.client.WebSocketClient;
import io.lws4j.internal.conn.ConnectionImpl;
import io.lws4j.internal.loop.ContextImpl;
import io.lws4j.internal.tls.TestCertificate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The threadpool end-to-end stream of {@link ThreadPoolEndToEndTest}, over wss: tasks bound
 * to TLS connections stream numbered messages through SYNC to JDK clients; and again with
 * permessage-deflate on, to our own clients (the JDK client cannot offer it), both sides
 * checked to compress.
 */
class ThreadPoolOverTlsTest {
    private static final int MESSAGES = 300;

    @Test
    void tasksStreamThroughSyncOverWss_everyMessageOnceInOrder() throws Exception {
        ThreadPoolEndToEndTest.StreamingProtocol protocol =
                new ThreadPoolEndToEndTest.StreamingProtocol();
        Context ctx = Context.builder().bindAddress("127.0.0.1").port(0).serviceThreads(2)
                .tls(TestCertificate.get().serverContext())
                .protocol("lws-minimal", protocol).build();
        ThreadPool pool;
        int clients = 6;
        List<ThreadPoolEndToEndTest.Client> all = new ArrayList<>();
        try {
            pool = ThreadPool.create(ctx, new CreateArgs(3, 16), "wss");
            protocol.pool = pool;
            ((ContextImpl) ctx).resetLoopWorkNanos();
            HttpClient http = HttpClient.newBuilder()
                    .sslContext(TestCertificate.get().clientContext()).build();
            List<CompletableFuture<WebSocket>> sockets = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                ThreadPoolEndToEndTest.Client client =
                        new ThreadPoolEndToEndTest.Client(i == 0 ? 50 : -1);
                all.add(client);
                sockets.add(http.newWebSocketBuilder().subprotocols("lws-minimal")
                        .buildAsync(URI.create("wss://127.0.0.1:" + ctx.port() + "/"), client));
            }
            for (CompletableFuture<WebSocket> s : sockets) {
                s.get(10, TimeUnit.SECONDS);
            }
            for (ThreadPoolEndToEndTest.Client c : all) {
                c.closed.get(60, TimeUnit.SECONDS);
            }
            assertThat(((ContextImpl) ctx).maxLoopWorkNanos()).as("a loop cycle stalled")
                    .isLessThan(PoolTestSupport.LOOP_STALL.toNanos());
            for (ThreadPoolEndToEndTest.Client c : all) {
                ThreadPoolEndToEndTest.assertNumberedInOrderEachOnce(c.received);
                if (c.closeAfter < 0) {
                    assertThat(c.received).hasSize(MESSAGES);
                }
            }
        } finally {
            ctx.close();
        }
        assertThat(pool.isTerminated()).isTrue();
        assertThat(protocol.cleanups.get()).isEqualTo(clients);
    }

    /** Our client's side of a stream: collects texts, may close after a given count. */
    static final class Receiver implements Protocol {
        final List<String> received = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final CompletableFuture<Boolean> compressing = new CompletableFuture<>();
        final int closeAfter;

        Receiver(int closeAfter) {
            this.closeAfter = closeAfter;
        }

        @Override
        public void onEstablished(Connection c) {
            compressing.complete(((ConnectionImpl) c).permessageDeflate() != null);
        }

        @Override
        public void onText(Connection c, String text) {
            received.add(text);
            if (received.size() == closeAfter) {
                c.close(CloseCodes.NORMAL, "enough");
            }
        }

        @Override
        public void onClosed(Connection c, int code, String reason) {
            closed.complete(code);
        }
    }

    @Test
    void tasksStreamThroughSyncOverWssWithDeflate_everyMessageOnceInOrder() throws Exception {
        List<Boolean> serverCompressing = new CopyOnWriteArrayList<>();
        ThreadPoolEndToEndTest.StreamingProtocol protocol =
                new ThreadPoolEndToEndTest.StreamingProtocol() {
                    @Override
                    public void onEstablished(Connection c) {
                        serverCompressing.add(((ConnectionImpl) c).permessageDeflate() != null);
                        super.onEstablished(c);
                    }
                };
        Context ctx = Context.builder().bindAddress("127.0.0.1").port(0).serviceThreads(2)
                .tls(TestCertificate.get().serverContext()).permessageDeflate(true)
                .protocol("lws-minimal", protocol).build();
        Context clientContext = Context.builder().noListener().serviceThreads(2).build();
        ThreadPool pool;
        int clients = 6;
        List<Receiver> all = new ArrayList<>();
        try {
            pool = ThreadPool.create(ctx, new CreateArgs(3, 16), "wss-deflate");
            protocol.pool = pool;
            // the watchdog covers the TLS handshakes too: their start-up work (a context's
            // first engine, a client's ClientHello) and delegated tasks run off the loops
            ((ContextImpl) ctx).resetLoopWorkNanos();
            ((ContextImpl) clientContext).resetLoopWorkNanos();
            List<CompletableFuture<Connection>> connections = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                Receiver receiver = new Receiver(i == 0 ? 50 : -1);
                all.add(receiver);
                connections.add(WebSocketClient.connect(clientContext, ClientOptions.builder(
                        URI.create("wss://127.0.0.1:" + ctx.port() + "/"), receiver)
                        .sslContext(TestCertificate.get().clientContext())
                        .subprotocols("lws-minimal").permessageDeflate(true).build()));
            }
            for (CompletableFuture<Connection> c : connections) {
                c.get(10, TimeUnit.SECONDS);
            }
            for (Receiver r : all) {
                assertThat(r.compressing.get(10, TimeUnit.SECONDS))
                        .as("the client compresses").isTrue();
                r.closed.get(60, TimeUnit.SECONDS);
            }
            assertThat(serverCompressing).as("the server compresses on every connection")
                    .hasSize(clients).containsOnly(true);
            assertThat(((ContextImpl) ctx).maxLoopWorkNanos()).as("a server loop cycle stalled")
                    .isLessThan(PoolTestSupport.LOOP_STALL.toNanos());
            assertThat(((ContextImpl) clientContext).maxLoopWorkNanos())
                    .as("a client loop cycle stalled")
                    .isLessThan(PoolTestSupport.LOOP_STALL.toNanos());
            for (Receiver r : all) {
                ThreadPoolEndToEndTest.assertNumberedInOrderEachOnce(r.received);
                if (r.closeAfter < 0) {
                    assertThat(r.received).hasSize(MESSAGES);
                } else {
                    assertThat(r.received.size()).isGreaterThanOrEqualTo(r.closeAfter);
                }
            }
        } finally {
            clientContext.close();
            ctx.close();
        }
        assertThat(pool.isTerminated()).isTrue();
        assertThat(protocol.cleanups.get()).isEqualTo(clients);
    }
}
