package io.lws4j.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lws4j.HttpHandler;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Handler routing by path and the body announcements a handler's parser lets through. */
class HttpRoutesTest {
    private final HttpHandler health = (req, ex) -> { };
    private final HttpHandler api = (req, ex) -> { };
    private final HttpHandler apiV2 = (req, ex) -> { };
    private final HttpHandler root = (req, ex) -> { };

    @Test
    void exactBeatsPrefixAndLongerPrefixBeatsShorter() {
        Map<String, HttpHandler> handlers = new LinkedHashMap<>();
        handlers.put("/health", health);
        handlers.put("/api/*", api);
        handlers.put("/api/v2/*", apiV2);
        HttpRoutes routes = new HttpRoutes(handlers, 10);
        assertThat(routes.match("/health")).isSameAs(health);
        assertThat(routes.match("/health/x")).isNull();
        assertThat(routes.match("/api")).isSameAs(api);
        assertThat(routes.match("/api/items")).isSameAs(api);
        assertThat(routes.match("/apix")).isNull();
        assertThat(routes.match("/api/v2/items")).isSameAs(apiV2);
        assertThat(routes.maxBodyBytes()).isEqualTo(10);
        handlers.put("/*", root);
        assertThat(new HttpRoutes(handlers, 10).match("/anything")).isSameAs(root);
        assertThat(HttpRoutes.NONE.isEmpty()).isTrue();
        assertThat(HttpRoutes.NONE.match("/health")).isNull();
    }

    @Test
    void malformedPatternsAreRefused() {
        assertThatThrownBy(() -> new HttpRoutes(Map.of("health", health), 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpRoutes(Map.of("/a*", health), 10))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aParserAcceptingBodiesReturnsTheHeadAndLeavesTheBody() throws HttpException {
        HttpRequestParser parser = new HttpRequestParser(8192,
                HttpRequestParser.DEFAULT_MAX_HEADERS, true);
        ByteBuffer in = ByteBuffer.wrap(("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n"
                + "hello").getBytes(StandardCharsets.US_ASCII));
        HttpRequest req = parser.parse(in);
        assertThat(req).isNotNull();
        assertThat(req.announcedBodyLength()).isEqualTo(5);
        assertThat(req.announcesBody()).isTrue();
        assertThat(in.remaining()).as("the body stays for the caller").isEqualTo(5);
    }

    @Test
    void announcedLengthsAreReadFromTheHead() throws HttpException {
        assertThat(head("Content-Length: 0\r\n").announcedBodyLength()).isZero();
        assertThat(head("Content-Length: 0\r\n").announcesBody()).isFalse();
        assertThat(head("").announcedBodyLength()).isEqualTo(-2);
        assertThat(head("Transfer-Encoding: chunked\r\n").announcedBodyLength()).isEqualTo(-1);
        assertThat(head("Content-Length: 7, 7\r\n").announcedBodyLength()).isEqualTo(7);
        assertThat(head("Content-Length: 99999999999999999999999\r\n").announcedBodyLength())
                .isEqualTo(Long.MAX_VALUE);
        assertThat(HttpRequestParserTest.statusOf(new HttpRequestParser(8192,
                HttpRequestParser.DEFAULT_MAX_HEADERS, true),
                "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 2\r\n\r\n"))
                .as("conflicting lengths stay a 400").isEqualTo(400);
    }

    private static HttpRequest head(String fields) throws HttpException {
        HttpRequestParser parser = new HttpRequestParser(8192,
                HttpRequestParser.DEFAULT_MAX_HEADERS, true);
        return parser.parse(ByteBuffer.wrap(("POST / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n")
                .getBytes(StandardCharsets.US_ASCII)));
    }
}
