package io.lws4j.internal.frame;

import java.nio.ByteBuffer;

/**
 * A {@link FrameReader}'s buffers that are needed only while a message is read, kept per
 * thread between messages rather than per connection: one text message buffer and one chunk
 * buffer for compressed input. A connection between messages then holds neither, and a
 * service thread reading many connections reuses the same two for all of them.
 *
 * <p>Thread-confined: {@link #ofThread()} answers the calling thread's own instance, which
 * no other thread can reach. A buffer taken is the caller's until it gives it back, so a
 * buffer is never in use by two readers at once.
 */
final class ReadScratch {
    private static final ThreadLocal<ReadScratch> OF_THREAD =
            ThreadLocal.withInitial(ReadScratch::new);

    /** The kept text buffer, as the view over its whole array that its reader used. */
    private ByteBuffer text;
    private byte[] chunk;

    private ReadScratch() {
    }

    /** @return the calling thread's buffers */
    static ReadScratch ofThread() {
        return OF_THREAD.get();
    }

    /**
     * @param min the least length wanted
     * @param max the greatest length accepted
     * @return a view over the whole kept text buffer when its length is in range (the
     *     caller owns it until it gives it back), else null
     */
    ByteBuffer takeText(int min, int max) {
        ByteBuffer b = text;
        if (b == null || b.capacity() < min || b.capacity() > max) {
            return null;
        }
        text = null;
        return b;
    }

    /**
     * Keeps a text buffer for the next message read on this thread, unless the one kept is
     * at least as long.
     *
     * @param b a view over a whole array, which no reader uses any more
     */
    void giveText(ByteBuffer b) {
        assert b.hasArray() && b.arrayOffset() == 0 && b.capacity() == b.array().length;
        if (text == null || text.capacity() < b.capacity()) {
            text = b;
        }
    }

    /**
     * @param min the least length wanted
     * @return the kept chunk buffer when it is long enough (the caller owns it until it gives
     *     it back), else null
     */
    byte[] takeChunk(int min) {
        byte[] b = chunk;
        if (b == null || b.length < min) {
            return null;
        }
        chunk = null;
        return b;
    }

    /**
     * Keeps a chunk buffer for the next compressed input read on this thread, unless the one
     * kept is at least as long.
     *
     * @param b a buffer no reader and no decompressor reads any more
     */
    void giveChunk(byte[] b) {
        if (chunk == null || chunk.length < b.length) {
            chunk = b;
        }
    }

    /** @return the length of the kept text buffer, 0 for none; for tests */
    int keptTextLength() {
        return text == null ? 0 : text.capacity();
    }

    /** @return the length of the kept chunk buffer, 0 for none; for tests */
    int keptChunkLength() {
        return chunk == null ? 0 : chunk.length;
    }
}
