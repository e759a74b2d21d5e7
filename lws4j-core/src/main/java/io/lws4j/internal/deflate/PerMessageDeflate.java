package io.lws4j.internal.deflate;

/**
 * The permessage-deflate state of one connection: the inflater for what the peer sends and
 * the deflater for what we send, each configured from the negotiated parameters for its
 * direction, so the same class serves the server role and a future client role.
 *
 * <p>Memory per connection, both directions in use: about 300 KiB of native zlib memory
 * (zlib's documented formula; deflate at window bits 15 / memLevel 8:
 * {@code (1 << 17) + (1 << 17)} = 256 KiB, that is a 64 KiB sliding window, 64 KiB hash
 * chain, 64 KiB hash heads and 64 KiB literal buffer, plus about 6 KiB of state; inflate:
 * {@code 1 << 15} = 32 KiB window plus about 7 KiB of state, about 300 KiB in all), plus
 * the reader's bounded message buffer and its 8 KiB chunk buffer for compressed input. Each
 * side is allocated on its first compressed message, so a connection that never compresses
 * pays nothing, and {@link #release()} frees both; the owner must call it when the
 * connection closes.
 *
 * <p>Measured (resident-set growth over 500 instances each, JDK 17 on Linux): about 261 KiB
 * per deflater and 42 KiB per inflater once a 1 MB message has passed; about 87 KiB and
 * 9 KiB when only 100-byte messages did, since zlib's untouched pages stay unmapped.
 *
 * <p>Not thread-safe: instances must not be shared.
 */
public final class PerMessageDeflate {

    private final MessageInflater inflater;
    private final MessageDeflater deflater;

    private PerMessageDeflate(MessageInflater inflater, MessageDeflater deflater) {
        this.inflater = inflater;
        this.deflater = deflater;
    }

    /**
     * Creates the state for one side of a connection.
     *
     * @param params the negotiated parameters
     * @param server true for the server role (we send with the server's parameters and
     *     receive with the client's), false for the client role
     * @param minCompressBytes when our window is reset per message, payloads shorter than
     *     this are sent uncompressed; with a shared window every non-empty message is
     *     compressed, because the window makes even short repeated messages shrink
     * @return the state
     */
    public static PerMessageDeflate create(DeflateParams params, boolean server, int minCompressBytes) {
        boolean resetOurWindow = params.noContextTakeover(server);
        return new PerMessageDeflate(new MessageInflater(params.noContextTakeover(!server)),
                new MessageDeflater(resetOurWindow, resetOurWindow ? minCompressBytes : 0));
    }

    /**
     * The decompressor for incoming messages, to give to the frame reader.
     *
     * @return the inflater
     */
    public MessageInflater inflater() {
        return inflater;
    }

    /**
     * The compressor for outgoing messages.
     *
     * @return the deflater
     */
    public MessageDeflater deflater() {
        return deflater;
    }

    /** Frees the native zlib state of both directions. Idempotent. */
    public void release() {
        inflater.release();
        deflater.release();
    }
}
