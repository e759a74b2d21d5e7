package io.lws4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.internal.frame.FrameReader;
import io.lws4j.internal.frame.MessageSink;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The generator's hand-written wire pieces agree with RFC 6455 (checked by lws4j's own reader). */
class WireTest {

    @Test
    void acceptKeyMatchesTheRfcExample() {
        assertThat(Wire.ACCEPT).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void maskedFramesWithPatchedSequenceDecodeToThePatchedPayload() throws Exception {
        for (int size : new int[] {32, 200, 70_000}) {
            byte[] frame = Wire.maskedFrame(Wire.OP_BINARY, new byte[size]);
            Wire.putMaskedLong(frame, Wire.headerLength(size, true), 0, 0x0102030405060708L);
            List<ByteBuffer> got = new ArrayList<>();
            new FrameReader(new Collecting(got), 1 << 20, true).read(ByteBuffer.wrap(frame));
            assertThat(got).hasSize(1);
            assertThat(got.get(0).remaining()).isEqualTo(size);
            assertThat(got.get(0).getLong(0)).isEqualTo(0x0102030405060708L);
        }
    }

    @Test
    void startCommandRoundTripsAndRejectsNonsense() {
        int[] cmd = Wire.parseStartCommand(new String(Wire.startCommand(937, 4096), StandardCharsets.US_ASCII));
        assertThat(cmd).containsExactly(937, 4096);
        assertThat(Wire.parseStartCommand("go 10 8")).isNull();
        assertThat(Wire.parseStartCommand("go x 32")).isNull();
        assertThat(Wire.parseStartCommand("hello")).isNull();
    }

    @Test
    void streamMessageCarriesItsSequenceAtHeadAndTail() {
        ByteBuffer buf = Wire.streamBuffer(64);
        Wire.fillStreamMessage(buf, 41, 64);
        assertThat(buf.remaining()).isEqualTo(64);
        assertThat(buf.getLong(0)).isEqualTo(41);
        assertThat(buf.getLong(56)).isEqualTo(41);
    }

    private record Collecting(List<ByteBuffer> got) implements MessageSink {
        @Override
        public void onText(String text) {
        }

        @Override
        public void onBinary(ByteBuffer data) {
            got.add(data);
        }

        @Override
        public void onPing(ByteBuffer payload) {
        }

        @Override
        public void onPong(ByteBuffer payload) {
        }

        @Override
        public void onClose(int code, String reason) {
        }
    }
}
