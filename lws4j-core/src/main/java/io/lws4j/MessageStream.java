package io.lws4j;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

/**
 * One message sent in fragments (websocket continuation frames), for messages too large to
 * hold in memory at once: open it with {@link Connection#sendStream(boolean)}, send its
 * fragments in order, the last with {@code last == true}. Each fragment's stage completes
 * when the fragment was written to the socket, so a producer that waits for the stage of
 * the fragment it sent a few fragments ago (or for each one) keeps the heap bounded however
 * large the message is:
 *
 * <pre>{@code
 * MessageStream out = connection.sendStream(false);
 * CompletionStage<Void> previous = CompletableFuture.completedFuture(null);
 * for (ByteBuffer chunk : chunks) {            // say 64 KiB each
 *     previous.toCompletableFuture().join();    // at most two fragments queued
 *     previous = out.send(chunk, !chunks.hasNext());
 * }
 * }</pre>
 *
 * <p>While a stream is open on a connection (from the moment its first fragment reaches the
 * connection's service thread until its last one does), other messages cannot go out
 * between its fragments: messages sent with {@code sendText}/{@code sendBinary}/{@code send}
 * wait, in order, until the stream's last fragment, and the service thread's
 * {@link Connection#writeText}/{@link Connection#writeBinary} return false (then
 * {@link Protocol#onWritable} follows once the stream ended and the queue drained). Control
 * frames (pings, pongs) still go out between fragments. An abandoned stream therefore holds
 * up the connection's other messages until the connection closes.
 *
 * <p>Fragments are sent uncompressed, also on permessage-deflate connections. For a text
 * stream, the fragments together must be UTF-8 (a code point may be split between
 * fragments); the peer checks it.
 *
 * <p>Thread-safe: fragments may be sent from any thread, and go out in the order of the
 * {@code send} calls (the calls are serialised on this stream).
 */
public interface MessageStream {

    /**
     * Sends the next fragment. The remaining bytes of {@code fragment} are copied; its
     * position is not changed. The outbound bound applies as for
     * {@link Connection#sendBinary}, with the context's {@link SendOverflow} policy; keep the
     * fragments in flight under {@link Context.Builder#maxOutboundBytes(int)}. A refused
     * first fragment leaves the stream unstarted (send it again later); a refused later
     * fragment would leave the peer with half a message, so it also closes the connection
     * (with the policy's code, 1008 under {@link SendOverflow#FAIL}).
     *
     * @param fragment the fragment's bytes, possibly empty
     * @param last true for the message's final fragment
     * @return a stage completed when the fragment was written to the socket, or
     *     exceptionally ({@link ConnectionClosedException}, {@link SendQueueFullException})
     * @throws IllegalStateException when the last fragment was sent already
     */
    CompletionStage<Void> send(ByteBuffer fragment, boolean last);

    /**
     * @return true once the fragment with {@code last == true} was sent
     */
    boolean isFinished();
}
