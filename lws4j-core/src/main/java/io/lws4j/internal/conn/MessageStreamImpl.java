package io.lws4j.internal.conn;

import io.lws4j.MessageStream;
import io.lws4j.SendOverflow;
import io.lws4j.internal.frame.EncodedMessage;
import io.lws4j.internal.frame.FrameWriter;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One message sent in fragments: the first fragment accepted carries the message's opcode,
 * the others are continuations, the last is final. A fragment refused after the message
 * started (its queue over the bound) would leave the peer with half a message and hold up
 * every other send, so it closes the connection, with the overflow policy's code or 1008.
 *
 * <p>States: not started (no fragment accepted), started, finished (the last fragment was
 * sent). Only forward.
 *
 * <p>Thread-safe: {@link #send} is synchronized, so fragments enter the connection's inbox
 * in call order; the stage completes on the service thread.
 */
final class MessageStreamImpl implements MessageStream {
    private final CrossThreadSends sends;
    private final ConnectionCore connection;
    private final int opcode;
    private final SendOverflow overflow;
    /** Guarded by this. */
    private boolean started;
    /** Guarded by this. */
    private boolean finished;

    MessageStreamImpl(ConnectionCore connection, boolean text, SendOverflow overflow) {
        this.connection = connection;
        this.sends = connection.sends;
        this.opcode = text ? FrameWriter.OP_TEXT : FrameWriter.OP_BINARY;
        this.overflow = overflow;
    }

    @Override
    public synchronized CompletionStage<Void> send(ByteBuffer fragment, boolean last) {
        Objects.requireNonNull(fragment, "fragment");
        if (finished) {
            throw new IllegalStateException("the stream's last fragment was sent already");
        }
        EncodedMessage frame = EncodedMessage.fragment(
                started ? FrameWriter.OP_CONTINUATION : opcode, last, fragment);
        CompletableFuture<Void> done = sends.submit(frame, overflow, this);
        if (done.isCompletedExceptionally() && connection.open) {
            if (started) {
                int code = overflow.closeCode() != 0 ? overflow.closeCode()
                        : io.lws4j.CloseCodes.POLICY_VIOLATION;
                sends.closeSlowConsumer(code);
            }
            return done; // not started: the next fragment starts the message
        }
        started = true;
        finished = last;
        return done;
    }

    @Override
    public synchronized boolean isFinished() {
        return finished;
    }
}
