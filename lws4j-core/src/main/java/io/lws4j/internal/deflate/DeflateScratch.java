package io.lws4j.internal.deflate;

import java.nio.ByteBuffer;

/**
 * The compressing side's reusable buffers, one set per thread rather than per connection:
 * deflate's output for one message, and one spare buffer for a queued message's payload. An
 * idle connection therefore holds neither, and a thread that compresses for many
 * connections reuses the same two buffers for all of them.
 *
 * <p>Thread-confined: {@link #ofThread()} answers the calling thread's own instance, which
 * no other thread can reach. A buffer leaves an instance only to the thread that owns it
 * (a payload taken to be queued, an output array while one message is compressed), and is
 * put back only by a thread that is its last user, so a buffer is never reachable from two
 * threads at once: a payload that crossed threads on a connection's queue is given back to
 * the slot of the thread that compressed it.
 */
final class DeflateScratch {
    /** The largest payload buffer, and deflate output array, kept for the next message. */
    static final int REUSED_MAX = 16 * 1024;

    private static final ThreadLocal<DeflateScratch> OF_THREAD =
            ThreadLocal.withInitial(DeflateScratch::new);

    /** Deflate's output array, between two compressions; or null. */
    private byte[] output;
    /** A payload buffer nothing reads any more; or null. */
    private ByteBuffer spare;

    private DeflateScratch() {
    }

    /** @return the calling thread's buffers */
    static DeflateScratch ofThread() {
        return OF_THREAD.get();
    }

    /**
     * @param length at least this many bytes
     * @return the kept output array when it is long enough, else a new one; the caller owns
     *     it until it offers it back with {@link #keepOutput}
     */
    byte[] output(int length) {
        byte[] out = output;
        if (out == null || out.length < length) {
            return new byte[length];
        }
        output = null;
        return out;
    }

    /**
     * Keeps an output array for the next compression on this thread, in place of the one
     * kept before. The caller keeps only the output of payloads up to {@value #REUSED_MAX}
     * bytes (the array is a little longer: deflate's bound for such a payload).
     *
     * @param out an array the caller no longer uses
     */
    void keepOutput(byte[] out) {
        output = out;
    }

    /**
     * @param length the payload's length
     * @return a cleared heap buffer limited to {@code length}: the spare when it is large
     *     enough, else a new one; owned by the caller
     */
    ByteBuffer payload(int length) {
        ByteBuffer b = spare;
        if (b == null || b.capacity() < length) {
            return ByteBuffer.allocate(length);
        }
        spare = null;
        return b.clear().limit(length);
    }

    /**
     * Keeps a payload buffer as the spare, in place of the one kept before, unless it is
     * over {@value #REUSED_MAX} bytes.
     *
     * @param payload a buffer made by {@link #payload} that nothing reads or writes any more
     */
    void keepPayload(ByteBuffer payload) {
        if (payload.capacity() <= REUSED_MAX) {
            spare = payload;
        }
    }
}
