package io.lws4j.internal.conn;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The body of a static file response, sent a chunk per write so one large file cannot hold
 * the loop: {@link #sendChunk} moves at most {@value #CHUNK_BYTES} bytes with
 * {@code transferTo} (zero-copy on a plain socket); the connection's OP_WRITE brings the
 * next chunk.
 *
 * <p>Not thread-safe: instances must not be shared (each belongs to one connection's
 * service thread).
 */
final class FileBody implements AutoCloseable {
    /** At most this many bytes per write. */
    static final int CHUNK_BYTES = 256 * 1024;

    private final FileChannel file;
    private final long end;
    private long position;

    private FileBody(FileChannel file, long length) {
        this.file = file;
        this.end = length;
    }

    /**
     * @param path the file
     * @param length how many bytes of it to send (the Content-Length already promised)
     * @return the open body
     * @throws IOException when the file cannot be opened
     */
    static FileBody open(Path path, long length) throws IOException {
        return new FileBody(FileChannel.open(path, StandardOpenOption.READ), length);
    }

    /**
     * Sends the next chunk.
     *
     * @param transport where to
     * @return true when the whole body has been sent
     * @throws IOException when writing fails, or the file shrank below the promised length
     */
    boolean sendChunk(Transport transport) throws IOException {
        long chunk = Math.min(CHUNK_BYTES, end - position);
        long sent = file.transferTo(position, chunk, transport.fileTarget());
        if (sent <= 0 && position >= file.size()) {
            throw new IOException("file shrank while being served");
        }
        position += Math.max(0, sent);
        return position >= end;
    }

    /** @return the bytes of the body sent so far */
    long sent() {
        return position;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
