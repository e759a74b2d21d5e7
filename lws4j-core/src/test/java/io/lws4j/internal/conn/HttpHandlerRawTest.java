package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Context;
import io.lws4j.HttpExchange;
import io.lws4j.internal.loop.ContextImpl;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dynamic HTTP handlers against raw sockets: malformed and hostile requests, framing. */
class HttpHandlerRawTest {
    private final BlockingQueue<HttpExchange> parked = new LinkedBlockingQueue<>();
    private Context context;
    @TempDir
    Path www;

    private void start(Duration responseTimeout) throws IOException {
        Files.createDirectories(www.resolve("api"));
        Files.writeString(www.resolve("api/x"), "static api");
        Files.writeString(www.resolve("file.txt"), "static file");
        context = Context.builder().bindAddress("127.0.0.1").port(0)
                .mount("/", www)
                .protocol("echo", new RecordingProtocol())
                .handshakeTimeout(responseTimeout)
                .maxHttpBodyBytes(1024)
                .http("/health", (req, ex) -> ex.respond(200, "text/plain", "ok"))
                .http("/api/*", (req, ex) -> ex.respond(200, "text/plain",
                        new String(ex.body(), StandardCharsets.UTF_8)))
                .http("/parked", (req, ex) -> parked.add(ex))
                .http("/stream", (req, ex) -> {
                    HttpExchange.HttpBodyStream sink = ex.stream(200, "text/plain");
                    sink.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
                })
                .http("/late-throw", (req, ex) -> {
                    ex.respond(200, "text/plain", "given");
                    throw new IllegalStateException("thrown after responding, on purpose");
                })
                .http("/chat", (req, ex) -> ex.respond(200, "text/plain", "not the websocket"))
                .build();
    }

    private void start() throws IOException {
        start(Duration.ofSeconds(10));
    }

