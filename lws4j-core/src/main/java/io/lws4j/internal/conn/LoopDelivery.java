package io.lws4j.internal.conn;

import io.lws4j.internal.http.HandshakeResponses;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Hands an answer completed on any thread to the owning connection's service thread: the
 * delivery shared by {@link PendingHandshake} (a handshake decision) and
 * {@link HttpExchangeImpl} (an HTTP handler's response).
 *
 * <p>The owner keeps its own state (what was decided, which completion came first) and
 * calls in here under its own monitor, which is also the monitor that guards
 * {@code ownerReturned}. While the user's hook or handler runs on the service thread
 * ({@code ownerReturned} false), a completion only records itself in the owner; the
 * service thread then calls {@link #returned()} and takes up what was recorded in the same
 * call. A completion after that posts the owner to its loop ({@link #post()}, the
 * connection's {@code loop.execute}; a stopped loop drops it), and the service thread takes
 * it up there unless the connection moved on (abandon, close or timeout, which the owner
 * records as one more completion). So every completion is taken up on the service thread,
 * by exactly one of the two paths. It also keeps the response headers the application
 * adds before completing, which both owners collect the same way.
 *
 * <p>States of {@code ownerReturned}: false, then true once {@link #returned()} ran; it
 * never goes back.
 *
 * <p>Thread-safe: every method but {@link #post()} is called with the owner's monitor held
 * (asserted), and {@link #post()} is called with it released (asserted), so neither the
 * loop nor user code runs under it. Memory consistency effects: a completing thread's
 * actions before it completes happen-before the service thread takes the completion up,
 * by one of two edges: the owner's monitor (completing thread releases it, then
 * {@link #returned()} acquires it), or the monitor followed by the loop's command queue
 * (completing thread releases the monitor, then submits through {@code loop.execute},
 * whose task the service thread runs and which acquires the monitor to read the owner).
 *
 * @param <T> the owner, whose monitor guards this object
 */
final class LoopDelivery<T> {

    private final T owner;
    private final Consumer<? super T> post;
    /** Guarded by the owner's monitor: response headers, name then value. */
    private final List<String> headers = new ArrayList<>(0);
    /** Guarded by the owner's monitor. */
    private boolean ownerReturned;

    /**
     * @param owner the object completed from any thread; its monitor guards this one
     * @param post hands the owner to its connection's loop
     */
    LoopDelivery(T owner, Consumer<? super T> post) {
        this.owner = owner;
        this.post = post;
    }

    /**
     * Owner's monitor held, just after a completion was recorded.
     *
     * @return true when the caller must {@link #post()} once it released the monitor
     *         (the hook or handler returned already); false when {@link #returned()}
     *         will take the completion up
     */
    boolean postsCompletion() {
        assert Thread.holdsLock(owner);
        return ownerReturned;
    }

    /** Any thread, owner's monitor released: hands the owner to the loop. */
    void post() {
        assert !Thread.holdsLock(owner);
        post.accept(owner);
    }

    /**
     * Service thread, owner's monitor held, after the hook or handler returned (or threw):
     * from now on completions are posted. The caller takes up what was recorded before,
     * under the same monitor.
     */
    void returned() {
        assert Thread.holdsLock(owner);
        ownerReturned = true;
    }

    /**
     * Owner's monitor held: checks a response header and records it while the owner is
     * still open to changes.
     *
     * @param name the header name
     * @param value the header value
     * @param open the owner has not been completed yet
     * @throws IllegalArgumentException when the name or value cannot be sent
     */
    void header(String name, String value, boolean open) {
        assert Thread.holdsLock(owner);
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        HandshakeResponses.checkHeader(name, value);
        if (open) {
            headers.add(name);
            headers.add(value);
        }
    }

    /** @return owner's monitor held: the headers recorded, name then value (live view) */
    List<String> headers() {
        assert Thread.holdsLock(owner);
        return headers;
    }
}
