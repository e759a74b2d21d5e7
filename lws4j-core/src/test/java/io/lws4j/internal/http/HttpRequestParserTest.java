package io.lws4j.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpRequestParserTest {

    private static final String UPGRADE = "GET /chat?room=1 HTTP/1.1\r\n"
            + "Host: example.com:7681\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: keep-alive, Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Protocol: chat, superchat\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "\r\n";

    static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    static HttpRequest parseWhole(String head) throws HttpException {
        HttpRequest request = new HttpRequestParser(8192).parse(bytes(head));
        assertThat(request).as("complete request").isNotNull();
        return request;
    }

    static int statusOf(String head) {
        return statusOf(new HttpRequestParser(8192), head);
    }

    static int statusOf(HttpRequestParser parser, String head) {
        try {
            HttpRequest request = parser.parse(bytes(head));
            throw new AssertionError("expected an HttpException, got " + request);
        } catch (HttpException e) {
            return e.status();
        }
    }

    @Test
    void shouldParseUpgradeRequestInOneBuffer() throws HttpException {
        HttpRequest request = parseWhole(UPGRADE);

        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.target()).isEqualTo("/chat?room=1");
        assertThat(request.path()).isEqualTo("/chat");
        assertThat(request.query()).isEqualTo("room=1");
        assertThat(request.version()).isEqualTo("HTTP/1.1");
        assertThat(request.headers().first("host")).isEqualTo("example.com:7681");
        assertThat(request.headers().containsToken("CONNECTION", "upgrade")).isTrue();
        assertThat(request.headers().size()).isEqualTo(6);
    }

    @Test
    void shouldGiveSameRequestWhenSplitAtEveryByte() throws HttpException {
        HttpRequest expected = parseWhole(UPGRADE);
        byte[] head = UPGRADE.getBytes(StandardCharsets.ISO_8859_1);
        for (int split = 0; split < head.length; split++) {
            HttpRequestParser parser = new HttpRequestParser(8192);
            HttpRequest first = parser.parse(ByteBuffer.wrap(head, 0, split));
            assertThat(first).as("split at %d, first part", split).isNull();
            assertThat(parser.parse(ByteBuffer.wrap(head, split, head.length - split)))
                    .as("split at %d", split).isEqualTo(expected);
        }
    }

    @Test
    void shouldGiveSameRequestWhenFedOneByteAtATime() throws HttpException {
        HttpRequestParser parser = new HttpRequestParser(8192);
        byte[] head = UPGRADE.getBytes(StandardCharsets.ISO_8859_1);
        HttpRequest request = null;
        for (int i = 0; i < head.length; i++) {
            assertThat(request).as("complete before byte %d", i).isNull();
            request = parser.parse(ByteBuffer.wrap(head, i, 1));
        }
        assertThat(request).isEqualTo(parseWhole(UPGRADE));
    }

    @Test
    void shouldLeaveBytesAfterTheHeadInTheBuffer() throws HttpException {
        ByteBuffer src = bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /next HTTP/1.1\r\n");
        HttpRequestParser parser = new HttpRequestParser(8192);

        assertThat(parser.parse(src).path()).isEqualTo("/");
        assertThat(StandardCharsets.ISO_8859_1.decode(src).toString()).isEqualTo("GET /next HTTP/1.1\r\n");
    }

    @Test
    void shouldParsePipelinedRequestsAfterReset() throws HttpException {
        ByteBuffer src = bytes("GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n");
        HttpRequestParser parser = new HttpRequestParser(8192);

        assertThat(parser.parse(src).path()).isEqualTo("/a");
        parser.reset();
        assertThat(parser.parse(src).path()).isEqualTo("/b");
        assertThat(src.hasRemaining()).isFalse();
    }

    @Test
    void shouldRefuseParseAfterCompleteRequestWithoutReset() throws HttpException {
        HttpRequestParser parser = new HttpRequestParser(8192);
        parser.parse(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));

        assertThatThrownBy(() -> parser.parse(bytes("GET / HTTP/1.1\r\n")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldStayFailedAfterAnErrorEvenAcrossReset() {
        HttpRequestParser parser = new HttpRequestParser(8192);
        assertThat(statusOf(parser, "GET / HTTP/2.0\r\n")).isEqualTo(505);

        parser.reset();
        assertThat(statusOf(parser, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")).isEqualTo(505);
    }

    @Test
    void shouldAcceptBareLfLineEnds() throws HttpException {
        HttpRequest request = parseWhole("GET /x HTTP/1.1\nHost: a\n\n");

        assertThat(request.path()).isEqualTo("/x");
        assertThat(request.headers().first("Host")).isEqualTo("a");
    }

    @Test
    void shouldRejectCrNotFollowedByLf() {
        assertThat(statusOf("GET / HTTP/1.1\rHost: a\r\n\r\n")).isEqualTo(400);
        assertThat(statusOf("GET / HTTP/1.1\r\nHost: a\r\r\n\r\n")).isEqualTo(400);
    }

    @Test
    void shouldSkipEmptyLinesBeforeTheRequestLine() throws HttpException {
        assertThat(parseWhole("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n").path()).isEqualTo("/");
    }

    @Test
    void shouldTrimOptionalWhitespaceAndDecodeObsTextAsLatin1() throws HttpException {
        HttpRequest request = parseWhole("GET / HTTP/1.1\r\nHost:a\r\nX-Name: \t caf\u00e9 au lait \t\r\n\r\n");

        assertThat(request.headers().first("Host")).isEqualTo("a");
        assertThat(request.headers().first("x-name")).isEqualTo("caf\u00e9 au lait");
    }

    @Test
    void shouldKeepRepeatedHeadersInWireOrder() throws HttpException {
        HttpRequest request = parseWhole("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\nx-a: 2\r\nX-A: 3\r\n\r\n");

        assertThat(request.headers().all("X-a")).containsExactly("1", "2", "3");
        assertThat(request.headers().count("X-A")).isEqualTo(3);
    }

    @Test
    void shouldAcceptHeadOfExactlyTheLimitAndRejectOneByteMore() throws HttpException {
        String head = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
        int size = head.length();

        assertThat(new HttpRequestParser(size).parse(bytes(head))).isNotNull();
        assertThat(statusOf(new HttpRequestParser(size - 1), head)).isEqualTo(431);
    }

    @Test
    void shouldFailAsSoonAsTheLimitIsPassedWithoutConsumingMore() {
        HttpRequestParser parser = new HttpRequestParser(100);
        ByteBuffer src = bytes("GET /" + "a".repeat(1000));

        assertThatThrownBy(() -> parser.parse(src))
                .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.status()).isEqualTo(431));
        assertThat(src.position()).isEqualTo(101);
    }

    @Test
    void shouldCountLineEndsAndBlankLinesTowardsTheLimit() {
        HttpRequestParser parser = new HttpRequestParser(64);
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < 65; i++) {
            head.append("\r\n");
        }
        assertThat(statusOf(parser, head.toString())).isEqualTo(431);
    }

    @Test
    void shouldRejectMoreHeaderFieldsThanTheBound() throws HttpException {
        StringBuilder head = new StringBuilder("GET / HTTP/1.1\r\nHost: a\r\n");
        for (int i = 1; i < 10; i++) {
            head.append("X-").append(i).append(": v\r\n");
        }
        String ten = head + "\r\n";
        String eleven = head + "X-10: v\r\n\r\n";

        assertThat(new HttpRequestParser(8192, 10).parse(bytes(ten))).isNotNull();
        assertThat(statusOf(new HttpRequestParser(8192, 10), eleven)).isEqualTo(431);
    }

    @Test
    void shouldRejectTheHundredAndFirstHeaderByDefault() {
        StringBuilder head = new StringBuilder("GET / HTTP/1.1\r\nHost: a\r\n");
        for (int i = 1; i <= 100; i++) {
            head.append("X-").append(i).append(": v\r\n");
        }
        assertThat(statusOf(new HttpRequestParser(65536), head + "\r\n")).isEqualTo(431);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET / HTTP/2.0\r\n",
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        "GET / HTTP/0.9\r\n",
        "GET / HTTP/3\r\n",
        "GET /\r\n",
        "GET /index.html\r\n\r\n",
    })
    void shouldAnswerOtherVersionsWith505(String head) {
        assertThat(statusOf(head)).isEqualTo(505);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET / http/1.1\r\n",
        "GET / HTTP/1.10\r\n",
        "GET / HTTP/1\r\n",
        "GET / HTTP/1.1 \r\n",
        "GET / HTTP/1.x\r\n",
        "GET  / HTTP/1.1\r\n",
        "GET /  HTTP/1.1\r\n",
        " GET / HTTP/1.1\r\n",
        "GET\t/ HTTP/1.1\r\n",
        "GET / HTTP/1.1 extra\r\n",
        "GET\r\n",
        "GET \r\n",
        "G(T / HTTP/1.1\r\n",
        "GET /a\u0000b HTTP/1.1\r\n",
        "GET /caf\u00e9 HTTP/1.1\r\n",
        "GET /a#frag HTTP/1.1\r\n",
        "GET * HTTP/1.1\r\n",
        "GET relative/path HTTP/1.1\r\n",
        "GET 1http://x/ HTTP/1.1\r\n",
    })
    void shouldRejectMalformedRequestLinesWith400(String head) {
        assertThat(statusOf(head)).isEqualTo(400);
    }

    @Test
    void shouldAcceptTheOtherRequestTargetForms() throws HttpException {
        HttpRequest absolute = parseWhole("GET http://example.com/a/b?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n");
        assertThat(absolute.path()).isEqualTo("/a/b");
        assertThat(absolute.query()).isEqualTo("q=1");

        HttpRequest noPath = parseWhole("GET http://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n");
        assertThat(noPath.path()).isEqualTo("/");
        assertThat(noPath.query()).isNull();

        assertThat(parseWhole("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n").path()).isEqualTo("*");
        assertThat(parseWhole("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n").target())
                .isEqualTo("example.com:443");
    }

    @Test
    void shouldAcceptLaterMinorVersionsAsHttp11() throws HttpException {
        HttpRequest request = parseWhole("GET / HTTP/1.2\r\nHost: a\r\n\r\n");

        assertThat(request.isHttp11OrLater()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Host : a",
        "Host\t: a",
        "Ho st: a",
        "Host",
        ": a",
        "Ho\u00e9st: a",
        "X: a\u0000b",
        "X: a\u0001b",
        "X: a\u007fb",
        "X: a\u001fb",
    })
    void shouldRejectMalformedHeaderLinesWith400(String line) {
        assertThat(statusOf("GET / HTTP/1.1\r\nHost: a\r\n" + line + "\r\n\r\n")).isEqualTo(400);
    }

    @Test
    void shouldRejectObsoleteLineFolding() {
        assertThat(statusOf("GET / HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n two\r\n\r\n")).isEqualTo(400);
        assertThat(statusOf("GET / HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n\ttwo\r\n\r\n")).isEqualTo(400);
    }

    @Test
    void shouldRejectWhitespaceBetweenRequestLineAndFirstHeader() {
        assertThat(statusOf("GET / HTTP/1.1\r\n Host: a\r\n\r\n")).isEqualTo(400);
    }

    @Test
    void shouldRequireHostForHttp11Only() throws HttpException {
        assertThat(statusOf("GET / HTTP/1.1\r\n\r\n")).isEqualTo(400);
        assertThat(parseWhole("GET / HTTP/1.0\r\n\r\n").headers().first("Host")).isNull();
    }

    @Test
    void shouldRejectDuplicateOrMalformedHost() {
        assertThat(statusOf("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n")).isEqualTo(400);
        assertThat(statusOf("GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n")).isEqualTo(400);
        assertThat(statusOf("GET / HTTP/1.1\r\nHost: a, b\r\n\r\n")).isEqualTo(400);
        assertThat(statusOf("GET / HTTP/1.1\r\nHost: a b\r\n\r\n")).isEqualTo(400);
        assertThat(statusOf("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n")).isEqualTo(400);
    }

    @Test
    void shouldAcceptHostFormsOfRfc3986() throws HttpException {
        assertThat(parseWhole("GET / HTTP/1.1\r\nHost: [::1]:7681\r\n\r\n").headers().first("Host"))
                .isEqualTo("[::1]:7681");
        assertThat(parseWhole("GET / HTTP/1.1\r\nHost: \r\n\r\n").headers().first("Host")).isEmpty();
    }

    @Test
    void shouldRefuseAnnouncedBodiesWith413() {
        assertThatThrownBy(() -> parseWhole("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"))
                .isInstanceOfSatisfying(HttpException.class, e -> {
                    assertThat(e.status()).isEqualTo(413);
                    assertThat(e.getMessage()).contains("bodies are not accepted");
                });
        assertThat(statusOf("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n")).isEqualTo(413);
        assertThat(statusOf("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n"))
                .isEqualTo(413);
    }

    @Test
    void shouldAcceptZeroContentLength() throws HttpException {
        assertThat(parseWhole("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n")).isNotNull();
        assertThat(parseWhole("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0, 00\r\n\r\n")).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1e3", "0x10", "", "5,", "0, 1", " + 5"})
    void shouldRejectMalformedOrConflictingContentLengthWith400(String value) {
        assertThat(statusOf("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: " + value + "\r\n\r\n")).isEqualTo(400);
    }

    @Test
    void shouldRejectConflictingContentLengthFields() {
        assertThat(statusOf("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 1\r\n\r\n"))
                .isEqualTo(400);
    }

    @Test
    void shouldRejectTinyLimitsAtConstruction() {
        assertThatThrownBy(() -> new HttpRequestParser(15)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpRequestParser(100, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
