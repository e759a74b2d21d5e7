package io.lws4j.internal.loop;

import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

/**
 * Direct buffers for outgoing frames, in two sizes, reused once written. A frame in a
 * direct buffer goes to the socket as it is; one in a heap buffer is first copied by the JDK
 * into a temporary direct buffer of the writing thread, a second copy of every payload
 * byte. Buffers are made on first need, at most as many of each size as are kept; when all
 * are in use, {@link #take} answers null and the frame goes to a heap buffer, so the direct
 * memory is bounded and never allocated per frame.
 *
 * <p>Not thread-safe: each belongs to one service loop and is used with its role only (the
 * frames are made by {@code writeBinary} and given back when written or abandoned, both with
 * the role), so the role's hand-off orders every use.
 */
public final class FrameBuffers {
    /** A 4 KiB message and its header fit, with room to spare up to 8 KiB. */
    static final int SMALL = 8 * 1024;
    /** A 64 KiB message and its 10-byte header fit. */
    static final int LARGE = 64 * 1024 + 16;

    private static final int[] SIZES = {SMALL, LARGE};

    /** Per size: the buffers given back, ready for reuse. */
    private final ByteBuffer[][] free;
    /** Per size: how many of {@link #free} hold a buffer. */
    private final int[] freeCount = new int[2];
    /** Per size: how many buffers were made. */
    private final int[] made = new int[2];
    /** True on the thread that may use this now (the holder of the loop's role); for asserts. */
    private final BooleanSupplier owner;

    /**
     * @param smallBuffers how many buffers of the small size may exist
     * @param largeBuffers how many of the large size
     * @param owner true on the thread that may use the buffers now, for assertions
     */
    public FrameBuffers(int smallBuffers, int largeBuffers, BooleanSupplier owner) {
        this.free = new ByteBuffer[][] {new ByteBuffer[smallBuffers], new ByteBuffer[largeBuffers]};
        this.owner = owner;
    }

    /**
     * @param length the frame's length
     * @return a cleared direct buffer limited to {@code length}, or null when the frame is
     *     larger than both sizes or every buffer of its size is in use
     */
    public ByteBuffer take(int length) {
        assert owner.getAsBoolean() : "frame buffers used without the loop's role";
        int k = length <= SMALL ? 0 : length <= LARGE ? 1 : -1;
        if (k < 0) {
            return null;
        }
        ByteBuffer b;
        if (freeCount[k] > 0) {
            b = free[k][--freeCount[k]];
            free[k][freeCount[k]] = null;
        } else if (made[k] < free[k].length) {
            made[k]++;
            b = ByteBuffer.allocateDirect(SIZES[k]);
        } else {
            return null;
        }
        return b.limit(length);
    }

    /**
     * @return how many buffers are made and not given back, for tests and diagnostics
     */
    public int inUse() {
        assert owner.getAsBoolean() : "frame buffers used without the loop's role";
        return made[0] - freeCount[0] + made[1] - freeCount[1];
    }

    /**
     * Takes back a frame's buffer if it came from here; other frames are left to the
     * garbage collector.
     *
     * @param frame a frame nothing refers to any more
     */
    public void give(ByteBuffer frame) {
        assert owner.getAsBoolean() : "frame buffers used without the loop's role";
        int k = frame.capacity() == SMALL ? 0 : frame.capacity() == LARGE ? 1 : -1;
        if (k >= 0 && frame.isDirect() && freeCount[k] < free[k].length) {
            free[k][freeCount[k]++] = frame.clear();
        }
    }
}
