package io.lws4j.internal.conn;

import io.lws4j.internal.frame.FrameWriter;
import io.lws4j.internal.loop.ServiceLoop;
import io.lws4j.internal.util.WaitNanos;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The receive side's controls of an established connection: pausing and resuming reads
 * (inbound flow control), pings sent by hand, and the connection's own idle timeout and ping
 * interval.
 *
 * <p>Pause: {@link #readingPaused} is a volatile flag any thread may set. The service thread
 * reads it before each socket read ({@code ConnectionImpl.onReadable}) and at each frame or
 * chunk boundary the frame reader reaches ({@code MessageSink.paused()}); when it finds it
 * set while OPEN, it parses nothing more, keeps what was read but not parsed in
 * {@link #heldInput}, and {@code updateInterest} drops OP_READ, so the socket is no longer
 * read and TCP flow control reaches the peer. Resuming clears the flag and, on the service
 * thread, re-enables OP_READ; {@code updateInterest} then queues {@code readAgain}, which
 * parses the held input first. A pause from another thread needs no loop command: the next
 * readiness event finds the flag and drops OP_READ itself. Leaving OPEN ends the pause's
 * effect ({@link #isHoldingInput()}), so a closing connection reads its peer's close.
 *
 * <p>Service-thread confined, except the methods {@link io.lws4j.Connection} documents as
 * thread-safe ({@link #sendPing}, {@link #pauseReading}, {@link #resumeReading},
 * {@link #isReadingPaused}).
 */
abstract class InboundControl extends UpgradePhase {

    /** RFC 6455 5.5: a control frame's payload is at most 125 bytes. */
    private static final int MAX_PING_PAYLOAD = 125;

    /** Reopens reading after a resume; a loop command when resumed from another thread. */
    private final Runnable resumeTask = this::updateInterest;

    InboundControl(ServiceLoop loop, SocketChannel channel, ConnectionSettings settings,
            ClientRole client) {
        super(loop, channel, settings, client);
    }

    // ---------------------------------------------------------------- pings

    @Override
    public boolean writePing(ByteBuffer payload) {
        checkPingPayload(payload);
        checkServiceThread();
        if (state != ConnectionState.OPEN || outbound.controlBytes() > MAX_CONTROL_BYTES) {
            return false;
        }
        long now = System.nanoTime();
        outbound.addControl(frames.frame(FrameWriter.OP_PING, payload.duplicate()));
        pings.sent(payload, now);
        lastPingNanos = now;
        requestFlush();
        return true;
    }

    @Override
    public CompletionStage<Void> sendPing(ByteBuffer payload) {
        checkPingPayload(payload);
        byte[] copy = new byte[payload.remaining()];
        payload.duplicate().get(copy);
        CompletableFuture<Void> queued = new CompletableFuture<>();
        Runnable ping = () -> {
            if (writePing(ByteBuffer.wrap(copy))) {
                queued.complete(null);
            } else {
                queued.completeExceptionally(new IOException(
                        "ping not sent: the connection is closing or closed, or too many"
                                + " control frames are queued"));
            }
        };
        if (loop.inServiceThread()) {
            ping.run();
        } else if (!loop.execute(ping)) {
            queued.completeExceptionally(new IOException("ping not sent: the loop has stopped"));
        }
        return queued;
    }

    private static void checkPingPayload(ByteBuffer payload) {
        Objects.requireNonNull(payload, "payload");
        if (payload.remaining() > MAX_PING_PAYLOAD) {
            throw new IllegalArgumentException("ping payload over " + MAX_PING_PAYLOAD
                    + " bytes: " + payload.remaining());
        }
    }

    // ---------------------------------------------------------------- liveness overrides

    @Override
    public void idleTimeout(Duration timeout) {
        long nanos = nanosOf(timeout, "idleTimeout");
        checkServiceThread();
        overrideLiveness(liveness.withIdleNanos(nanos));
    }

    @Override
    public void pingInterval(Duration interval) {
        long nanos = nanosOf(interval, "pingInterval");
        checkServiceThread();
        overrideLiveness(liveness.withPingNanos(nanos));
    }

    private static long nanosOf(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " is negative: " + d);
        }
        return d.isZero() ? 0 : WaitNanos.of(d);
    }

    // ---------------------------------------------------------------- inbound flow control

    @Override
    public void pauseReading() {
        readingPaused = true;
    }

    @Override
    public void resumeReading() {
        if (!readingPaused) {
            return;
        }
        readingPaused = false;
        if (loop.inServiceThread()) {
            resumeTask.run();
        } else {
            loop.execute(resumeTask); // false when the loop stopped: nothing left to read
        }
    }

    @Override
    public boolean isReadingPaused() {
        return readingPaused;
    }

    /**
     * The frame reader stopped at a pause with {@code buf} not consumed: keeps its rest for
     * the resume. {@code buf} is the loop's shared read buffer or the held input itself.
     */
    void holdRest(ByteBuffer buf) {
        if (buf == heldInput || !buf.hasRemaining()) {
            return;
        }
        ByteBuffer copy = ByteBuffer.allocate(buf.remaining());
        copy.put(buf).flip();
        heldInput = copy;
    }
}
