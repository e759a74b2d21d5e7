package io.lws4j.internal.frame;

/**
 * The seam through which a {@link FrameReader} decompresses messages that arrive with RSV1
 * set (a per-message compression extension such as permessage-deflate). The reader feeds the
 * unmasked wire payload in chunks and pulls the decompressed bytes into its own bounded
 * message buffer, so it can stop as soon as a message grows past the maximum.
 *
 * <p>Call grammar for one compressed message:
 * {@code ( input output* )* inputEnd output* messageEnd}, where each {@code output*} run
 * continues until {@link #output} returns 0. The next message starts with {@code input} again.
 *
 * <p>Not thread-safe: instances must not be shared.
 */
public interface MessageDecompressor {

    /**
     * Hands over the next compressed bytes of the current message. They stay referenced
     * (not copied) until {@link #output} has returned 0.
     *
     * @param src the array
     * @param offset the first byte
     * @param length how many bytes
     */
    void input(byte[] src, int offset, int length);

    /** The current message's compressed bytes are complete; output may follow. */
    void inputEnd();

    /**
     * Decompresses into {@code dst}.
     *
     * @param dst where to write
     * @param offset the first index to write
     * @param length the space available, at least 1
     * @return bytes written; 0 when all input so far has been consumed
     * @throws ProtocolException when the compressed data is malformed (1007), or the
     *     decompressor has been released (1011)
     */
    int output(byte[] dst, int offset, int length) throws ProtocolException;

    /** The current message is complete; the decompressor prepares for the next one. */
    void messageEnd();
}
