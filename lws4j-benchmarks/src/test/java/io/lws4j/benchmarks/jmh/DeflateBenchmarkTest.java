package io.lws4j.benchmarks.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.internal.deflate.MessageInflater;
import io.lws4j.internal.frame.FrameReader;
import io.lws4j.internal.frame.MessageSink;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DeflateBenchmark measures what it claims: its frames are real permessage-deflate frames of
 * its messages, replaying them past the end of a pass decodes correctly (with a shared window
 * too), and the messages have the stated size and vary.
 */
class DeflateBenchmarkTest {
    private static final int RSV1 = 0x40;

    @ParameterizedTest
    @ValueSource(ints = {32, 1024, 4096})
    void messagesHaveExactlyTheSizeAndDiffer(int size) {
        String[] texts = ChatTickerText.messages(size, ChatTickerText.cycleLength(size), DeflateBenchmark.SEED);
        assertThat((long) texts.length * size).isGreaterThanOrEqualTo(256 * 1024);
        Set<String> distinct = new HashSet<>();
        for (int i = 0; i < texts.length; i++) {
            assertThat(texts[i].getBytes(StandardCharsets.UTF_8)).hasSize(size);
            assertThat(texts[i]).startsWith("{\"");
            if (i > 0) {
                assertThat(texts[i]).isNotEqualTo(texts[i - 1]);
            }
            distinct.add(texts[i]);
        }
        assertThat(distinct.size()).isGreaterThan(texts.length * 9 / 10);
    }

    @ParameterizedTest
    @CsvSource({"true, 1", "false, 1", "true, 6", "false, 6"})
    void deflateFramesInflateToTheMessagesPastTheEndOfAPass(boolean takeover, int level)
            throws Exception {
        DeflateBenchmark bench = new DeflateBenchmark();
        DeflateBenchmark.Sender sender = new DeflateBenchmark.Sender();
        sender.size = 1024;
        sender.takeover = takeover;
        sender.level = level;
        sender.setup();
        assertThat(sender.pool.level()).isEqualTo(level);
        List<String> got = new ArrayList<>();
        // a client's reader: unmasked server frames, the inflater resetting as the sender does
        MessageInflater inflater = new MessageInflater(!takeover);
        FrameReader client = new FrameReader(new Texts(got), DeflateBenchmark.MAX_MESSAGE_SIZE, false, inflater);
        int n = sender.texts.length;
        long wire = 0;
        try {
            for (int i = 0; i < 2 * n + 3; i++) {
                ByteBuffer frame = bench.deflate(sender);
                assertThat(frame.get(0) & RSV1).isEqualTo(RSV1);
                wire += frame.remaining();
                client.read(frame);
            }
        } finally {
            sender.tearDown();
            inflater.release();
        }
        assertThat(got).hasSize(2 * n + 3);
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i)).isEqualTo(sender.texts[i % n]);
        }
        assertThat(wire).isLessThan((long) got.size() * 1024 / 2);
    }

    @ParameterizedTest
    @CsvSource({"32, true", "32, false", "1024, true", "1024, false"})
    void inflateReplaysTheClientFramesCorrectly(int size, boolean takeover) throws Exception {
        DeflateBenchmark bench = new DeflateBenchmark();
        DeflateBenchmark.Receiver receiver = new DeflateBenchmark.Receiver();
        receiver.size = size;
        receiver.takeover = takeover;
        receiver.setup();
        int n = receiver.texts.length;
        try {
            for (ByteBuffer frame : receiver.frames) {
                assertThat(frame.get(0) & RSV1).isEqualTo(RSV1);
                assertThat(frame.get(1) & 0x80).isEqualTo(0x80); // masked, as a client's
            }
            int calls = 2 * n + 3;
            for (int i = 0; i < calls; i++) {
                bench.inflate(receiver);
            }
            assertThat(receiver.sink.count).isEqualTo(calls * size);
        } finally {
            receiver.tearDown();
        }
        // the same frames, read past the end of a pass by a reader that keeps the texts
        List<String> got = new ArrayList<>();
        MessageInflater inflater = new MessageInflater(!takeover);
        FrameReader server = new FrameReader(new Texts(got), DeflateBenchmark.MAX_MESSAGE_SIZE, true, inflater);
        try {
            for (int i = 0; i < 2 * n + 3; i++) {
                server.read(receiver.frames[i % n].duplicate());
            }
        } finally {
            inflater.release();
        }
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i)).isEqualTo(receiver.texts[i % n]);
        }
        assertThat(got).hasSize(2 * n + 3);
    }

    @Test
    void baselinesFrameTheMessageUncompressedAndReadIt() throws Exception {
        DeflateBenchmark bench = new DeflateBenchmark();
        DeflateBenchmark.Plain under = new DeflateBenchmark.Plain();
        DeflateBenchmark.Plain plain = new DeflateBenchmark.Plain();
        DeflateBenchmark.Plain read = new DeflateBenchmark.Plain();
        for (DeflateBenchmark.Plain p : List.of(under, plain, read)) {
            p.size = 4096;
            p.setup();
        }
        try {
            for (int i = 0; i < under.texts.length + 2; i++) {
                ByteBuffer a = bench.underThresholdFrame(under);
                ByteBuffer b = bench.noDeflateFrame(plain);
                assertThat(a.get(0) & RSV1).isZero();
                assertThat(a.remaining()).isEqualTo(4096 + 4); // 2 bytes + a 16-bit length
                assertThat(a).isEqualTo(b);
                bench.readUncompressed(read);
            }
            assertThat(read.sink.count).isEqualTo((read.texts.length + 2) * 4096);
        } finally {
            for (DeflateBenchmark.Plain p : List.of(under, plain, read)) {
                p.tearDown();
            }
        }
    }

    @Test
    void sizesTableHasARowPerSizeWithTheFrameLengths() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DeflateSizes.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), 32, 1024);
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines[2]).startsWith("| 32 | 1 | 8192 | 34.0 | ");
        assertThat(lines[3]).startsWith("| 32 | 6 | 8192 | 34.0 | ");
        assertThat(lines[4]).startsWith("| 1024 | 1 | 256 | 1028.0 | ");
        assertThat(lines[5]).startsWith("| 1024 | 6 | 256 | 1028.0 | ");
        for (String line : List.of(lines[4], lines[5])) {
            assertThat(line).endsWith("| 100.0% |");
            String[] row = line.split("\\|");
            assertThat(Double.parseDouble(row[5].trim())).isBetween(1.0, 1028.0 / 2);
            assertThat(Double.parseDouble(row[7].trim())).isBetween(1.0, 1028.0);
        }
        // level 6 searches harder: never more bytes than level 1 on this text
        double fast = Double.parseDouble(lines[4].split("\\|")[5].trim());
        double small = Double.parseDouble(lines[5].split("\\|")[5].trim());
        assertThat(small).isLessThan(fast);
    }

    /** Keeps every text message. */
    private static final class Texts implements MessageSink {
        private final List<String> texts;

        Texts(List<String> texts) {
            this.texts = texts;
        }

        @Override
        public void onText(String text) {
            texts.add(text);
        }

        @Override
        public void onBinary(ByteBuffer data) {
            throw new AssertionError("binary message");
        }

        @Override
        public void onPing(ByteBuffer payload) {
            throw new AssertionError("ping");
        }

        @Override
        public void onPong(ByteBuffer payload) {
            throw new AssertionError("pong");
        }

        @Override
        public void onClose(int code, String reason) {
            throw new AssertionError("close");
        }
    }
}
