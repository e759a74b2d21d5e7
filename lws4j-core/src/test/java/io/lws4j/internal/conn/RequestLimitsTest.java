package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lws4j.Context;
import io.lws4j.Request;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Context.Builder#maxQueryParameters} and {@link Context.Builder#maxCookies} through
 * raw sockets: a request at the bound is served, one over it refused (400 for parameters,
 * 431 for cookies) before the handshake hook or an HTTP handler sees it; the defaults are
 * 256 and 128.
 */
class RequestLimitsTest {
    private final BlockingQueue<Request> hooked = new LinkedBlockingQueue<>();
    private final BlockingQueue<Request> handled = new LinkedBlockingQueue<>();
    private Context context;

    private void start(Context.Builder builder) {
        RecordingProtocol protocol = new RecordingProtocol() {
            @Override
            public void onHandshake(Request request, io.lws4j.HandshakeDecision decision) {
                hooked.add(request);
                decision.accept();
            }
        };
        context = builder.bindAddress("127.0.0.1").port(0).protocol("chat", protocol)
                .http("/api", (req, ex) -> {
                    handled.add(req);
                    ex.respond(200, "text/plain", "ok");
                })
                .build();
    }

    @AfterEach
    void closeContext() {
        if (context != null) {
            context.close();
        }
    }

    private String upgrade(String target, String extraHeaders) throws Exception {
        return exchange("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + RawClient.KEY + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n");
    }

    private String get(String target, String extraHeaders) throws Exception {
        return exchange("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders
                + "\r\n");
    }

    private String exchange(String request) throws Exception {
        try (RawClient raw = new RawClient(context.port())) {
            raw.send(request.getBytes(StandardCharsets.ISO_8859_1));
            return raw.readHead();
        }
    }

    private static String params(int n) {
        StringBuilder b = new StringBuilder("?");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : "&").append('p').append(i).append("=v");
        }
        return b.toString();
    }

    private static String cookies(int n) {
        StringBuilder b = new StringBuilder("Cookie: ");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : "; ").append('c').append(i).append("=1");
        }
        return b.append("\r\n").toString();
    }

    @Test
    void configuredBoundsAdmitTheBoundAndRefuseOneMore() throws Exception {
        start(Context.builder().maxQueryParameters(3).maxCookies(2));

        assertThat(upgrade("/" + params(3), "")).startsWith("HTTP/1.1 101 ");
        assertThat(hooked.take().queryParams()).hasSize(3);
        assertThat(upgrade("/" + params(4), "")).startsWith("HTTP/1.1 400 ");
        assertThat(upgrade("/", cookies(2))).startsWith("HTTP/1.1 101 ");
        assertThat(hooked.take().cookies()).hasSize(2);
        assertThat(upgrade("/", cookies(3))).startsWith("HTTP/1.1 431 ");
        assertThat(hooked).isEmpty();

        assertThat(get("/api" + params(3), cookies(2))).startsWith("HTTP/1.1 200 ");
        assertThat(handled.take().queryParams()).hasSize(3);
        assertThat(get("/api" + params(4), "")).startsWith("HTTP/1.1 400 ");
        assertThat(get("/api", cookies(3))).startsWith("HTTP/1.1 431 ");
        assertThat(handled).isEmpty();
    }

    @Test
    void zeroRefusesAnyParameterOrCookie() throws Exception {
        start(Context.builder().maxQueryParameters(0).maxCookies(0));
        assertThat(upgrade("/", "")).startsWith("HTTP/1.1 101 ");
        assertThat(upgrade("/?a", "")).startsWith("HTTP/1.1 400 ");
        assertThat(upgrade("/", cookies(1))).startsWith("HTTP/1.1 431 ");
    }

    @Test
    void theDefaultsAre256ParametersAnd128Cookies() throws Exception {
        start(Context.builder());
        assertThat(upgrade("/" + params(256), "")).startsWith("HTTP/1.1 101 ");
        assertThat(hooked.take().queryParams()).hasSize(256);
        assertThat(upgrade("/" + params(257), "")).startsWith("HTTP/1.1 400 ");
        assertThat(upgrade("/", cookies(128))).startsWith("HTTP/1.1 101 ");
        assertThat(hooked.take().cookies()).hasSize(128);
        assertThat(upgrade("/", cookies(129))).startsWith("HTTP/1.1 431 ");
        assertThat(hooked).isEmpty();
    }

    @Test
    void negativeBoundsAreRefusedByTheBuilders() {
        assertThatThrownBy(() -> Context.builder().maxQueryParameters(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Context.builder().maxCookies(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Request.builder().maxCookies(-1))
                .isInstanceOf(IllegalArgumentException.class);
        Request.Builder b = Request.builder().target("/?a=1&b=2").maxQueryParameters(1);
        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class);
        assertThat(Request.builder().target("/?a=1&b=2").maxQueryParameters(2).build()
                .queryParams()).containsOnlyKeys("a", "b");
    }
}
