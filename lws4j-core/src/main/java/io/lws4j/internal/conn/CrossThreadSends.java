package io.lws4j.internal.conn;

import io.lws4j.ConnectionClosedException;
import io.lws4j.MessageTooBigException;
import io.lws4j.SendOverflow;
import io.lws4j.SendQueueFullException;
import io.lws4j.internal.frame.EncodedMessage;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;

/**
 * A connection's sends from any thread ({@code sendText}, {@code sendBinary}, {@code send},
 * broadcasts and {@link io.lws4j.MessageStream} fragments): the admission against the
 * outbound bound, the hand-off to the service thread, and the completion of each send's
 * stage once its frame was written to the socket.
 *
 * <p>Hand-off: a sender admits its message (see below), adds it to {@link #inbox} (a
 * {@link SendInbox}: each thread's sends stay in its order, and a burst costs one posted
 * {@link #drain}). On the service thread a send adds itself and drains at once, after what
 * other threads sent before it.
 * Only the service thread touches the outbound queue and the frames: lws4j's single writer.
 *
 * <p>Admission: {@link #inboxBytes} counts the frame bytes admitted and not yet queued;
 * {@link #publishedOutbound} is the outbound queue's data bytes as the loop published them
 * at its last drain or flush. A sender adds its frame to {@code inboxBytes} first, then
 * refuses when the total it saw, not counting its own, is non-zero and its frame would take
 * it past {@code maxOutboundBytes} (one message larger than the bound goes when nothing is
 * queued, as for {@code writeText}). Concurrent senders see each other's bytes, so the
 * queue holds at most the bound plus one message.
 *
 * <p>Completion: every queued frame has a sequence number ({@link OutboundQueue#framesQueued});
 * a send's stage completes once the queue counts that many frames written, after each
 * flush ({@link #afterFlush}), on the service thread, outside the flush. Stages of frames
 * not written when the connection closes fail with {@link ConnectionClosedException}
 * ({@link #closed}), as do sends that reach the loop after the close handshake started.
 *
 * <p>Streams: while a {@link io.lws4j.MessageStream}'s message is under way (its first
 * fragment is queued, its last is not), other sends wait in {@link #deferred}, in order,
 * still counted in {@code inboxBytes}, and the service thread's writes are refused
 * ({@code ConnectionCore.streaming}); the last fragment lets them go.
 *
 * <p>Thread-safe: {@link #submit} from any thread; everything else service-thread confined
 * (asserted). Memory consistency effects: actions of a thread before {@code submit}
 * happen-before the message is queued (the inbox hand-off) and so before its stage
 * completes; the stage completes on the service thread.
 */