    @AfterEach
    void closeContext() {
        if (context != null) {
            context.close();
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void badPercentEncodingGets400() throws Exception {
        start();
        for (String target : new String[] {"/api/%zz", "/api/x?q=%G1", "/api/%"}) {
            try (RawClient c = new RawClient(context.port())) {
                c.send(ascii("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
                assertThat(c.readHead()).as(target).startsWith("HTTP/1.1 400");
            }
        }
    }

    @Test
    void aBodyOverTheBoundGets413BeforeItIsSent() throws Exception {
        start();
        try (RawClient c = new RawClient(context.port())) {
            // announce 100 MiB and send none of it: the answer must not wait for the body
            c.send(ascii("POST /api/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 104857600"
                    + "\r\n\r\n"));
            String head = c.readHead();
            assertThat(head).startsWith("HTTP/1.1 413").contains("Connection: close");
            drain(c.input());
        }
    }

    @Test
    void aPostWithoutALengthOrChunkedFramingGets411() throws Exception {
        start();
        for (String head : new String[] {
            "POST /api/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"}) {
            try (RawClient c = new RawClient(context.port())) {
                c.send(ascii(head));
                assertThat(c.readHead()).as(head).startsWith("HTTP/1.1 411");
            }
        }
    }

    @Test
    void aBodyArrivingInPiecesAndPipelinedRequestsAreServedInOrder() throws Exception {
        start();
        try (RawClient c = new RawClient(context.port())) {
            c.send(ascii("POST /api/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n"
                    + "hello"));
            Thread.sleep(50);
            c.send(ascii("world" + "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    + "HEAD /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            assertThat(c.readHead()).startsWith("HTTP/1.1 200").contains("Content-Length: 10");
            assertThat(new String(c.readBytes(10), StandardCharsets.US_ASCII))
                    .isEqualTo("helloworld");
            assertThat(c.readHead()).startsWith("HTTP/1.1 200").contains("Content-Length: 2");
            assertThat(new String(c.readBytes(2), StandardCharsets.US_ASCII)).isEqualTo("ok");
            assertThat(c.readHead()).startsWith("HTTP/1.1 200").contains("Content-Length: 2");
            // HEAD: no body; the connection serves the next request right after the head
            c.send(ascii("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
            assertThat(c.readHead()).startsWith("HTTP/1.1 200").contains("Connection: close");
            assertThat(new String(c.readBytes(2), StandardCharsets.US_ASCII)).isEqualTo("ok");
            assertThat(c.input().read()).as("closed after Connection: close").isEqualTo(-1);
        }
    }

    @Test
    void aClientExpectingContinueGetsItBeforeSendingTheBody() throws Exception {
        start();
        try (RawClient c = new RawClient(context.port())) {
            c.send(ascii("POST /api/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\n"
                    + "Expect: 100-continue\r\n\r\n"));
            assertThat(c.readHead()).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            c.send(ascii("body"));
            assertThat(c.readHead()).startsWith("HTTP/1.1 200").contains("Content-Length: 4");
            assertThat(new String(c.readBytes(4), StandardCharsets.US_ASCII)).isEqualTo("body");
        }
    }

    @Test
    void streamsAreChunkedForHttp11AndCloseDelimitedForHttp10() throws Exception {
        start();
        try (RawClient c = new RawClient(context.port())) {
            c.send(ascii("GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            assertThat(c.readHead()).startsWith("HTTP/1.1 200")
                    .contains("Transfer-Encoding: chunked");
            assertThat(new String(c.readBytes(10), StandardCharsets.US_ASCII))
                    .isEqualTo("5\r\nhello\r\n");
        }
        try (RawClient c = new RawClient(context.port())) {
            c.send(ascii("GET /stream HTTP/1.0\r\n\r\n"));
            String head = c.readHead();
            assertThat(head).startsWith("HTTP/1.1 200").contains("Connection: close")
                    .doesNotContain("Transfer-Encoding");
            assertThat(new String(c.readBytes(5), StandardCharsets.US_ASCII)).isEqualTo("hello");
        }
    }

    @Test
    void aHandlerThrowingAfterItsResponseStillSendsIt() throws Exception {
        start();
        try (RawClient c = new RawClient(context.port())) {
            c.send(ascii("GET /late-throw HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            assertThat(c.readHead()).startsWith("HTTP/1.1 200");
            assertThat(new String(c.readBytes(5), StandardCharsets.US_ASCII)).isEqualTo("given");
        }
    }

    @Test
    void handlersComeBeforeTheMountsAndTheMountsServeTheRest() throws Exception {
        start();
        try (RawClient c = new RawClient(context.port())) {
            c.send(ascii("GET /api/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    + "GET /file.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            assertThat(c.readHead()).startsWith("HTTP/1.1 200").contains("Content-Length: 0");
            assertThat(c.readHead()).startsWith("HTTP/1.1 200").contains("Content-Length: 11");
            assertThat(new String(c.readBytes(11), StandardCharsets.US_ASCII))
                    .isEqualTo("static file");
            // a body for the mounts is refused: only handlers read bodies
            c.send(ascii("POST /file.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3"
                    + "\r\n\r\nabc"));
            assertThat(c.readHead()).startsWith("HTTP/1.1 413");
        }
    }

    @Test
    void anUpgradeOnAHandlerPathGoesToTheWebsocket() throws Exception {
        start();
        try (RawClient c = new RawClient(context.port())) {
            assertThat(c.handshake()).startsWith("HTTP/1.1 101");
        }
        try (RawClient c = new RawClient(context.port())) {
            c.send(ascii("GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            assertThat(c.readHead()).startsWith("HTTP/1.1 200");
            assertThat(new String(c.readBytes(17), StandardCharsets.US_ASCII))
                    .isEqualTo("not the websocket");
        }
    }

    @Test
    void aClientLeavingDuringADeferredResponseLeavesNothingBehind() throws Exception {
        start();
        int before = HttpExchangeImpl.liveCount();
        HttpExchange ex;
        try (RawClient c = new RawClient(context.port())) {
            c.send(ascii("GET /parked HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            ex = parked.poll(10, TimeUnit.SECONDS);
            assertThat(ex).as("the handler ran").isNotNull();
            assertThat(HttpExchangeImpl.liveCount()).isEqualTo(before + 1);
            assertThat(ex.isDone()).isFalse();
        }
        await(ex::isDone, "the exchange closes when the client leaves");
        await(() -> HttpExchangeImpl.liveCount() == before, "the connection released it");
        await(() -> connectionCount() == 0, "the connection closed");
        assertThat(ex.respond(200, "text/plain", "too late")).isFalse();
        assertThat(ex.stream(200, "text/plain")).isNull();
    }

    @Test
    void aDeferredResponseThatNeverComesGets503() throws Exception {
        start(Duration.ofMillis(300));
        int before = HttpExchangeImpl.liveCount();
        try (RawClient c = new RawClient(context.port(), 10_000)) {
            c.send(ascii("GET /parked HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            assertThat(c.readHead()).startsWith("HTTP/1.1 503");
            drain(c.input());
        }
        HttpExchange ex = parked.poll(1, TimeUnit.SECONDS);
        assertThat(ex).isNotNull();
        assertThat(ex.isDone()).isTrue();
        assertThat(ex.respond(200, "text/plain", "too late")).isFalse();
        await(() -> HttpExchangeImpl.liveCount() == before, "the connection released it");
    }

    private int connectionCount() {
        return ((ContextImpl) context).loops().get(0).connectionCount();
    }

    private static void drain(InputStream in) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        in.transferTo(sink);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
