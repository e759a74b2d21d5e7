package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lws4j.Context;
import io.lws4j.HttpExchange;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Dynamic HTTP handlers against the JDK's HttpClient on 127.0.0.1. */
class HttpHandlerTest {
    private static final int OUTBOUND_BOUND = 256 * 1024;
    private static final int PIECE = 64 * 1024;
    private static final long STREAM_BYTES = 64L * 1024 * 1024;

    private final ExecutorService workers = Executors.newFixedThreadPool(2);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final Set<Integer> peerPorts = ConcurrentHashMap.newKeySet();
    private final List<Boolean> secondCompletions = new CopyOnWriteArrayList<>();
    private final AtomicLong streamedWritten = new AtomicLong();
    private final AtomicLong writesThatWaited = new AtomicLong();
    private final AtomicReference<Throwable> streamFailure = new AtomicReference<>();
    private final AtomicBoolean overlappingWriteRefused = new AtomicBoolean();
    private Context context;

    private void start() {
        context = Context.builder().bindAddress("127.0.0.1").port(0)
                .protocol("echo", new RecordingProtocol())
                .maxOutboundBytes(OUTBOUND_BOUND)
                .maxHttpBodyBytes(1024)
                .http("/health", (req, ex) -> {
                    peerPorts.add(req.peerAddress().getPort());
                    ex.header("X-Probe", "yes");
                    ex.respond(200, "text/plain; charset=utf-8", "ok");
                })
                .http("/api/*", (req, ex) -> ex.respond(200, "application/json",
                        "{\"path\":\"" + req.path() + "\",\"q\":\""
                                + req.queryParam("q").orElse("") + "\",\"body\":\""
                                + new String(ex.body(), StandardCharsets.UTF_8) + "\"}"))
                .http("/later", (req, ex) -> workers.execute(() -> {
                    sleep(100);
                    secondCompletions.add(ex.respond(202, "text/plain", "later"));
                    secondCompletions.add(ex.respond(500, "text/plain", "again"));
                }))
                .http("/boom", (req, ex) -> {
                    throw new IllegalStateException("handler failure on purpose");
                })
                .http("/big", (req, ex) -> {
                    HttpExchange.HttpBodyStream sink = ex.stream(200, "application/octet-stream");
                    workers.execute(() -> streamPattern(sink));
                })
                .build();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        workers.shutdownNow();
        workers.awaitTermination(10, TimeUnit.SECONDS);
        if (context != null) {
            context.close();
        }
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + context.port() + pathAndQuery);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void getHeadAndPostReachTheirHandlers() throws Exception {
        start();
        HttpResponse<String> get = send(HttpRequest.newBuilder(uri("/health")));
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo("ok");
        assertThat(get.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(get.headers().firstValue("X-Probe")).hasValue("yes");

        HttpResponse<String> head = send(HttpRequest.newBuilder(uri("/health"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Length")).hasValue("2");
        assertThat(head.body()).isEmpty();

        HttpResponse<String> post = send(HttpRequest.newBuilder(uri("/api/items%20x?q=a%26b"))
                .POST(HttpRequest.BodyPublishers.ofString("hello")));
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.body())
                .isEqualTo("{\"path\":\"/api/items x\",\"q\":\"a&b\",\"body\":\"hello\"}");
    }

    @Test
    void oneConnectionCarriesSeveralRequests() throws Exception {
        start();
        for (int i = 0; i < 5; i++) {
            assertThat(send(HttpRequest.newBuilder(uri("/health"))).statusCode()).isEqualTo(200);
        }
        assertThat(peerPorts).as("client ports seen by the handler: one kept-alive connection")
                .hasSize(1);
    }

    @Test
    void bodiesOverTheBoundGet413() throws Exception {
        start();
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/x"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[4096])));
        assertThat(r.statusCode()).isEqualTo(413);
        HttpResponse<String> fits = send(HttpRequest.newBuilder(uri("/api/x"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(1024))));
        assertThat(fits.statusCode()).isEqualTo(200);
    }

    @Test
    void unknownPathsGet404AndOtherMethods405WithAllow() throws Exception {
        start();
        assertThat(send(HttpRequest.newBuilder(uri("/nothing-here"))).statusCode()).isEqualTo(404);
        HttpResponse<String> put = send(HttpRequest.newBuilder(uri("/api/x"))
                .PUT(HttpRequest.BodyPublishers.ofString("x")));
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Allow")).hasValue("GET, HEAD, POST");
    }

    @Test
    void aDeferredResponseCompletedOnAWorkerArrivesAndTheSecondCompletionIsIgnored()
            throws Exception {
        start();
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/later")));
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.body()).isEqualTo("later");
        // the worker records respond's result after the response may have reached us
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (secondCompletions.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(secondCompletions).containsExactly(true, false);
        // the connection is still good for the next request
        assertThat(send(HttpRequest.newBuilder(uri("/health"))).statusCode()).isEqualTo(200);
    }

    @Test
    void aThrowingHandlerGets500() throws Exception {
        start();
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/boom")));
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(send(HttpRequest.newBuilder(uri("/health"))).statusCode()).isEqualTo(200);
    }

    @Test
    void aLargeStreamedResponseWaitsForTheClient() throws Exception {
        start();
        HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(uri("/big"))
                .timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        try (InputStream in = r.body()) {
            // not reading: the writer must stall well before the whole body is queued
            long stalled = awaitStall();
            assertThat(stalled).as("bytes accepted while the client did not read")
                    .isLessThan(STREAM_BYTES / 2);
            byte[] buf = new byte[128 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] != (byte) ((total + i) % 251)) {
                        throw new AssertionError("byte " + (total + i) + " differs");
                    }
                }
                total += n;
            }
            assertThat(total).isEqualTo(STREAM_BYTES);
        }
        assertThat(streamFailure.get()).isNull();
        assertThat(writesThatWaited.get()).as("writes whose stage completed only on drain")
                .isPositive();
        assertThat(overlappingWriteRefused).isTrue();
    }

    private long awaitStall() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long last = -1;
        while (System.nanoTime() < deadline) {
            long now = streamedWritten.get();
            if (now == last && now > 0) {
                return now;
            }
            last = now;
            Thread.sleep(500);
        }
        throw new AssertionError("the writer never stalled: " + streamedWritten.get());
    }

    private void streamPattern(HttpExchange.HttpBodyStream sink) {
        try {
            long offset = 0;
            byte[] piece = new byte[PIECE];
            while (offset < STREAM_BYTES) {
                for (int i = 0; i < PIECE; i++) {
                    piece[i] = (byte) ((offset + i) % 251);
                }
                var stage = sink.write(ByteBuffer.wrap(piece)).toCompletableFuture();
                if (!stage.isDone()) {
                    writesThatWaited.incrementAndGet();
                    try {
                        // empty: sends nothing should the stage complete meanwhile
                        sink.write(ByteBuffer.allocate(0));
                    } catch (IllegalStateException expected) {
                        overlappingWriteRefused.set(true);
                    }
                }
                stage.get(60, TimeUnit.SECONDS);
                offset += PIECE;
                streamedWritten.set(offset);
            }
            assertThat(sink.end()).isTrue();
            assertThatThrownBy(() -> sink.write(ByteBuffer.wrap(piece)))
                    .isInstanceOf(IllegalStateException.class);
        } catch (Throwable t) {
            streamFailure.set(t);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
