package io.lws4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/**
 * The pre-compressed messages inflate (RFC 7692 §7.2.2: payload + 00 00 ff ff) to the plain
 * message with the patched values, one after another on one inflater as a receiver with
 * context takeover reads them, and the filler is compressible without being trivial.
 */
class DeflatedTemplateTest {

    @Test
    void patchedStreamTemplatesInflateToHeadFillerTailOnOneInflater() throws Exception {
        for (int size : new int[] {16, 32, 4096, 65536}) {
            DeflatedTemplate t = DeflatedTemplate.of(size, true);
            Inflater inflater = new Inflater(true);
            for (long seq = 0; seq < 3; seq++) {
                byte[] payload = t.payload().clone();
                ByteBuffer.wrap(payload).putLong(t.headOffset(), seq).putLong(t.tailOffset(), seq);
                byte[] plain = inflate(inflater, payload, size);
                ByteBuffer b = ByteBuffer.wrap(plain);
                assertThat(b.getLong(0)).as("head of %d B #%d", size, seq).isEqualTo(seq);
                assertThat(b.getLong(size - 8)).isEqualTo(seq);
                assertThat(Filler.matches(plain, 8, size - 16)).isTrue();
            }
            inflater.end();
        }
    }

    @Test
    void followingTemplatesInflateAgainstThePreviousMessageAndShrinkToBackReferences() throws Exception {
        for (int size : new int[] {32, 4096, 65536}) {
            DeflatedTemplate first = DeflatedTemplate.of(size, true);
            DeflatedTemplate following = DeflatedTemplate.following(size);
            if (size <= 4096) { // a 64 KiB predecessor lies beyond deflate's 32 KiB window
                assertThat(following.payload().length).isLessThan(Math.max(40, size / 20));
            }
            Inflater inflater = new Inflater(true);
            for (long seq : new long[] {0, 1, 0x0102_0304_ffff_ff61L, 0x6161_6161_6161_6161L}) {
                DeflatedTemplate t = seq == 0 ? first : following;
                byte[] payload = t.payload().clone();
                ByteBuffer.wrap(payload).putLong(t.headOffset(), seq).putLong(t.tailOffset(), seq);
                byte[] plain = inflate(inflater, payload, size);
                assertThat(ByteBuffer.wrap(plain).getLong(0)).as("%d B #%x", size, seq).isEqualTo(seq);
                assertThat(ByteBuffer.wrap(plain).getLong(size - 8)).isEqualTo(seq);
                assertThat(Filler.matches(plain, 8, size - 16)).isTrue();
            }
            inflater.end();
        }
    }

    @Test
    void patchedEchoTemplatesInflateToStampAndFiller() throws Exception {
        for (int size : new int[] {8, 32, 4096}) {
            DeflatedTemplate t = DeflatedTemplate.of(size, false);
            assertThat(t.tailOffset()).isEqualTo(-1);
            Inflater inflater = new Inflater(true);
            for (long stamp : new long[] {123_456_789L, -1L}) {
                byte[] payload = t.payload().clone();
                ByteBuffer.wrap(payload).putLong(t.headOffset(), stamp);
                byte[] plain = inflate(inflater, payload, size);
                assertThat(ByteBuffer.wrap(plain).getLong(0)).isEqualTo(stamp);
                assertThat(Filler.matches(plain, 8, size - 8)).isTrue();
            }
            inflater.end();
        }
    }

    @Test
    void fillerShrinksSeveralfoldButNotToNothing() {
        byte[] filler = Filler.bytes(4096);
        Deflater d = new Deflater(6, true);
        d.setInput(filler);
        d.finish();
        byte[] out = new byte[8192];
        int n = d.deflate(out);
        d.end();
        assertThat(n).isBetween(4096 / 8, 4096 / 2);
    }

    private static byte[] inflate(Inflater inflater, byte[] payload, int expected) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[expected + 16];
        for (byte[] input : new byte[][] {payload, {0x00, 0x00, (byte) 0xff, (byte) 0xff}}) {
            inflater.setInput(input);
            int n;
            while ((n = inflater.inflate(chunk)) > 0) {
                out.write(chunk, 0, n);
            }
            assertThat(inflater.finished()).as("a message must not end the deflate stream").isFalse();
        }
        assertThat(out.size()).isEqualTo(expected);
        return out.toByteArray();
    }
}
