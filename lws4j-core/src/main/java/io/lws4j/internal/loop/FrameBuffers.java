package io.lws4j.internal.loop;

import java.nio.ByteBuffer;

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

    private final ByteBuffer[] small;
    private final ByteBuffer[] large;
    private int smallFree;
    private int largeFree;
    private int smallMade;
    private int largeMade;

    /**
     * @param smallBuffers how many buffers of the small size may exist
     * @param largeBuffers how many of the large size
     */
    public FrameBuffers(int smallBuffers, int largeBuffers) {
        this.small = new ByteBuffer[smallBuffers];
        this.large = new ByteBuffer[largeBuffers];
    }

    /**
     * @param length the frame's length
     * @return a cleared direct buffer limited to {@code length}, or null when the frame is
     *     larger than both sizes or every buffer of its size is in use
     */
    public ByteBuffer take(int length) {
        ByteBuffer b;
        if (length <= SMALL) {
            if (smallFree > 0) {
                b = small[--smallFree];
                small[smallFree] = null;
            } else if (smallMade < small.length) {
                smallMade++;
                b = ByteBuffer.allocateDirect(SMALL);
            } else {
                return null;
            }
        } else if (length <= LARGE) {
            if (largeFree > 0) {
                b = large[--largeFree];
                large[largeFree] = null;
            } else if (largeMade < large.length) {
                largeMade++;
                b = ByteBuffer.allocateDirect(LARGE);
            } else {
                return null;
            }
        } else {
            return null;
        }
        return b.limit(length);
    }

    /**
     * @return how many buffers are made and not given back, for tests and diagnostics
     */
    public int inUse() {
        return smallMade - smallFree + largeMade - largeFree;
    }

    /**
     * Takes back a frame's buffer if it came from here; other frames are left to the
     * garbage collector.
     *
     * @param frame a frame nothing refers to any more
     */
    public void give(ByteBuffer frame) {
        if (!frame.isDirect()) {
            return;
        }
        if (frame.capacity() == SMALL && smallFree < small.length) {
            small[smallFree++] = frame.clear();
        } else if (frame.capacity() == LARGE && largeFree < large.length) {
            large[largeFree++] = frame.clear();
        }
    }
}
