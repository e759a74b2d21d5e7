package io.lws4j.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChunkedBodyDecoderTest {

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String decodeWhole(String wire, int maxBody) throws HttpException {
        ChunkedBodyDecoder d = new ChunkedBodyDecoder(maxBody, 256);
        ByteBuffer buf = ascii(wire);
        assertThat(d.feed(buf)).as("complete").isTrue();
        return new String(d.body(), StandardCharsets.ISO_8859_1) + "|" + StandardCharsets
                .ISO_8859_1.decode(buf);
    }

    private static int failure(String wire, int maxBody) {
        ChunkedBodyDecoder d = new ChunkedBodyDecoder(maxBody, 64);
        HttpException e = (HttpException) assertThatThrownBy(() -> d.feed(ascii(wire)))
                .isInstanceOf(HttpException.class).actual();
        // absorbing: the next feed fails the same way
        assertThatThrownBy(() -> d.feed(ascii("0\r\n\r\n"))).isSameAs(e);
        return e.status();
    }

    @Test
    void decodesChunksAndLeavesWhatFollows() throws Exception {
        assertThat(decodeWhole("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\nGET /", 100))
                .isEqualTo("hello world|GET /");
        assertThat(decodeWhole("0\r\n\r\n", 0)).isEqualTo("|");
        assertThat(decodeWhole("00A\r\n0123456789\r\n0000\r\n\r\n", 10))
                .isEqualTo("0123456789|");
        assertThat(decodeWhole("3;name=value ;q=\"x y\"\r\nabc\r\n0 ; last\r\n\r\n", 3))
                .isEqualTo("abc|");
        assertThat(decodeWhole("3\r\nabc\r\n0\r\nX-Sum: 1\r\nY:\t2\r\n\r\nnext", 3))
                .isEqualTo("abc|next");
    }

    @Test
    void byteByByteGivesTheSameBody() throws Exception {
        String wire = "4;e=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nT: v\r\n\r\n";
        ChunkedBodyDecoder d = new ChunkedBodyDecoder(1 << 20, 256);
        byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < bytes.length; i++) {
            boolean done = d.feed(ByteBuffer.wrap(bytes, i, 1));
            assertThat(done).as("done after byte " + i).isEqualTo(i == bytes.length - 1);
        }
        assertThat(new String(d.body(), StandardCharsets.ISO_8859_1))
                .isEqualTo("Wikipedia in\r\n\r\nchunks.");
    }

    @Test
    void theBodyBoundIsExactAndChecksTheSizeBeforeTheData() throws Exception {
        assertThat(decodeWhole("4\r\nabcd\r\n2\r\nef\r\n0\r\n\r\n", 6)).isEqualTo("abcdef|");
        // one over: refused when the size is read, none of its data needed
        assertThat(failure("4\r\nabcd\r\n3\r\n", 6)).isEqualTo(413);
        assertThat(failure("FFFFFFFFFFFFFFFF\r\n", 1 << 20)).isEqualTo(413);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'\\r\\n'",
        "'x\\r\\n'",
        "'-1\\r\\n'",
        "'0x5\\r\\n'",
        "'5\\nhello\\r\\n0\\r\\n\\r\\n'",
        "'5\\r\\nhelloX\\r\\n0\\r\\n\\r\\n'",
        "'5\\r\\nhello\\n0\\r\\n\\r\\n'",
        "'00000000000000001\\r\\n'",
        "'5;a\\u0001b\\r\\n'",
        "'5\\rx'",
        "'0\\r\\nNoColon\\r\\n\\r\\n'",
        "'0\\r\\n: empty name\\r\\n\\r\\n'",
        "'0\\r\\nBad Name: x\\r\\n\\r\\n'",
        "'0\\r\\nX: a\\u0000b\\r\\n\\r\\n'",
        "'0\\r\\n\\rX'",
    })
    void malformedFramingIs400(String escaped) {
        String wire = escaped.replace("\\r", "\r").replace("\\n", "\n")
                .replace("\\u0001", "\u0001").replace("\\u0000", "\u0000");
        assertThat(failure(wire, 1 << 20)).as(escaped).isEqualTo(400);
    }

    @Test
    void extensionsAndTrailersAreBounded() throws Exception {
        String ext = "x".repeat(ChunkedBodyDecoder.MAX_EXTENSION_BYTES - 1);
        assertThat(decodeWhole("1;" + ext + "\r\na\r\n0\r\n\r\n", 1)).isEqualTo("a|");
        assertThat(failure("1;" + ext + "x\r\n", 1)).isEqualTo(400);
        ChunkedBodyDecoder d = new ChunkedBodyDecoder(10, 64);
        assertThat(d.feed(ascii("0\r\nA: " + "v".repeat(40) + "\r\n"))).isFalse();
        assertThatThrownBy(() -> d.feed(ascii("B: " + "v".repeat(40) + "\r\n\r\n")))
                .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.status())
                        .isEqualTo(431));
    }

    @Test
    void framingHeadersAreChecked() throws Exception {
        HttpRequestParser parser = new HttpRequestParser(8192, 100, true);
        ChunkedBodyDecoder.checkFraming(parser.parse(ascii("POST / HTTP/1.1\r\nHost: h\r\n"
                + "Transfer-Encoding: Chunked\r\n\r\n")));
        for (String[] c : new String[][] {
            {"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "HTTP/1.1", "400"},
            {"Transfer-Encoding: chunked\r\n", "HTTP/1.0", "400"},
            {"Transfer-Encoding: gzip, chunked\r\n", "HTTP/1.1", "501"},
            {"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "HTTP/1.1", "501"},
            {"Transfer-Encoding: identity\r\n", "HTTP/1.1", "501"},
        }) {
            HttpRequestParser p = new HttpRequestParser(8192, 100, true);
            HttpRequest head = p.parse(ascii("POST / " + c[1] + "\r\nHost: h\r\n" + c[0]
                    + "\r\n"));
            assertThatThrownBy(() -> ChunkedBodyDecoder.checkFraming(head)).as(c[0])
                    .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.status())
                            .isEqualTo(Integer.parseInt(c[2])));
        }
    }
}
