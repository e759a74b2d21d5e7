package io.lws4j.threadpool;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Context;
import io.lws4j.internal.loop.ContextImpl;
import io.lws4j.internal.tls.TestCertificate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The threadpool end-to-end stream of {@link ThreadPoolEndToEndTest}, over wss: tasks bound
 * to TLS connections stream numbered messages through SYNC to JDK clients.
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
                    .isLessThan(TimeUnit.MILLISECONDS.toNanos(500));
            for (ThreadPoolEndToEndTest.Client c : all) {
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < c.received.size(); i++) {
                    expected.add("msg " + i);
                }
                assertThat(c.received).as("in order, each once").isEqualTo(expected);
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
}