final class CrossThreadSends {
    /** The most sends a drain queues before it posts itself again, so I/O is not starved. */
    static final int DRAIN_BATCH = 1024;
    private static final VarHandle INBOX_BYTES;
    private static final VarHandle PUBLISHED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            INBOX_BYTES = l.findVarHandle(CrossThreadSends.class, "inboxBytes", long.class);
            PUBLISHED = l.findVarHandle(CrossThreadSends.class, "publishedOutbound", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * One admitted send on its way to the outbound queue.
     *
     * @param queued completed when the frame is queued on the connection, or exceptionally
     *     as {@code done} when it never is; null when nobody asked (a broadcast asks)
     */
    record Send(EncodedMessage message, CompletableFuture<Void> done, long bytes, Object stream,
            CompletableFuture<Void> queued) {

        void fail(Throwable failure) {
            done.completeExceptionally(failure);
            if (queued != null) {
                queued.completeExceptionally(failure);
            }
        }
    }

    /** A queued frame's sequence number and the stage it completes. */
    private record Written(long frame, CompletableFuture<Void> done) {
    }

    private final ConnectionCore connection;
    private final SendInbox<Send> inbox = new SendInbox<>();
    private final Runnable drainTask = this::drain;
    @SuppressWarnings("unused") // through INBOX_BYTES
    private volatile long inboxBytes;
    @SuppressWarnings("unused") // through PUBLISHED
    private volatile long publishedOutbound;
    /**
     * Service thread only: the value last stored in {@link #publishedOutbound}. A flush that
     * leaves the queue as it was published (most often empty) stores nothing, so the flush
     * path of a connection nobody sends to from another thread writes no shared field.
     */
    private long lastPublished;
    /** Service thread only: made on the first send. */
    private ArrayDeque<Written> writing;
    /** Service thread only: sends held back by an open stream; made on first use. */
    private ArrayDeque<Send> deferred;
    /** Service thread only: the stream whose message is under way, or null. */
    private Object activeStream;

    CrossThreadSends(ConnectionCore connection) {
        this.connection = connection;
    }

    // ---------------------------------------------------------------- any thread

    /**
     * Admits a send and hands it to the service thread. Any thread.
     *
     * @param message the framed message or fragment
     * @param overflow what to do when the outbound queue is over its bound
     * @param stream the {@link io.lws4j.MessageStream} the fragment belongs to, or null for
     *     a whole message
     * @return the send's stage, completed on the service thread
     */
    CompletableFuture<Void> submit(EncodedMessage message, SendOverflow overflow, Object stream) {
        return submit(message, overflow, stream, null);
    }

    /**
     * As {@link #submit(EncodedMessage, SendOverflow, Object)}, telling {@code queued} when
     * the frame is queued on the connection (or why never). Any thread.
     *
     * @param queued completed on the service thread once the frame is queued, or
     *     exceptionally as the returned stage when it never is; null for none
     * @return the send's stage
     */
    CompletableFuture<Void> submit(EncodedMessage message, SendOverflow overflow, Object stream,
            CompletableFuture<Void> queued) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Send send = new Send(message, done, message.frameLength(), stream, queued);
        if (!connection.open) {
            send.fail(closedFailure());
            return done;
        }
        int maxMessage = connection.settings.config().maxMessageSize();
        if (stream == null && message.payloadLength() > maxMessage) {
            send.fail(new MessageTooBigException("message of "
                    + message.payloadLength() + " bytes is over maxMessageSize " + maxMessage
                    + "; send it with sendStream"));
            return done;
        }
        long size = message.frameLength();
        long before = (long) INBOX_BYTES.getAndAdd(this, size);
        long total = before + (long) PUBLISHED.getAcquire(this);
        long bound = connection.settings.config().maxOutboundBytes();
        if (total != 0 && total + size > bound) {
            INBOX_BYTES.getAndAdd(this, -size);
            int code = overflow.closeCode();
            if (code != 0) {
                closeSlowConsumer(code);
            }
            send.fail(new SendQueueFullException("outbound queue over its bound: "
                    + total + " bytes queued, " + size + " more, maxOutboundBytes " + bound
                    + (code != 0 ? "; closing with " + code : "")));
            return done;
        }
        boolean post = inbox.add(send);
        if (connection.loop.inServiceThread()) {
            drain();
        } else if (post && !connection.loop.execute(drainTask)) {
            failInbox(); // the loop has stopped: nothing will write
        }
        return done;
    }

    /**
     * @return the bytes admitted and not yet written: those on their way to the loop plus
     *     the outbound queue's data bytes as of the loop's last flush or drain. Any thread.
     */
    long queuedBytes() {
        return (long) INBOX_BYTES.getAcquire(this) + (long) PUBLISHED.getAcquire(this);
    }

    void closeSlowConsumer(int code) {
        Runnable close = () -> {
            if (connection.state == ConnectionState.OPEN) {
                connection.close(code, "slow consumer: outbound queue full");
            }
        };
        if (connection.loop.inServiceThread()) {
            close.run();
        } else {
            connection.loop.execute(close);
        }
    }

    private static ConnectionClosedException closedFailure() {
        return new ConnectionClosedException("the connection is closing or closed");
    }

    /** Any thread, after the loop refused the drain: fails what waits in the inbox. */
    private void failInbox() {
        Send s;
        while ((s = inbox.poll()) != null) {
            INBOX_BYTES.getAndAdd(this, -s.bytes());
            s.fail(closedFailure());
        }
    }

