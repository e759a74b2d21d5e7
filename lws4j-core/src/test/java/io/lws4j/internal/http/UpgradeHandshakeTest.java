package io.lws4j.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class UpgradeHandshakeTest {

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final List<String> PROTOCOLS = List.of("lws-minimal", "chat", "superchat");

    /** A valid upgrade request with {@code extra} header lines appended. */
    private static HttpRequest upgrade(String... extra) {
        return request("GET", "HTTP/1.1", withDefaults(extra));
    }

    private static String[] withDefaults(String... extra) {
        List<String> lines = new ArrayList<>(List.of("Host: server.example.com", "Upgrade: websocket",
                "Connection: Upgrade", "Sec-WebSocket-Key: " + KEY, "Sec-WebSocket-Version: 13"));
        lines.addAll(List.of(extra));
        return lines.toArray(String[]::new);
    }

    private static HttpRequest request(String method, String version, String... lines) {
        StringBuilder head = new StringBuilder(method + " /chat " + version + "\r\n");
        for (String line : lines) {
            head.append(line).append("\r\n");
        }
        head.append("\r\n");
        try {
            return new HttpRequestParser(8192).parse(HttpRequestParserTest.bytes(head.toString()));
        } catch (HttpException e) {
            throw new AssertionError("test request does not parse: " + e.getMessage(), e);
        }
    }

    /** A request with one default header line replaced (null drops it). */
    private static HttpRequest replacing(String name, String line) {
        List<String> lines = new ArrayList<>();
        for (String l : withDefaults()) {
            if (!l.startsWith(name + ":")) {
                lines.add(l);
            }
        }
        if (line != null) {
            lines.add(line);
        }
        return request("GET", "HTTP/1.1", lines.toArray(String[]::new));
    }

    private static String text(ByteBuffer buffer) {
        return StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
    }

    private static UpgradeDecision.Accept accepted(UpgradeDecision decision) {
        assertThat(decision).isInstanceOf(UpgradeDecision.Accept.class);
        return (UpgradeDecision.Accept) decision;
    }

    private static HttpResponse rejected(UpgradeDecision decision, int status) {
        assertThat(decision).isInstanceOf(UpgradeDecision.Reject.class);
        HttpResponse response = ((UpgradeDecision.Reject) decision).response();
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.keepAlive()).isFalse();
        assertThat(response.bodyFile()).isNull();
        String text = text(response.head());
        assertThat(text).startsWith("HTTP/1.1 " + status + " ")
                .contains("\r\nConnection: close\r\n", "\r\nContent-Type: text/plain; charset=utf-8\r\n");
        String body = text.substring(text.indexOf("\r\n\r\n") + 4);
        assertThat(body).isNotBlank();
        assertThat(text).contains("\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n");
        return response;
    }

    @Test
    void shouldComputeTheAcceptKeyOfRfc6455Section13() {
        assertThat(UpgradeHandshake.acceptKey(KEY)).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void shouldAnswerValidRequestWith101AndDefaultProtocol() {
        UpgradeDecision.Accept accept = accepted(UpgradeHandshake.decide(upgrade(), PROTOCOLS, null));

        assertThat(accept.protocolName()).isEqualTo("lws-minimal");
        assertThat(text(accept.response())).isEqualTo("HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                + "\r\n");
        assertThat(accept.response().position()).isZero();
    }

    @Test
    void shouldRecogniseUpgradeRequestsByTheUpgradeToken() {
        assertThat(UpgradeHandshake.isUpgradeRequest(upgrade())).isTrue();
        assertThat(UpgradeHandshake.isUpgradeRequest(replacing("Upgrade", "Upgrade: h2c, WebSocket"))).isTrue();
        assertThat(UpgradeHandshake.isUpgradeRequest(replacing("Upgrade", null))).isFalse();
        assertThat(UpgradeHandshake.isUpgradeRequest(replacing("Upgrade", "Upgrade: h2c"))).isFalse();
    }

    @Test
    void shouldAcceptTokensInAnyCaseAndInLists() {
        HttpRequest request = request("GET", "HTTP/1.1", "Host: a", "Upgrade: WebSocket",
                "Connection: keep-alive, UPGRADE", "Sec-WebSocket-Key: " + KEY, "Sec-WebSocket-Version: 13");

        accepted(UpgradeHandshake.decide(request, PROTOCOLS, null));
    }

    @Test
    void shouldSelectTheFirstOfferInTheClientsOrderAndEchoIt() {
        UpgradeDecision.Accept accept = accepted(UpgradeHandshake.decide(
                upgrade("Sec-WebSocket-Protocol: unknown, superchat, chat"), PROTOCOLS, null));

        assertThat(accept.protocolName()).isEqualTo("superchat");
        assertThat(text(accept.response())).contains("\r\nSec-WebSocket-Protocol: superchat\r\n");
    }

    @Test
    void shouldSelectAcrossSeveralProtocolHeadersInWireOrder() {
        UpgradeDecision.Accept accept = accepted(UpgradeHandshake.decide(
                upgrade("Sec-WebSocket-Protocol: x, y", "Sec-WebSocket-Protocol: chat", "Sec-WebSocket-Protocol: lws-minimal"),
                PROTOCOLS, null));

        assertThat(accept.protocolName()).isEqualTo("chat");
        assertThat(text(accept.response())).contains("\r\nSec-WebSocket-Protocol: chat\r\n");
    }

    @Test
    void shouldFallBackToTheFirstProtocolWithoutNamingOneWhenNoOfferMatches() {
        UpgradeDecision.Accept accept = accepted(UpgradeHandshake.decide(
                upgrade("Sec-WebSocket-Protocol: CHAT, other"), PROTOCOLS, null));

        assertThat(accept.protocolName()).isEqualTo("lws-minimal");
        assertThat(text(accept.response())).doesNotContain("Sec-WebSocket-Protocol");
    }

    @Test
    void shouldIgnoreExtensionOffers() {
        UpgradeDecision.Accept accept = accepted(UpgradeHandshake.decide(
                upgrade("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits"), PROTOCOLS, null));

        assertThat(text(accept.response())).doesNotContain("Sec-WebSocket-Extensions");
    }

    @Test
    void shouldRejectOtherMethodsWith405AllowingGet() {
        HttpResponse response = rejected(UpgradeHandshake.decide(
                request("POST", "HTTP/1.1", withDefaults()), PROTOCOLS, null), 405);

        assertThat(text(response.head())).contains("\r\nAllow: GET\r\n");
    }

    @Test
    void shouldRejectHttp10With400() {
        rejected(UpgradeHandshake.decide(request("GET", "HTTP/1.0", withDefaults()), PROTOCOLS, null), 400);
    }

    @Test
    void shouldRejectMissingHostWith400() {
        HttpRequest noHost = new HttpRequest("GET", "/", "HTTP/1.1", HttpHeaders.of("Upgrade", "websocket",
                "Connection", "Upgrade", "Sec-WebSocket-Key", KEY, "Sec-WebSocket-Version", "13"));

        rejected(UpgradeHandshake.decide(noHost, PROTOCOLS, null), 400);
    }

    @Test
    void shouldRejectMissingUpgradeOrConnectionTokensWith400() {
        rejected(UpgradeHandshake.decide(replacing("Upgrade", "Upgrade: h2c"), PROTOCOLS, null), 400);
        rejected(UpgradeHandshake.decide(replacing("Connection", null), PROTOCOLS, null), 400);
        rejected(UpgradeHandshake.decide(replacing("Connection", "Connection: keep-alive"), PROTOCOLS, null), 400);
        rejected(UpgradeHandshake.decide(replacing("Connection", "Connection: upgraded"), PROTOCOLS, null), 400);
    }

    @Test
    void shouldRejectOtherVersionsWith426NamingVersion13() {
        for (String line : new String[] {"Sec-WebSocket-Version: 8", "Sec-WebSocket-Version: 13, 8",
            "Sec-WebSocket-Version: 013", null}) {
            HttpResponse response = rejected(UpgradeHandshake.decide(
                    replacing("Sec-WebSocket-Version", line), PROTOCOLS, null), 426);
            assertThat(text(response.head())).as(line).contains("\r\nSec-WebSocket-Version: 13\r\n");
        }
        rejected(UpgradeHandshake.decide(upgrade("Sec-WebSocket-Version: 13"), PROTOCOLS, null), 426);
    }

    @Test
    void shouldRejectBadKeysWith400() {
        for (String line : new String[] {
            null,
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ",     // unpadded
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=",    // wrong padding
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZXg=",   // 17 bytes
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25j",       // 15 bytes
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ*=",   // not base64
            "Sec-WebSocket-Key: dGhlIHNhbXBs ZSBub25jZQ==",  // inner space
            "Sec-WebSocket-Key:",
        }) {
            rejected(UpgradeHandshake.decide(replacing("Sec-WebSocket-Key", line), PROTOCOLS, null), 400);
        }
        rejected(UpgradeHandshake.decide(upgrade("Sec-WebSocket-Key: " + KEY), PROTOCOLS, null), 400);
    }

    @Test
    void shouldRejectOriginsTheCheckRefusesWith403() {
        Predicate<String> onlyExample = "https://example.com"::equals;

        accepted(UpgradeHandshake.decide(upgrade("Origin: https://example.com"), PROTOCOLS, onlyExample));
        rejected(UpgradeHandshake.decide(upgrade("Origin: https://evil.example"), PROTOCOLS, onlyExample), 403);
        rejected(UpgradeHandshake.decide(upgrade(), PROTOCOLS, onlyExample), 403);
        rejected(UpgradeHandshake.decide(upgrade("Origin: https://example.com", "Origin: https://example.com"),
                PROTOCOLS, onlyExample), 403);
    }

    @Test
    void shouldPassNullToTheOriginCheckWhenNoOriginWasSent() {
        List<String> seen = new ArrayList<>();
        accepted(UpgradeHandshake.decide(upgrade(), PROTOCOLS, origin -> seen.add(origin)));

        assertThat(seen).containsExactly((String) null);
    }

    @Test
    void shouldRefuseTheOriginWhenTheCheckThrows() {
        rejected(UpgradeHandshake.decide(upgrade("Origin: https://example.com"), PROTOCOLS, origin -> {
            throw new IllegalStateException("broken check");
        }), 403);
    }

    @Test
    void shouldNotCallTheOriginCheckWithoutOne() {
        accepted(UpgradeHandshake.decide(upgrade("Origin: https://anything.example"), PROTOCOLS, null));
    }

    @Test
    void shouldRequireAtLeastOneProtocol() {
        assertThatThrownBy(() -> UpgradeHandshake.decide(upgrade(), List.of(), null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
