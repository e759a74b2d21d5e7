package io.lws4j.internal.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FrameBuffersTest {

    @Test
    void aFrameGetsADirectBufferLimitedToItsLengthAndAGivenBackBufferIsReused() {
        FrameBuffers buffers = new FrameBuffers(2, 2, () -> true);
        ByteBuffer small = buffers.take(4100);
        assertThat(small.isDirect()).isTrue();
        assertThat(small.position()).isZero();
        assertThat(small.limit()).isEqualTo(4100);
        assertThat(small.capacity()).isEqualTo(FrameBuffers.SMALL);
        small.put(new byte[100]).flip();
        assertThat(buffers.inUse()).isEqualTo(1);
        buffers.give(small);
        assertThat(buffers.inUse()).isZero();
        ByteBuffer again = buffers.take(10);
        assertThat(again).isSameAs(small);
        assertThat(again.position()).isZero();
        assertThat(again.limit()).isEqualTo(10);
        assertThat(buffers.inUse()).isEqualTo(1);
    }

    @Test
    void aFrameOf64KiBAndItsHeaderGetsTheLargeSize() {
        FrameBuffers buffers = new FrameBuffers(1, 1, () -> true);
        ByteBuffer large = buffers.take(65536 + 10);
        assertThat(large.capacity()).isEqualTo(FrameBuffers.LARGE);
        assertThat(large.limit()).isEqualTo(65546);
        assertThat(buffers.take(FrameBuffers.SMALL + 1)).as("the one large buffer is in use").isNull();
        buffers.give(large);
        assertThat(buffers.take(FrameBuffers.SMALL + 1)).isSameAs(large);
    }

    @Test
    void noBufferIsMadeBeyondTheBoundSoAFrameThenGoesToTheHeap() {
        FrameBuffers buffers = new FrameBuffers(2, 0, () -> true);
        ByteBuffer first = buffers.take(100);
        ByteBuffer second = buffers.take(100);
        assertThat(first).isNotSameAs(second);
        assertThat(buffers.take(100)).as("both small buffers are in use").isNull();
        assertThat(buffers.take(20_000)).as("no large buffer may exist").isNull();
        buffers.give(first);
        assertThat(buffers.take(100)).isSameAs(first);
    }

    @Test
    void framesLargerThanBothSizesAreNotServed() {
        assertThat(new FrameBuffers(4, 4, () -> true).take(FrameBuffers.LARGE + 1)).isNull();
    }

    @Test
    void heapBuffersAndDirectBuffersOfOtherSizesAreNotTakenBack() {
        FrameBuffers buffers = new FrameBuffers(4, 4, () -> true);
        ByteBuffer mine = buffers.take(100);
        buffers.give(ByteBuffer.allocate(FrameBuffers.SMALL));
        buffers.give(ByteBuffer.allocateDirect(4096));
        assertThat(buffers.inUse()).isEqualTo(1);
        assertThat(buffers.take(100)).isNotSameAs(mine);
    }

    @Test
    void aThreadWithoutTheLoopsRoleIsRefused() {
        FrameBuffers buffers = new FrameBuffers(1, 1, () -> false);
        assertThatThrownBy(() -> buffers.take(100)).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> buffers.give(ByteBuffer.allocateDirect(8192))).isInstanceOf(AssertionError.class);
    }
}
