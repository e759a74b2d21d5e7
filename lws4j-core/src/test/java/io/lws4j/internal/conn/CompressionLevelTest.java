package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lws4j.Context;
import io.lws4j.internal.loop.ContextImpl;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Context.Builder.compressionLevel}: the server compresses at the level asked (its
 * frame is byte for byte what zlib makes at that level, and differs between levels), the
 * default is {@link Context#DEFAULT_COMPRESSION_LEVEL}, and levels zlib does not know are
 * refused.
 */
class CompressionLevelTest {
    private final RecordingProtocol protocol = new RecordingProtocol();
    private Context context;

    @AfterEach
    void closeAll() {
        if (context != null) {
            context.close();
        }
    }

    /** JSON-like records, different from one another, over the compression threshold. */
    private static String records() {
        SplittableRandom random = new SplittableRandom(7);
        StringBuilder b = new StringBuilder();
        while (b.length() < 4000) {
            b.append("{\"room\":\"r").append(random.nextInt(40)).append("\",\"user\":\"u")
                    .append(random.nextInt(1000)).append("\",\"price\":")
                    .append(random.nextInt(100_000) / 100.0).append(",\"text\":\"")
                    .append(Long.toString(random.nextLong(), 36)).append("\"}\n");
        }
        return b.toString();
    }

    /** What a raw zlib stream at {@code level} makes of the text as a first message. */
    private static byte[] expectedPayload(String text, int level) {
        Deflater deflater = new Deflater(level, true);
        try {
            deflater.setInput(text.getBytes(StandardCharsets.UTF_8));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[16384];
            int n;
            do {
                n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
                out.write(chunk, 0, n);
            } while (n == chunk.length);
            byte[] all = out.toByteArray();
            // RFC 7692 7.2.1: the 00 00 ff ff tail of the flush is not sent
            return Arrays.copyOf(all, all.length - 4);
        } finally {
            deflater.end();
        }
    }

    private byte[] serverPayload(Context.Builder builder, String text) throws Exception {
        context = builder.bindAddress("127.0.0.1").port(0).protocol("echo", protocol).build();
        try (RawClient client = new RawClient(context.port())) {
            DeflateMemoryLimitTest.openWithDeflate(client, "permessage-deflate");
            DeflateMemoryLimitTest.WireFrame frame = DeflateMemoryLimitTest.echo(client, text);
            assertThat(frame.rsv1()).as("compressed").isTrue();
            assertThat(frame.text()).isEqualTo(text);
            return frame.payload();
        } finally {
            context.close();
            context = null;
        }
    }

    @Test
    void theServerCompressesAtTheLevelAsked_andByDefaultAtTheDefaultLevel() throws Exception {
        String text = records();
        byte[] fastest = expectedPayload(text, 1);
        byte[] smallest = expectedPayload(text, 9);
        assertThat(fastest).as("the two levels must differ for this test to tell them apart")
                .isNotEqualTo(smallest);

        assertThat(serverPayload(Context.builder().compressionLevel(1), text)).isEqualTo(fastest);
        assertThat(serverPayload(Context.builder().compressionLevel(9), text)).isEqualTo(smallest);
        assertThat(serverPayload(Context.builder(), text)).isEqualTo(
                expectedPayload(text, Context.DEFAULT_COMPRESSION_LEVEL));
    }

    @Test
    void theContextPoolCarriesTheLevel() {
        context = Context.builder().bindAddress("127.0.0.1").port(0).compressionLevel(4)
                .protocol("echo", protocol).build();
        assertThat(((ContextImpl) context).zlibPool().level()).isEqualTo(4);
    }

    @Test
    void levelsOutsideOneToNineAreRefused() {
        assertThatThrownBy(() -> Context.builder().compressionLevel(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("compressionLevel must be 1 to 9: 0");
        assertThatThrownBy(() -> Context.builder().compressionLevel(10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("compressionLevel must be 1 to 9: 10");
    }
}
