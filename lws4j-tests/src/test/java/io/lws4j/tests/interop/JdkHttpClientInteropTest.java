package io.lws4j.tests.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Context;
import io.lws4j.examples.EchoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JDK's own websocket client ({@code java.net.http}) against the example echo server
 * (one service loop) started in this JVM.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JdkHttpClientInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static Context server;
    private static HttpClient client;

    @BeforeAll
    static void startServer() {
        server = EchoServer.start("127.0.0.1", 0);
        client = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static URI uri(Context context) {
        return URI.create("ws://127.0.0.1:" + context.port() + "/");
    }

    private static WebSocket open(Context context, RecordingListener listener) {
        return client.newWebSocketBuilder().subprotocols("lws-echo")
                .connectTimeout(WAIT)
                .buildAsync(uri(context), listener).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS)
                .join();
    }

    @Test
    void textAndBinaryMessagesComeBackUnchanged() throws Exception {
        RecordingListener listener = new RecordingListener();
        WebSocket ws = open(server, listener);
        assertThat(ws.getSubprotocol()).isEqualTo("lws-echo");

        ws.sendText("héllo wörld ✓ 𝄞", true).join();
        assertThat(listener.next(WAIT)).isEqualTo("héllo wörld ✓ 𝄞");

        ws.sendText("frag", false).join();
        ws.sendText("mented", true).join();
        assertThat(listener.next(WAIT)).isEqualTo("fragmented");

        byte[] bytes = new byte[70_000];
        new Random(7).nextBytes(bytes);
        ws.sendBinary(ByteBuffer.wrap(bytes), true).join();
        assertThat((byte[]) listener.next(WAIT)).isEqualTo(bytes);

        ws.sendBinary(ByteBuffer.allocate(0), true).join();
        assertThat((byte[]) listener.next(WAIT)).isEmpty();

        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        assertThat(listener.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS).code())
                .isEqualTo(WebSocket.NORMAL_CLOSURE);
    }

    @Test
    void sixteenMebibyteMessagesRoundTrip() throws Exception {
        RecordingListener listener = new RecordingListener();
        WebSocket ws = open(server, listener);
        byte[] bytes = new byte[16 * 1024 * 1024];
        new Random(16).nextBytes(bytes);
        ws.sendBinary(ByteBuffer.wrap(bytes), true).join();
        assertThat((byte[]) listener.next(WAIT)).isEqualTo(bytes);

        String text = "ä€𝄞-".repeat(16 * 1024 * 1024 / 10);
        ws.sendText(text, true).join();
        String echoed = (String) listener.next(WAIT);
        assertThat(echoed.length()).isEqualTo(text.length());
        assertThat(echoed.equals(text)).as("16 MiB text echoed unchanged").isTrue();
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        listener.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aThousandConnectionsOnOneServiceLoopEachGetTheirOwnEcho() throws Exception {
        int count = 1000;
        List<WebSocket> sockets = new ArrayList<>(count);
        List<RecordingListener> listeners = new ArrayList<>(count);
        try {
            // Connect in batches so the listen backlog never overflows into SYN retries.
            for (int batch = 0; batch < count; batch += 100) {
                List<CompletableFuture<WebSocket>> pending = new ArrayList<>();
                for (int i = batch; i < Math.min(count, batch + 100); i++) {
                    RecordingListener listener = new RecordingListener();
                    listeners.add(listener);
                    pending.add(client.newWebSocketBuilder().subprotocols("lws-echo")
                            .connectTimeout(WAIT).buildAsync(uri(server), listener));
                }
                for (CompletableFuture<WebSocket> f : pending) {
                    sockets.add(f.get(WAIT.toSeconds(), TimeUnit.SECONDS));
                }
            }
            for (int i = 0; i < count; i++) {
                sockets.get(i).sendText("connection " + i, true);
            }
            for (int i = 0; i < count; i++) {
                assertThat(listeners.get(i).next(WAIT)).isEqualTo("connection " + i);
            }
        } finally {
            for (WebSocket ws : sockets) {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "");
            }
        }
        for (RecordingListener listener : listeners) {
            assertThat(listener.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS).code())
                    .isEqualTo(WebSocket.NORMAL_CLOSURE);
        }
    }

    @Test
    void theServerEchoesTheClientsCloseCode() throws Exception {
        for (int code : new int[] {1000, 1001, 3000, 4000, 4999}) {
            RecordingListener listener = new RecordingListener();
            WebSocket ws = open(server, listener);
            ws.sendClose(code, "reason ✓").join();
            RecordingListener.Close close = listener.closed().get(WAIT.toSeconds(),
                    TimeUnit.SECONDS);
            assertThat(close.code()).as("close code echoed for %d", code).isEqualTo(code);
        }
    }

    @Test
    void closingTheContextClosesClientsWithGoingAway() throws Exception {
        Context own = EchoServer.start("127.0.0.1", 0);
        RecordingListener listener = new RecordingListener();
        try {
            WebSocket ws = open(own, listener);
            ws.sendText("before close", true).join();
            assertThat(listener.next(WAIT)).isEqualTo("before close");
        } finally {
            own.close();
        }
        RecordingListener.Close close = listener.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(close.code()).isEqualTo(1001);
        assertThat(close.reason().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(123);
    }
}
