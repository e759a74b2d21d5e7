package io.lws4j.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A non-blocking byte pipe over one socket, plain ({@link #plain}) or TLS ({@link TlsLink}),
 * as the load generator's and the floor server's selector loops see it. The owner reads
 * plaintext with {@link #read}, writes with {@link #write}, and asks for {@code OP_WRITE}
 * while {@link #wantsWrite()}; after an input buffer ran full it calls {@link #read} again
 * once it made room, while {@link #hasBufferedInput()}.
 *
 * <p>Not thread-safe: a link belongs to the selector thread of its socket.
 */
public interface Link {
    /**
     * Reads from the socket (at most once) and appends plaintext to {@code dst}.
     *
     * @return plaintext bytes added, or -1 at end of stream with nothing more to deliver
     */
    int read(ByteBuffer dst) throws IOException;

    /**
     * Writes as much of {@code src} as the socket takes now; the rest stays in {@code src}.
     *
     * @return true when the socket is full and the owner must wait for {@code OP_WRITE}
     */
    boolean write(ByteBuffer src) throws IOException;

    /** Bytes of this link's own are waiting for the socket (TLS records, handshake messages). */
    boolean wantsWrite();

    /** Received input is buffered that did not fit into the last {@link #read}'s buffer. */
    boolean hasBufferedInput();

    /** "plain", or the TLS protocol and cipher suite once negotiated. */
    String describe();

    /** The link over a plain socket. */
    static Link plain(SocketChannel channel) {
        return new Link() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                return channel.read(dst);
            }

            @Override
            public boolean write(ByteBuffer src) throws IOException {
                channel.write(src);
                return src.hasRemaining();
            }

            @Override
            public boolean wantsWrite() {
                return false;
            }

            @Override
            public boolean hasBufferedInput() {
                return false;
            }

            @Override
            public String describe() {
                return "plain";
            }
        };
    }
}
