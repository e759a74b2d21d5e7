package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lws4j.Context;
import io.lws4j.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Context.Builder#httpSendTimeout}: a raw-socket client that stops reading a large
 * streamed or static response gets its connection closed once the server could write
 * nothing for the timeout, and the streaming writer is told; a client that reads slowly but
 * steadily is served to the end.
 */
class HttpSendTimeoutTest {
    private static final int PIECE = 64 * 1024;
    private static final long ENDLESS = Long.MAX_VALUE;

    private final ExecutorService writers = Executors.newCachedThreadPool();
    private final CompletableFuture<Throwable> writerEnd = new CompletableFuture<>();
    private final AtomicLong written = new AtomicLong();
    private final StringBuilder tail = new StringBuilder();
    private Context context;
    @TempDir
    Path www;

    private void start(Duration sendTimeout, long streamBytes) throws IOException {
        byte[] big = new byte[16 * 1024 * 1024];
        Files.write(www.resolve("big.bin"), big);
        context = Context.builder().bindAddress("127.0.0.1").port(0)
                .protocol("echo", new RecordingProtocol())
                .mount("/files", www)
                .httpSendTimeout(sendTimeout)
                .http("/stream", (req, ex) -> {
                    HttpExchange.HttpBodyStream sink = ex.stream(200, "application/octet-stream");
                    writers.execute(() -> stream(sink, streamBytes));
                })
                .build();
    }

    @AfterEach
    void stop() {
        if (context != null) {
            context.close();
        }
        writers.shutdownNow();
    }

    /** Writes until {@code total} bytes went out or a write fails; reports how it ended. */
    private void stream(HttpExchange.HttpBodyStream sink, long total) {
        try {
            byte[] piece = new byte[PIECE];
            while (written.get() < total) {
                sink.write(ByteBuffer.wrap(piece)).toCompletableFuture().get(120, TimeUnit.SECONDS);
                written.addAndGet(PIECE);
            }
            sink.end();
            writerEnd.complete(null);
        } catch (Throwable t) {
            writerEnd.complete(t);
        }
    }

    private static RawClient request(int port, String target) throws IOException {
        RawClient raw = new RawClient(port, 60_000);
        raw.send(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return raw;
    }

    /**
     * Reads to the end of stream (or a reset; a read timeout fails the test); returns the
     * bytes read and keeps the last five in {@link #tail}.
     */
    private long drain(RawClient raw) throws IOException {
        InputStream in = raw.input();
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                total += n;
                for (int i = 0; i < n; i++) {
                    tail.append((char) buf[i]);
                }
                tail.delete(0, Math.max(0, tail.length() - 5));
            }
        } catch (java.net.SocketException reset) {
            // a reset ends the stream too
        }
        return total;
    }

    @Test
    void aStreamedResponseTheClientStopsReadingIsClosedAndTheWriterTold() throws Exception {
        start(Duration.ofSeconds(1), ENDLESS);
        try (RawClient raw = request(context.port(), "/stream")) {
            assertThat(raw.readHead()).startsWith("HTTP/1.1 200 ");
            // the client reads nothing more: the writer stalls, then the timeout closes
            Throwable end = writerEnd.get(60, TimeUnit.SECONDS);
            assertThat(end).as("the writer's stage failed").isNotNull();
            assertThat(end).hasRootCauseInstanceOf(IOException.class);
            long sent = written.get();
            assertThat(sent).isPositive();
            // what was in flight arrives, then the end of stream, without the last chunk
            assertThat(drain(raw)).isPositive();
            assertThat(tail.toString()).isNotEqualTo("0\r\n\r\n");
        }
    }

    @Test
    void aStaticFileTheClientStopsReadingIsCutShort() throws Exception {
        start(Duration.ofSeconds(1), ENDLESS);
        try (RawClient raw = request(context.port(), "/files/big.bin")) {
            assertThat(raw.readHead()).startsWith("HTTP/1.1 200 ").contains("Content-Length: 16777216");
            // stop reading long enough for the timeout to fire with a full socket
            Thread.sleep(5_000);
            assertThat(drain(raw)).as("bytes of the file received").isLessThan(16L * 1024 * 1024);
        }
    }

    @Test
    void aSlowButSteadyReaderIsServedToTheEnd() throws Exception {
        long total = 4L * 1024 * 1024;
        start(Duration.ofSeconds(3), total);
        try (RawClient raw = request(context.port(), "/stream")) {
            assertThat(raw.readHead()).startsWith("HTTP/1.1 200 ").contains("chunked");
            InputStream in = raw.input();
            byte[] buf = new byte[32 * 1024];
            long body = 0;
            // the chunked body ends with "0\r\n\r\n"; read until the writer finished and
            // everything it wrote arrived, pausing between reads well inside the timeout
            while (!(writerEnd.isDone() && body >= total)) {
                int n = in.read(buf);
                assertThat(n).as("the connection stays open").isPositive();
                body += n;
                Thread.sleep(20);
            }
            assertThat(writerEnd.get()).isNull();
        }
        assertThatThrownBy(() -> Context.builder().httpSendTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
