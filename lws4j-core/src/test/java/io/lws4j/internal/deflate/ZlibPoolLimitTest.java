package io.lws4j.internal.deflate;

import static io.lws4j.internal.deflate.ZlibPool.DEFLATER_BYTES;
import static io.lws4j.internal.deflate.ZlibPool.INFLATER_BYTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lws4j.internal.frame.FrameWriter;
import java.nio.ByteBuffer;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/** The memory accounting of {@link ZlibPool}: charges, refusals, reservations. */
class ZlibPoolLimitTest {

    @Test
    void chargesLiveStreams_pooledIdleOnesIncluded_andDropsTheChargeOfEndedOnes() {
        ZlibPool pool = new ZlibPool(1);
        Deflater d1 = pool.takeDeflater();
        Deflater d2 = pool.takeDeflater();
        Inflater i1 = pool.takeInflater();
        assertThat(pool.bytesInUse()).isEqualTo(2 * DEFLATER_BYTES + INFLATER_BYTES);
        pool.giveBack(d1);
        assertThat(pool.bytesInUse()).as("an idle pooled deflater is still charged")
                .isEqualTo(2 * DEFLATER_BYTES + INFLATER_BYTES);
        pool.giveBack(d2);
        assertThat(pool.idleDeflaters()).isEqualTo(1);
        assertThat(pool.bytesInUse()).as("one given back beyond maxIdle is ended and uncharged")
                .isEqualTo(DEFLATER_BYTES + INFLATER_BYTES);
        assertThat(pool.takeDeflater()).as("reuse charges nothing more").isSameAs(d1);
        assertThat(pool.bytesInUse()).isEqualTo(DEFLATER_BYTES + INFLATER_BYTES);
        pool.giveBack(d1);
        pool.giveBack(i1);
        assertThat(pool.bytesInUse()).isEqualTo(DEFLATER_BYTES + INFLATER_BYTES);
        pool.close();
        assertThat(pool.bytesInUse()).as("close ends and uncharges the idle streams").isZero();
    }

    @Test
    void refusesANewDeflaterPastTheLimit_butHandsOutAnIdleOne() {
        ZlibPool pool = new ZlibPool(4, DEFLATER_BYTES + DEFLATER_BYTES / 2);
        Deflater first = pool.takeDeflater();
        assertThat(first).isNotNull();
        assertThat(pool.takeDeflater()).as("a second would pass the limit").isNull();
        assertThat(pool.takeDeflater()).isNull();
        assertThat(pool.deflatersRefused()).isEqualTo(2);
        assertThat(pool.deflatersCreated()).isEqualTo(1);
        assertThat(pool.bytesInUse()).isEqualTo(DEFLATER_BYTES);
        pool.giveBack(first);
        assertThat(pool.takeDeflater()).as("the idle one costs nothing new").isSameAs(first);
        assertThat(pool.deflatersRefused()).isEqualTo(2);
        pool.giveBack(first);
        pool.close();
        assertThat(pool.bytesInUse()).isZero();
    }

    @Test
    void admitsInflatersUpToTheLimit_reservingThoseKeptForLife() {
        ZlibPool pool = new ZlibPool(4, 2 * INFLATER_BYTES);
        assertThat(pool.admitInflater(true)).isTrue();
        assertThat(pool.admitInflater(false)).as("room for one more, not reserved").isTrue();
        assertThat(pool.bytesInUse()).isEqualTo(INFLATER_BYTES);
        assertThat(pool.admitInflater(true)).isTrue();
        assertThat(pool.admitInflater(true)).as("two reservations fill the limit").isFalse();
        assertThat(pool.admitInflater(false)).isFalse();
        assertThat(pool.inflatersDeclined()).isEqualTo(2);
        assertThat(pool.bytesInUse()).isEqualTo(2 * INFLATER_BYTES);

        Inflater reserved = pool.takeInflater(true);
        assertThat(pool.bytesInUse()).as("a reserved take is already paid for")
                .isEqualTo(2 * INFLATER_BYTES);
        pool.releaseInflaterReservation();
        assertThat(pool.bytesInUse()).isEqualTo(INFLATER_BYTES);
        Inflater overdraft = pool.takeInflater(false);
        Inflater overdraft2 = pool.takeInflater(false);
        assertThat(pool.bytesInUse()).as("an unreserved inflater is never refused, even past the limit")
                .isEqualTo(3 * INFLATER_BYTES);
        pool.giveBack(overdraft);
        pool.giveBack(overdraft2);
        pool.giveBack(reserved);
        assertThat(pool.idleInflaters()).isEqualTo(3);
        assertThat(pool.bytesInUse()).as("idle inflaters stay charged").isEqualTo(3 * INFLATER_BYTES);

        assertThat(pool.admitInflater(true)).as("idle ones fill the limit").isFalse();
        pool.close();
        assertThat(pool.bytesInUse()).isZero();
        assertThat(pool.admitInflater(true)).isTrue();
        Inflater fresh = pool.takeInflater(true);
        pool.giveBack(fresh);
        assertThat(pool.bytesInUse()).as("given back to a closed pool: ended, its reservation with it")
                .isZero();
    }

    @Test
    void aReservedTakeOfAnIdleInflaterMergesItsCharge() {
        ZlibPool pool = new ZlibPool(4);
        Inflater idle = pool.takeInflater();
        pool.giveBack(idle);
        assertThat(pool.bytesInUse()).isEqualTo(INFLATER_BYTES);
        assertThat(pool.admitInflater(true)).isTrue();
        assertThat(pool.bytesInUse()).isEqualTo(2 * INFLATER_BYTES);
        assertThat(pool.takeInflater(true)).isSameAs(idle);
        assertThat(pool.bytesInUse()).as("one stream, one charge").isEqualTo(INFLATER_BYTES);
        pool.giveBack(idle);
        pool.close();
        assertThat(pool.bytesInUse()).isZero();
    }

    @Test
    void aMessageInflaterGivesBackAReservationItNeverUsed() {
        ZlibPool pool = new ZlibPool(0, INFLATER_BYTES);
        assertThat(pool.admitInflater(true)).isTrue();
        MessageInflater inflater = new MessageInflater(false, pool, true);
        inflater.release();
        inflater.release();
        assertThat(pool.bytesInUse()).as("released once, idempotently").isZero();
        assertThatThrownBy(() -> new MessageInflater(true, pool, true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMessageDeflaterRefusedAStreamSendsTheMessageRaw_andCompressesOnceOneIsFree() {
        ZlibPool pool = new ZlibPool(4, DEFLATER_BYTES);
        Deflater holder = pool.takeDeflater();
        MessageDeflater deflater = new MessageDeflater(false, 0, pool);
        ByteBuffer payload = ByteBuffer.wrap("a message the limit sends raw".repeat(10).getBytes());
        ByteBuffer raw = deflater.encode(FrameWriter.OP_TEXT, payload, false, 0);
        assertThat(raw.get(0) & 0x40).as("RSV1 clear").isZero();
        assertThat(raw.remaining()).isEqualTo(FrameWriter.headerLength(payload.remaining(), false)
                + payload.remaining());
        assertThat(pool.deflatersRefused()).isEqualTo(1);
        pool.giveBack(holder);
        ByteBuffer compressed = deflater.encode(FrameWriter.OP_TEXT, payload, false, 0);
        assertThat(compressed.get(0) & 0x40).as("RSV1 set").isEqualTo(0x40);
        assertThat(compressed.remaining()).isLessThan(raw.remaining());
        deflater.release();
        pool.close();
        assertThat(pool.bytesInUse()).isZero();
    }
}
