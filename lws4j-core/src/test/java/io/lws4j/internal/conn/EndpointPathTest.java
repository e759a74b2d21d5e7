package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lws4j.Context;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Upgrades routed by path ({@link Context.Builder#bindPath}) through real sockets. */
class EndpointPathTest {

    private final RecordingProtocol chat = new RecordingProtocol();
    private final RecordingProtocol report = new RecordingProtocol();
    private final RecordingProtocol v2 = new RecordingProtocol();
    private Context context;

    @AfterEach
    void closeContext() {
        if (context != null) {
            context.close();
        }
    }

    private String rawHandshake(String target, String extra) throws Exception {
        try (RawClient raw = new RawClient(context.port())) {
            raw.send(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: " + RawClient.KEY + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n" + extra + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return raw.readHead();
        }
    }

    private JdkClient connect(String path, String subprotocol) throws Exception {
        return JdkClient.connect(URI.create("ws://127.0.0.1:" + context.port() + path),
                HttpClient.newHttpClient(), subprotocol);
    }

    @Test
    void exactAndPrefixBindingsPickTheProtocolAndOtherPathsGet404() throws Exception {
        context = Context.builder().bindAddress("127.0.0.1").port(0)
                .protocol("chat", chat).protocol("report", report)
                .bindPath("/chat/*", "chat").bindPath("/report", "report").build();
        connect("/chat/lobby", null);
        assertThat(chat.awaitEstablished().protocolName()).isEqualTo("chat");
        connect("/chat", null);
        assertThat(chat.awaitEstablished().request().path()).isEqualTo("/chat");
        connect("/report", null);
        assertThat(report.awaitEstablished().protocolName()).isEqualTo("report");
        // a subprotocol offer cannot reach a protocol bound to another path
        connect("/report", "chat");
        assertThat(report.awaitEstablished().protocolName()).isEqualTo("report");
        assertThat(rawHandshake("/chatroom", "")).startsWith("HTTP/1.1 404 ");
        assertThat(rawHandshake("/report/x", "")).startsWith("HTTP/1.1 404 ");
        assertThat(rawHandshake("/", "")).startsWith("HTTP/1.1 404 ");
        Throwable t = assertThatThrownBy(() -> HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + context.port() + "/nothing"),
                        new JdkClient()).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).actual();
        assertThat(((WebSocketHandshakeException) t.getCause()).getResponse().statusCode())
                .isEqualTo(404);
        assertThat(chat.established).isEmpty();
        assertThat(report.established).isEmpty();
    }

    @Test
    void protocolsSharingAPathAreChosenBySubprotocolWithTheFirstBoundAsDefault() throws Exception {
        context = Context.builder().bindAddress("127.0.0.1").port(0)
                .protocol("report", report).protocol("chat", chat).protocol("chat.v2", v2)
                .bindPath("/chat/*", "chat").bindPath("/chat/*", "chat.v2")
                .bindPath("/report", "report").build();
        connect("/chat/a", "chat.v2");
        assertThat(v2.awaitEstablished().protocolName()).isEqualTo("chat.v2");
        connect("/chat/a", null);
        assertThat(chat.awaitEstablished().protocolName()).isEqualTo("chat");
        assertThat(rawHandshake("/chat/a", "Sec-WebSocket-Protocol: report\r\n"))
                .startsWith("HTTP/1.1 101 ").doesNotContain("Sec-WebSocket-Protocol");
        assertThat(chat.awaitEstablished().protocolName()).isEqualTo("chat");
    }

    @Test
    void aRootPrefixServesEveryPathAndAnExactBindingWinsOverIt() throws Exception {
        context = Context.builder().bindAddress("127.0.0.1").port(0)
                .protocol("chat", chat).protocol("report", report)
                .bindPath("/*", "chat").bindPath("/report", "report").build();
        connect("/anything/at/all", null);
        assertThat(chat.awaitEstablished()).isNotNull();
        connect("/report", null);
        assertThat(report.awaitEstablished()).isNotNull();
    }

    @Test
    void bindingsAreCheckedWhenTheContextIsBuilt() {
        assertThatThrownBy(() -> Context.builder().bindPath("chat", "chat"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Context.builder().bindPath("/a/*/b", "chat"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Context.builder().bindPath("/a", "x").bindPath("/a", "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Context.builder().port(0).bindAddress("127.0.0.1")
                .protocol("chat", chat).bindPath("/a", "missing").build())
                .isInstanceOf(IllegalStateException.class);
    }
}
