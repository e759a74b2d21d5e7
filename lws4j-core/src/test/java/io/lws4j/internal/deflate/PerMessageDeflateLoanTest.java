package io.lws4j.internal.deflate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lws4j.internal.frame.FrameWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The deflater lent to a compression without the role: a release by the owner during the
 * loan never frees the zlib state under the borrower, and the state is freed exactly once,
 * by whichever of the two finishes last.
 */
class PerMessageDeflateLoanTest {

    private static PerMessageDeflate sharedWindow() {
        return PerMessageDeflate.create(new DeflateParams(false, false, 0), true, 0);
    }

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void releaseDuringTheLoanLeavesTheDeflaterToTheBorrowerWhichFreesItWhenItGivesItBack() {
        PerMessageDeflate codec = sharedWindow();
        MessageDeflater lent = codec.lendDeflater();
        lent.encode(FrameWriter.OP_TEXT, text("hello hello hello"), false, 0);
        codec.release();
        assertThat(codec.isReleaseAsked()).isTrue();
        assertThat(lent.hasNativeState()).as("not freed under the borrower").isTrue();
        // the borrower may still finish its message
        lent.encode(FrameWriter.OP_TEXT, text("hello again"), false, 0);
        assertThat(codec.isDeflaterFreed()).isFalse();
        codec.returnDeflater();
        assertThat(lent.hasNativeState()).as("freed when given back").isFalse();
        assertThat(codec.isDeflaterFreed()).isTrue();
        assertThat(codec.wasFreedByBorrower()).isTrue();
        assertThat(codec.isReleaseAsked()).isFalse();
        codec.release(); // idempotent
        assertThatThrownBy(() -> lent.encode(FrameWriter.OP_TEXT, text("late"), false, 0))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void releaseAfterTheLoanEndedFreesAtOnce() {
        PerMessageDeflate codec = sharedWindow();
        MessageDeflater lent = codec.lendDeflater();
        lent.encode(FrameWriter.OP_TEXT, text("hello hello hello"), false, 0);
        codec.returnDeflater();
        assertThat(lent.hasNativeState()).isTrue();
        codec.release();
        assertThat(lent.hasNativeState()).isFalse();
        assertThat(codec.wasFreedByBorrower()).isFalse();
        codec.release();
        assertThat(lent.hasNativeState()).isFalse();
        assertThat(codec.isDeflaterFreed()).isTrue();
    }

    @Test
    void theDeflaterCanBeLentAgainAfterItCameBack() {
        PerMessageDeflate codec = sharedWindow();
        codec.lendDeflater().encode(FrameWriter.OP_TEXT, text("one one one"), false, 0);
        codec.returnDeflater();
        codec.lendDeflater().encode(FrameWriter.OP_TEXT, text("two two two"), false, 0);
        codec.returnDeflater();
        assertThat(codec.deflater().hasNativeState()).isTrue();
        codec.release();
        assertThat(codec.deflater().hasNativeState()).isFalse();
    }

    /** The owner's release racing the borrower's return from another thread, many times. */
    @Test
    void aReleaseRacingTheReturnFreesTheStateOnceAndNeverUnderAnEncode() throws Exception {
        for (int round = 0; round < 500; round++) {
            PerMessageDeflate codec = sharedWindow();
            MessageDeflater lent = codec.lendDeflater();
            CountDownLatch start = new CountDownLatch(1);
            CompletableFuture<Void> borrower = CompletableFuture.runAsync(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                // would throw "deflater released" if the owner freed it under us
                lent.encode(FrameWriter.OP_BINARY, ByteBuffer.allocate(2048), false, 0);
                codec.returnDeflater();
            });
            start.countDown();
            codec.release();
            borrower.get(10, TimeUnit.SECONDS);
            assertThat(lent.hasNativeState()).as("round %d: freed by the last one", round).isFalse();
            assertThat(codec.isDeflaterFreed()).isTrue();
        }
    }
}