    // ---------------------------------------------------------------- service thread

    /** Service thread: queues what the inbox holds, in order. */
    void drain() {
        assert connection.loop.inServiceThread();
        inbox.beginDrain();
        Send s;
        int n = 0;
        while ((s = inbox.poll()) != null) {
            accept(s);
            if (++n == DRAIN_BATCH) {
                if (inbox.claimRepost() && !connection.loop.execute(drainTask)) {
                    failInbox();
                }
                break;
            }
        }
        publish();
    }

    private void accept(Send s) {
        if (connection.state != ConnectionState.OPEN) {
            INBOX_BYTES.getAndAdd(this, -s.bytes());
            s.fail(closedFailure());
            return;
        }
        boolean free = activeStream == null || s.stream() == activeStream;
        if (free && (deferred == null || deferred.isEmpty())) {
            queue(s);
            if (activeStream == null && deferred != null && !deferred.isEmpty()) {
                pumpDeferred();
            }
            return;
        }
        if (deferred == null) {
            deferred = new ArrayDeque<>();
        }
        deferred.addLast(s);
        pumpDeferred();
    }

    /**
     * Queues the deferred sends that may go, in order: a pass stops letting other sends go
     * after the first one that must wait, so none overtakes an earlier one, except the
     * fragments of the stream under way, which go on; passes repeat while they queue.
     */
    private void pumpDeferred() {
        boolean progress = true;
        while (progress && !deferred.isEmpty() && connection.state == ConnectionState.OPEN) {
            progress = false;
            boolean blocked = false;
            for (Iterator<Send> it = deferred.iterator(); it.hasNext(); ) {
                Send s = it.next();
                boolean allowed = activeStream != null ? s.stream() == activeStream : !blocked;
                if (!allowed) {
                    blocked = true;
                    continue;
                }
                it.remove();
                queue(s);
                progress = true;
            }
        }
    }

    private void queue(Send s) {
        EncodedMessage m = s.message();
        long frame = connection.queueEncoded(m);
        if (s.stream() != null) {
            activeStream = m.fin() ? null : s.stream();
            connection.streaming = activeStream != null;
        }
        if (writing == null) {
            writing = new ArrayDeque<>();
        }
        writing.addLast(new Written(frame, s.done()));
        if (s.queued() != null) {
            s.queued().complete(null);
        }
        publish();
        INBOX_BYTES.getAndAdd(this, -s.bytes()); // after publishing: the total never dips
    }

    /** Service thread: publishes the outbound queue's data bytes for admissions. */
    void publish() {
        long bytes = connection.outbound.dataBytes();
        if (bytes != lastPublished) {
            lastPublished = bytes;
            PUBLISHED.setRelease(this, bytes);
        }
    }

    /**
     * Service thread, after a flush: completes the stages of the frames written, in order.
     * Dependent actions run here, on the service thread, outside the flush.
     */
    void afterFlush() {
        assert connection.loop.inServiceThread();
        publish();
        if (writing == null || writing.isEmpty()) {
            return;
        }
        long written = connection.outbound.framesWritten();
        Written w;
        while ((w = writing.peekFirst()) != null && w.frame() <= written) {
            writing.pollFirst();
            w.done().complete(null);
        }
    }

    /**
     * Service thread, when the connection is over (lingering or closed): completes the
     * stages of frames written, fails the rest and whatever waits.
     */
    void closed() {
        assert connection.loop.inServiceThread();
        afterFlush();
        activeStream = null;
        connection.streaming = false;
        if (writing != null) {
            Written w;
            while ((w = writing.pollFirst()) != null) {
                w.done().completeExceptionally(closedFailure());
            }
        }
        if (deferred != null) {
            Send s;
            while ((s = deferred.pollFirst()) != null) {
                INBOX_BYTES.getAndAdd(this, -s.bytes());
                s.fail(closedFailure());
            }
        }
        failInbox();
        lastPublished = 0L;
        PUBLISHED.setRelease(this, 0L);
    }
}
