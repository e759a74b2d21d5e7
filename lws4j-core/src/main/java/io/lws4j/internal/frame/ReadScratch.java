package io.lws4j.internal.frame;

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

    private byte[] text;
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
     * @return the kept text buffer when its length is in range (the caller owns it until it
     *     gives it back), else null
     */
    byte[] takeText(int min, int max) {
        byte[] b = text;
        if (b == null || b.length < min || b.length > max) {
            return null;
        }
        text = null;
        return b;
    }

    /**
     * Keeps a text buffer for the next message read on this thread, unless the one kept is
     * at least as long.
     *
     * @param b a buffer no reader uses any more
     */
    void giveText(byte[] b) {
        if (text == null || text.length < b.length) {
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
        return text == null ? 0 : text.length;
    }

    /** @return the length of the kept chunk buffer, 0 for none; for tests */
    int keptChunkLength() {
        return chunk == null ? 0 : chunk.length;
    }
}
