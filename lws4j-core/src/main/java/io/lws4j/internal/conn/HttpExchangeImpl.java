package io.lws4j.internal.conn;

import io.lws4j.HttpExchange;
import io.lws4j.internal.http.DynamicResponses;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The exchange handed to an {@code HttpHandler}: collects the response from any thread and
 * delivers it, in order, to the connection's service thread.
 *
 * <p>Phases: PENDING, then RESPONDED (a complete response) or STREAMING, STREAMING then
 * ENDED; CLOSED from PENDING or STREAMING when the client left, the connection closed, the
 * response timed out or the handler threw. Only the first response counts; every later
 * completion returns false (or null) and changes nothing.
 *
 * <p>Delivery is {@link LoopDelivery}'s, shared with {@link PendingHandshake}: while the
 * handler runs a completion only records its action; the connection
 * takes the actions when the handler returns. After that, each completion posts
 * {@code post} (the connection's {@code loop.execute}), and the connection takes whatever
 * actions are recorded. Actions are bounded: a head, at most one write (a second write
 * before the first's stage completed is refused) and an end.
 *
 * <p>Backpressure: a write's stage completes on the service thread once its bytes are
 * queued and the connection's queue is at or below its low-water mark, or later when the
 * queue drains ({@link #writeDrained}), so at most the outbound bound plus one write is
 * held per response.
 *
 * <p>Thread-safe: the fields marked so are guarded by this object's monitor, which is never
 * held while user code or the loop runs; stages are completed outside it. Memory
 * consistency effects: a completing thread's actions happen-before the connection applies
 * its action (the monitor, then the loop's command queue).
 */
final class HttpExchangeImpl implements HttpExchange, HttpExchange.HttpBodyStream {

    enum Phase { PENDING, RESPONDED, STREAMING, ENDED, CLOSED }

    enum Kind { COMPLETE, HEAD, CHUNK, END }

    /** One step for the connection: bytes to queue, and whether it is the last. */
    record Action(Kind kind, ByteBuffer bytes, boolean keepAlive) {
    }

    /** Exchanges created and not yet released by their connection (tests watch leaks). */
    private static final AtomicInteger LIVE = new AtomicInteger();

    private final byte[] body;
    private final boolean headOnly;
    private final boolean chunked;
    private final boolean keepAlive;
    private final int maxWrite;
    /** Posts this exchange to its connection's loop; keeps the headers. */
    private final LoopDelivery<HttpExchangeImpl> delivery;

    /** Guarded by this. */
    private Phase phase = Phase.PENDING;
    /** Guarded by this. */
    private final ArrayDeque<Action> actions = new ArrayDeque<>(3);
    /** Guarded by this: the stage of the last write, until it completes. */
    private CompletableFuture<Void> outstanding;

    /** Service thread only: the stage to complete when the queue drains. */
    private CompletableFuture<Void> awaitingDrain;
    /** Service thread only: the last action (COMPLETE or END) has been applied. */
    private boolean lastApplied;
    /** Service thread only: released by the connection. */
    private boolean released;

    /**
     * @param body the request body, read already
     * @param headOnly a HEAD request: heads only
     * @param http11 the client speaks HTTP/1.1 or later (chunked streams)
     * @param keepAlive the request allows another after it
     * @param maxWrite the largest write accepted (the outbound bound)
     * @param post hands this exchange to its connection's loop
     */
    HttpExchangeImpl(byte[] body, boolean headOnly, boolean http11, boolean keepAlive,
            int maxWrite, Consumer<HttpExchangeImpl> post) {
        this.body = body;
        this.headOnly = headOnly;
        this.chunked = http11;
        this.keepAlive = keepAlive;
        this.maxWrite = maxWrite;
        this.delivery = new LoopDelivery<>(this, post);
        LIVE.incrementAndGet();
    }

    /** @return exchanges created and not yet released by their connection */
    static int liveCount() {
        return LIVE.get();
    }

    @Override
    public byte[] body() {
        return body;
    }

    @Override
    public synchronized HttpExchange header(String name, String value) {
        delivery.header(name, value, phase == Phase.PENDING);
        return this;
    }

    @Override
    public boolean respond(int status, String contentType, byte[] content) {
        DynamicResponses.checkStatus(status, contentType);
        byte[] bytes = content == null ? new byte[0] : content;
        if (DynamicResponses.isBodiless(status) && bytes.length > 0) {
            throw new IllegalArgumentException("a " + status + " response has no body");
        }
        boolean postNow;
        synchronized (this) {
            if (phase != Phase.PENDING) {
                return false;
            }
            phase = Phase.RESPONDED;
            actions.add(new Action(Kind.COMPLETE, DynamicResponses.complete(status, contentType,
                    delivery.headers(), bytes, !headOnly, keepAlive), keepAlive));
            postNow = delivery.postsCompletion();
        }
        if (postNow) {
            delivery.post();
        }
        return true;
    }

    @Override
    public boolean respond(int status, String contentType, String content) {
        return respond(status, contentType,
                content == null ? null : content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public HttpBodyStream stream(int status, String contentType) {
        DynamicResponses.checkStatus(status, contentType);
        if (DynamicResponses.isBodiless(status)) {
            throw new IllegalArgumentException("a " + status + " response has no body to stream");
        }
        boolean stays = keepAlive && chunked;
        boolean postNow;
        synchronized (this) {
            if (phase != Phase.PENDING) {
                return null;
            }
            phase = Phase.STREAMING;
            actions.add(new Action(Kind.HEAD, DynamicResponses.streamHead(status, contentType,
                    delivery.headers(), chunked, stays), stays));
            postNow = delivery.postsCompletion();
        }
        if (postNow) {
            delivery.post();
        }
        return this;
    }

    @Override
    public synchronized boolean isDone() {
        return phase != Phase.PENDING && phase != Phase.STREAMING;
    }

    @Override
    public CompletionStage<Void> write(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        if (data.remaining() > maxWrite) {
            throw new IllegalArgumentException("a write of " + data.remaining()
                    + " bytes exceeds the outbound bound of " + maxWrite);
        }
        ByteBuffer framed = data.hasRemaining() && !headOnly
                ? DynamicResponses.chunk(data, chunked) : null;
        CompletableFuture<Void> stage;
        boolean postNow;
        synchronized (this) {
            if (phase == Phase.ENDED || phase == Phase.PENDING || phase == Phase.RESPONDED) {
                throw new IllegalStateException("the stream is " + phase);
            }
            if (outstanding != null && !outstanding.isDone()) {
                throw new IllegalStateException("the previous write has not completed");
            }
            if (phase == Phase.CLOSED) {
                return CompletableFuture.failedStage(new IOException("the exchange is closed"));
            }
            if (framed == null) {
                return CompletableFuture.completedStage(null);
            }
            stage = new CompletableFuture<>();
            outstanding = stage;
            actions.add(new Action(Kind.CHUNK, framed, keepAlive));
            postNow = delivery.postsCompletion();
        }
        if (postNow) {
            delivery.post();
        }
        return stage.minimalCompletionStage();
    }

    @Override
    public boolean end() {
        boolean postNow;
        synchronized (this) {
            if (phase != Phase.STREAMING) {
                return false;
            }
            if (outstanding != null && !outstanding.isDone()) {
                throw new IllegalStateException("the previous write has not completed");
            }
            phase = Phase.ENDED;
            boolean sendLast = chunked && !headOnly;
            actions.add(new Action(Kind.END, sendLast ? DynamicResponses.lastChunk()
                    : ByteBuffer.allocate(0), keepAlive && chunked));
            postNow = delivery.postsCompletion();
        }
        if (postNow) {
            delivery.post();
        }
        return true;
    }

    // ---------------------------------------------------------------- service thread

    /**
     * Service thread, once, after the handler returned (or threw).
     *
     * @return true when actions wait to be taken
     */
    synchronized boolean handlerReturned() {
        delivery.returned();
        return !actions.isEmpty();
    }

    /** Service thread: the actions recorded so far, in order. */
    synchronized List<Action> takeActions() {
        List<Action> taken = new ArrayList<>(actions);
        actions.clear();
        return taken;
    }

    /** @return the phase now */
    synchronized Phase phase() {
        return phase;
    }

    /** Service thread: nothing was given yet (a 500 or 503 may still be sent). */
    synchronized boolean isPending() {
        return phase == Phase.PENDING;
    }

    /**
     * Service thread: a write's bytes were queued; its stage completes now when the queue
     * has room, else at {@link #writeDrained}.
     */
    void chunkQueued(boolean roomNow) {
        CompletableFuture<Void> stage;
        synchronized (this) {
            stage = outstanding;
        }
        if (roomNow) {
            complete(stage);
        } else {
            awaitingDrain = stage;
        }
    }

    /** Service thread: the connection's queue drained; a waiting writer may go on. */
    void writeDrained() {
        CompletableFuture<Void> stage = awaitingDrain;
        awaitingDrain = null;
        complete(stage);
    }

    private static void complete(CompletableFuture<Void> stage) {
        if (stage != null) {
            stage.complete(null);
        }
    }

    /** Service thread: the complete response or the end has been queued. */
    void lastApplied() {
        lastApplied = true;
    }

    /** @return service thread: the whole response is queued */
    boolean isLastApplied() {
        return lastApplied;
    }

    /**
     * Service thread: the connection is going, the response timed out or the handler threw.
     * A waiting writer's stage fails; later completions do nothing.
     *
     * @return true when no response had been given (the caller may still send an error)
     */
    boolean close() {
        boolean wasPending;
        CompletableFuture<Void> stage;
        synchronized (this) {
            wasPending = phase == Phase.PENDING;
            if (phase == Phase.PENDING || phase == Phase.STREAMING) {
                phase = Phase.CLOSED;
            }
            actions.clear();
            stage = outstanding;
        }
        awaitingDrain = null;
        if (stage != null) {
            stage.completeExceptionally(new IOException("the connection closed"));
        }
        return wasPending;
    }

    /** Service thread: the connection no longer refers to this exchange; once. */
    void release() {
        if (!released) {
            released = true;
            LIVE.decrementAndGet();
        }
    }
}
