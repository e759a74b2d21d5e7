package io.lws4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Context.Builder#originCheck}, end to end: a real client whose Origin the check
 * refuses gets 403 and no websocket; an allowed Origin gets a working connection; a request
 * without Origin is checked with null.
 */
class OriginCheckEndToEndTest {
    private static final String ALLOWED = "https://app.example";

    private final List<String> checked = Collections.synchronizedList(new ArrayList<>());
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private Context server;

    @BeforeEach
    void start() {
        server = Context.builder().bindAddress("127.0.0.1").port(0)
                .originCheck(origin -> {
                    checked.add(String.valueOf(origin));
                    return ALLOWED.equals(origin);
                })
                .protocol("echo", new Protocol() {
                    @Override
                    public void onText(Connection connection, String text) {
                        received.add(text);
                        connection.writeText(text);
                    }
                }).build();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static WebSocket.Builder client() {
        return HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("echo")
                .connectTimeout(java.time.Duration.ofSeconds(10));
    }

    private URI uri() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/");
    }

    @Test
    void aRefusedOriginGets403FromARealClientAndNoConnection() throws Exception {
        Throwable failure = catchThrowable(() -> client().header("Origin", "https://evil.example")
                .buildAsync(uri(), new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS));
        assertThat(failure).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(WebSocketHandshakeException.class);
        WebSocketHandshakeException refused = (WebSocketHandshakeException) failure.getCause();
        assertThat(refused.getResponse().statusCode()).isEqualTo(403);
        assertThat(checked).containsExactly("https://evil.example");
        assertThat(received).isEmpty();
    }

    @Test
    void anAllowedOriginGetsAWorkingConnection() throws Exception {
        BlockingQueue<String> echoes = new LinkedBlockingQueue<>();
        WebSocket ws = client().header("Origin", ALLOWED)
                .buildAsync(uri(), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        echoes.add(data.toString());
                        w.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        ws.sendText("hello from the app", true).get(10, TimeUnit.SECONDS);
        assertThat(echoes.poll(10, TimeUnit.SECONDS)).isEqualTo("hello from the app");
        assertThat(checked).containsExactly(ALLOWED);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
    }

    @Test
    void aRequestWithoutOriginIsCheckedWithNullAndRefusedHere() throws Exception {
        String head = rawUpgrade(null);
        assertThat(head).startsWith("HTTP/1.1 403");
        assertThat(checked).containsExactly("null");

        String allowed = rawUpgrade(ALLOWED);
        assertThat(allowed).startsWith("HTTP/1.1 101");
        assertThat(checked).containsExactly("null", ALLOWED);
    }

    /** Sends a websocket upgrade by hand and returns the response head. */
    private String rawUpgrade(String origin) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            String request = "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: echo\r\n"
                    + (origin == null ? "" : "Origin: " + origin + "\r\n") + "\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return readHead(socket.getInputStream());
        }
    }

    static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return head.toString();
    }
}
