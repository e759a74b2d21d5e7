package io.lws4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Context.Builder#maxHttpHeadBytes}, end to end: a request head up to the limit is
 * served, one byte more is answered 431 and the connection closed, whether the client is a
 * raw socket or the JDK websocket client with a long header.
 */
class MaxHttpHeadBytesEndToEndTest {
    private static final int LIMIT = 1024;

    private Context server;

    @BeforeEach
    void start() {
        server = Context.builder().bindAddress("127.0.0.1").port(0).maxHttpHeadBytes(LIMIT)
                .protocol("echo", new Protocol() { }).build();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** An upgrade request head of exactly {@code size} bytes (padded with an X-Pad header). */
    private String upgradeHead(int size) {
        String start = "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: echo\r\nX-Pad: ";
        String end = "\r\n\r\n";
        int pad = size - start.length() - end.length();
        assertThat(pad).isPositive();
        String head = start + "p".repeat(pad) + end;
        assertThat(head.length()).isEqualTo(size);
        return head;
    }

    /** Sends {@code head}, returns the response head and whether the server then closed. */
    private String[] exchange(String head) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            String response = OriginCheckEndToEndTest.readHead(in);
            String closed = "open";
            if (!response.startsWith("HTTP/1.1 101")) {
                // After an error answer (and any body) the server closes: read to EOF.
                in.readAllBytes();
                closed = "closed";
            }
            return new String[] {response, closed};
        }
    }

    @Test
    void aHeadOfExactlyTheLimitIsServed() throws Exception {
        assertThat(exchange(upgradeHead(LIMIT))[0]).startsWith("HTTP/1.1 101");
    }

    @Test
    void aHeadOneByteOverTheLimitGets431AndTheConnectionIsClosed() throws Exception {
        String[] answer = exchange(upgradeHead(LIMIT + 1));
        assertThat(answer[0]).startsWith("HTTP/1.1 431");
        assertThat(answer[1]).isEqualTo("closed");
    }

    @Test
    void aHeadFarOverTheLimitGets431WithoutWaitingForItsEnd() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            // Never finished: no blank line. The server must answer once the limit is passed.
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nX-Long: " + "q".repeat(4 * LIMIT))
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            assertThat(OriginCheckEndToEndTest.readHead(socket.getInputStream()))
                    .startsWith("HTTP/1.1 431");
        }
    }

    @Test
    void theJdkClientWithAnOverLongHeaderIsRefused431() {
        assertThatThrownBy(() -> HttpClient.newHttpClient().newWebSocketBuilder()
                .subprotocols("echo").connectTimeout(Duration.ofSeconds(10))
                .header("X-Long", "v".repeat(2 * LIMIT))
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/"),
                        new WebSocket.Listener() { })
                .get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse()
                        .statusCode()).isEqualTo(431));
    }
}
