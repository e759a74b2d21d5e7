package io.lws4j.internal.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MaskerTest {

    /** Byte-wise RFC 6455 section 5.3: octet i XOR key octet (i mod 4). */
    private static void referenceMask(byte[] data, int from, int to, int maskKey, int keyOffset) {
        for (int i = from; i < to; i++) {
            int j = (keyOffset + (i - from)) & 3;
            data[i] ^= (byte) (maskKey >>> (24 - 8 * j));
        }
    }

    private static ByteBuffer buffer(byte[] content, int kind) {
        ByteBuffer buf = kind < 2 ? ByteBuffer.allocate(content.length)
                                  : ByteBuffer.allocateDirect(content.length);
        buf.order(kind % 2 == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        buf.put(content).clear();
        return buf;
    }

    @Test
    void matchesBytewiseReferenceForRandomRangesKeysOffsetsAndBufferKinds() {
        Random random = new Random(20261126);
        for (int round = 0; round < 5000; round++) {
            int length = random.nextInt(round < 4000 ? 40 : 3000);
            byte[] original = new byte[length];
            random.nextBytes(original);
            int from = length == 0 ? 0 : random.nextInt(length + 1);
            int to = from + random.nextInt(length - from + 1);
            int key = random.nextInt();
            int keyOffset = random.nextInt(1000);
            int kind = random.nextInt(4);

            byte[] expected = original.clone();
            referenceMask(expected, from, to, key, keyOffset);
            ByteBuffer buf = buffer(original, kind);
            buf.position(Math.min(3, length)).limit(length);
            Masker.mask(buf, from, to, key, keyOffset);

            byte[] actual = new byte[length];
            buf.duplicate().clear().get(actual);
            assertThat(actual).as("round %d len %d %d..%d kind %d", round, length, from, to, kind)
                    .isEqualTo(expected);
            assertThat(buf.position()).isEqualTo(Math.min(3, length));
        }
    }

    @Test
    void maskingTwiceRestoresTheData() {
        byte[] data = new byte[1000];
        new Random(9).nextBytes(data);
        ByteBuffer buf = ByteBuffer.wrap(data.clone());
        Masker.mask(buf, 5, 999, 0xCAFEBABE, 2);
        assertThat(buf.array()).isNotEqualTo(data);
        Masker.mask(buf, 5, 999, 0xCAFEBABE, 2);
        assertThat(buf.array()).isEqualTo(data);
    }

    @Test
    void maskingInChunksWithPayloadOffsetsEqualsMaskingAtOnce() {
        byte[] data = new byte[777];
        new Random(10).nextBytes(data);
        ByteBuffer whole = ByteBuffer.wrap(data.clone());
        Masker.mask(whole, 0, data.length, 0x01234567, 0);
        ByteBuffer chunked = ByteBuffer.wrap(data.clone());
        int[] cuts = {0, 1, 2, 3, 11, 19, 100, 101, 500, 777};
        for (int i = 0; i + 1 < cuts.length; i++) {
            Masker.mask(chunked, cuts[i], cuts[i + 1], 0x01234567, cuts[i]);
        }
        assertThat(chunked.array()).isEqualTo(whole.array());
    }

    @Test
    void rfcMaskedHelloUnmasksToHello() {
        ByteBuffer buf = ByteBuffer.wrap(Wire.hex("7f 9f 4d 51 58"));
        Masker.mask(buf, 0, 5, 0x37FA213D, 0);
        assertThat(buf.array()).isEqualTo(Wire.utf8("Hello"));
    }

    @Test
    void rangeOutsideTheLimitIsRefused() {
        ByteBuffer buf = ByteBuffer.allocate(10).limit(5);
        assertThatThrownBy(() -> Masker.mask(buf, 0, 6, 1, 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Masker.mask(buf, 4, 3, 1, 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }
}
