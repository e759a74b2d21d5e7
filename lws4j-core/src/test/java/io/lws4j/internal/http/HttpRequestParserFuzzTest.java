package io.lws4j.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lws4j.internal.loop.ContextConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coverage-guided fuzzing of the request parser and what consumes its output. Without
 * {@code JAZZER_FUZZ=1} each method runs once per file of its seed corpus
 * ({@code src/test/resources/io/lws4j/internal/http/HttpRequestParserFuzzTestInputs/<method>/})
 * as a regression test.
 *
 * <p>Input layout: byte 0 chooses the chunk size the input is fed in (1..64), bytes 1-2 the
 * head limit (16..8207), byte 3 the header-count limit (1..128); the rest is the bytes on
 * the wire.
 */
class HttpRequestParserFuzzTest {

    private static final List<Integer> PARSER_STATUSES = List.of(400, 413, 431, 505);

    @TempDir
    static Path mountRoot;

    /** What one parse run produced: a request or an error status, and the bytes consumed. */
    private record Outcome(HttpRequest request, int status, int consumed) {
    }

    @FuzzTest(maxDuration = "5m")
    void parserAnswersEveryInputWithRequestOrHttpException(byte[] data) {
        if (data.length < 4) {
            return;
        }
        int chunk = (data[0] & 0x3F) + 1;
        int maxHeadBytes = 16 + (((data[1] & 0xFF) << 8 | (data[2] & 0xFF)) % 8192);
        int maxHeaders = 1 + (data[3] & 0x7F);
        byte[] wire = Arrays.copyOfRange(data, 4, data.length);

        Outcome whole = parse(wire, wire.length, maxHeadBytes, maxHeaders);
        Outcome chunked = parse(wire, chunk, maxHeadBytes, maxHeaders);

        assertThat(chunked).as("same outcome whatever the chunking").isEqualTo(whole);
        if (whole.request() == null && whole.status() == 0) {
            assertThat(whole.consumed()).as("an incomplete head consumes everything").isEqualTo(wire.length);
            assertThat(wire.length).isLessThanOrEqualTo(maxHeadBytes);
        } else if (whole.request() != null) {
            HttpRequest request = whole.request();
            assertThat(whole.consumed()).isLessThanOrEqualTo(maxHeadBytes);
            assertThat(HttpSyntax.isToken(request.method())).isTrue();
            assertThat(request.version()).startsWith("HTTP/1.");
            assertThat(request.headers().size()).isLessThanOrEqualTo(maxHeaders);
            assertThat(request.path()).isNotNull();
            UpgradeDecision decision = UpgradeHandshake.decide(request, List.of("a", "b"),
                    origin -> origin == null || origin.startsWith("http"));
            if (decision instanceof UpgradeDecision.Reject reject) {
                assertThat(reject.response().status()).isIn(400, 403, 405, 426);
            }
            HttpResponse response = staticFiles().respond(request);
            assertThat(response.status()).isIn(200, 301, 400, 403, 404, 405);
            if (response.bodyFile() != null) {
                assertThat(response.bodyFile()).startsWith(realRoot());
            }
        } else {
            assertThat(whole.status()).isIn(PARSER_STATUSES);
            assertThat(whole.consumed()).isLessThanOrEqualTo(maxHeadBytes + 1);
        }
    }

    private static Outcome parse(byte[] wire, int chunk, int maxHeadBytes, int maxHeaders) {
        HttpRequestParser parser = new HttpRequestParser(maxHeadBytes, maxHeaders);
        ByteBuffer src = ByteBuffer.wrap(wire, 0, 0);
        try {
            while (src.position() < wire.length) {
                // wrap keeps absolute positions, so src.position() is the offset in wire
                src = ByteBuffer.wrap(wire, src.position(), Math.min(chunk, wire.length - src.position()));
                HttpRequest request = parser.parse(src);
                if (request != null) {
                    return new Outcome(request, 0, src.position());
                }
                assertThat(src.hasRemaining()).as("an incomplete head leaves nothing unread").isFalse();
            }
            return new Outcome(null, 0, src.position());
        } catch (HttpException e) {
            return new Outcome(null, e.status(), src.position());
        }
    }

    private static StaticFiles staticFiles() {
        try {
            if (!Files.exists(mountRoot.resolve("index.html"))) {
                Files.writeString(mountRoot.resolve("index.html"), "<p>fuzz</p>");
                Files.createDirectories(mountRoot.resolve("sub"));
                Files.writeString(mountRoot.resolve("sub/a.txt"), "a");
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return new StaticFiles(List.of(new ContextConfig.Mount("/", mountRoot)));
    }

    private static Path realRoot() {
        try {
            return mountRoot.toRealPath();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
