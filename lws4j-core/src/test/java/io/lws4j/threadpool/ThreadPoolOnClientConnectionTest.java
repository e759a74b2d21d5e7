package io.lws4j.threadpool;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.client.ClientOptions;
import io.lws4j.client.WebSocketClient;
import io.lws4j.internal.conn.ConnectionImpl;
import io.lws4j.internal.tls.TestCertificate;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The threadpool on client connections: a task enqueued on our client's connection streams
 * numbered messages through SYNC to our server, plain, over wss, and over wss with
 * permessage-deflate.
 */
class ThreadPoolOnClientConnectionTest {
    private static final int MESSAGES = 300; // as ThreadPoolEndToEndTest.StreamingProtocol streams

    /** Collects what the server receives. */
    static final class Collector implements Protocol {
        final List<String> received = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final CompletableFuture<Boolean> compressing = new CompletableFuture<>();

        @Override
        public void onEstablished(Connection c) {
            compressing.complete(((ConnectionImpl) c).permessageDeflate() != null);
        }

        @Override
        public void onText(Connection c, String text) {
            received.add(text);
        }

        @Override
        public void onClosed(Connection c, int code, String reason) {
            closed.complete(code);
        }
    }

    @Test
    void aTaskOnAClientConnectionStreamsThroughSync_plainAndWss() throws Exception {
        for (boolean tls : new boolean[] {false, true}) {
            streamFromAClientTask(tls, false);
        }
    }

    @Test
    void aTaskOnAClientConnectionStreamsThroughSync_overWssWithDeflate() throws Exception {
        streamFromAClientTask(true, true);
    }

    private void streamFromAClientTask(boolean tls, boolean deflate) throws Exception {
        Collector collector = new Collector();
        Context.Builder sb = Context.builder().bindAddress("127.0.0.1").port(0)
                .permessageDeflate(true).protocol("lws-minimal", collector);
        if (tls) {
            sb.tls(TestCertificate.get().serverContext());
        }
        Context server = sb.build();
        Context clients = Context.builder().noListener().serviceThreads(2).build();
        ThreadPoolEndToEndTest.StreamingProtocol streaming =
                new ThreadPoolEndToEndTest.StreamingProtocol();
        try {
            streaming.pool = ThreadPool.create(clients, new CreateArgs(2, 4), "client");
            ClientOptions.Builder ob = ClientOptions.builder(URI.create((tls ? "wss" : "ws")
                    + "://127.0.0.1:" + server.port() + "/"), streaming)
                    .subprotocols("lws-minimal").permessageDeflate(deflate);
            if (tls) {
                ob.sslContext(TestCertificate.get().clientContext());
            }
            Connection c = WebSocketClient.connect(clients, ob.build()).get(10, TimeUnit.SECONDS);
            assertThat(c.protocolName()).isEqualTo("lws-minimal");
            assertThat(collector.compressing.get(10, TimeUnit.SECONDS))
                    .as("the server compresses").isEqualTo(deflate);
            CompletableFuture<Boolean> clientCompressing = new CompletableFuture<>();
            c.execute(() -> clientCompressing.complete(((ConnectionImpl) c).permessageDeflate() != null));
            assertThat(clientCompressing.get(10, TimeUnit.SECONDS))
                    .as("the client compresses").isEqualTo(deflate);
            assertThat(collector.closed.get(30, TimeUnit.SECONDS))
                    .as("the client closes once its task finished").isEqualTo(CloseCodes.NORMAL);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                expected.add("msg " + i);
            }
            assertThat(collector.received).as("every message once, in order")
                    .isEqualTo(expected);
        } finally {
            clients.close();
            server.close();
        }
        assertThat(streaming.enqueued.get()).isEqualTo(1);
        assertThat(streaming.cleanups.get()).isEqualTo(1);
    }
}
