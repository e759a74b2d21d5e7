package io.lws4j.internal.conn;

import io.lws4j.HandshakeDecision;
import io.lws4j.Request;
import io.lws4j.internal.http.HandshakeResponses;
import io.lws4j.internal.http.UpgradeDecision;
import java.util.List;
import java.util.function.Consumer;

/**
 * The decision object handed to {@code Protocol.onHandshake}: collects the application's
 * response fields and outcome from any thread and delivers the outcome to the connection's
 * service thread exactly once.
 *
 * <p>States: UNDECIDED, then exactly one of ACCEPTED, REFUSED (by the application),
 * TIMED_OUT (the handshake timeout ran out: 503) or ABANDONED (the client left, the
 * connection closed, the hook threw: 500). Only the first move out of UNDECIDED counts;
 * later completions return false and change nothing.
 *
 * <p>Delivery: while the hook runs (until {@link #hookReturned()}), a completion only records
 * the outcome; {@link #hookReturned()} then reports it, and the connection applies it in the
 * same call. A completion after the hook returned posts this decision to the connection's
 * loop ({@code Connection.execute}), which applies it unless the connection moved on
 * meanwhile. So the outcome is applied once, on the service thread, whoever completes.
 * {@link LoopDelivery} carries this mechanism (and the headers) for both this class and
 * {@link HttpExchangeImpl}.
 *
 * <p>Thread-safe: the fields are guarded by this object's monitor, which is never held
 * while user code or the loop runs. Memory consistency effects: actions of a thread before
 * it completes the decision happen-before the outcome is applied (the monitor, then the
 * loop's command queue), and so before {@code onEstablished}.
 */
final class PendingHandshake implements HandshakeDecision {

    enum Outcome { UNDECIDED, ACCEPTED, REFUSED, TIMED_OUT, ABANDONED }

    private final Request request;
    /** The connection being opened (not yet open). */
    private final io.lws4j.Connection connection;
    /** The acceptance lws4j decided before the hook (protocol, deflate, default 101). */
    private final UpgradeDecision.Accept accept;
    /** Posts the outcome to the owning loop (a stopped loop drops it); keeps the headers. */
    private final LoopDelivery<PendingHandshake> delivery;
    private String subprotocol;
    private boolean subprotocolChosen;
    private Outcome outcome = Outcome.UNDECIDED;
    private int refusalStatus;
    private String refusalReason;

    /** A decision with no connection behind it ({@link #connection()} is null): tests. */
    PendingHandshake(Request request, UpgradeDecision.Accept accept,
            Consumer<PendingHandshake> post) {
        this(request, null, accept, post);
    }

    PendingHandshake(Request request, io.lws4j.Connection connection,
            UpgradeDecision.Accept accept, Consumer<PendingHandshake> post) {
        this.request = request;
        this.connection = connection;
        this.accept = accept;
        this.delivery = new LoopDelivery<>(this, post);
        this.subprotocol = accept.subprotocol();
    }

    @Override
    public synchronized HandshakeDecision header(String name, String value) {
        delivery.header(name, value, outcome == Outcome.UNDECIDED);
        return this;
    }

    @Override
    public synchronized HandshakeDecision subprotocol(String name) {
        if (name != null && !request.subprotocols().contains(name)) {
            throw new IllegalArgumentException("the client did not offer subprotocol " + name);
        }
        if (outcome == Outcome.UNDECIDED) {
            subprotocol = name;
            subprotocolChosen = true;
        }
        return this;
    }

    @Override
    public io.lws4j.Connection connection() {
        return connection; // final: safe from any thread
    }

    @Override
    public boolean accept() {
        return complete(Outcome.ACCEPTED, 0, null);
    }

    @Override
    public boolean refuse(int status, String reason) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a refusal needs a 4xx or 5xx status: " + status);
        }
        return complete(Outcome.REFUSED, status, reason == null ? "" : reason);
    }

    @Override
    public synchronized boolean isDecided() {
        return outcome != Outcome.UNDECIDED;
    }

    /**
     * Any thread: the first completion wins.
     *
     * @return true when this call decided
     */
    boolean complete(Outcome decided, int status, String reason) {
        boolean deliverNow;
        synchronized (this) {
            if (outcome != Outcome.UNDECIDED) {
                return false;
            }
            outcome = decided;
            refusalStatus = status;
            refusalReason = reason;
            deliverNow = delivery.postsCompletion();
        }
        if (deliverNow && (decided == Outcome.ACCEPTED || decided == Outcome.REFUSED)) {
            delivery.post();
        }
        return true;
    }

    /**
     * Service thread, once, after the hook returned (or threw).
     *
     * @return the outcome so far: UNDECIDED means later completions post it
     */
    synchronized Outcome hookReturned() {
        delivery.returned();
        return outcome;
    }

    /**
     * Service thread: the handshake timeout ran out, or the connection is going away.
     *
     * @param why TIMED_OUT or ABANDONED
     * @return true when the decision was still open (it now is closed with {@code why})
     */
    boolean close(Outcome why) {
        return complete(why, 0, null);
    }

    /** @return the current outcome */
    synchronized Outcome outcome() {
        return outcome;
    }

    /** @return the acceptance lws4j prepared */
    UpgradeDecision.Accept preparedAccept() {
        return accept;
    }

    /** @return the 101 to send: the prepared one when the application changed nothing */
    synchronized java.nio.ByteBuffer acceptResponse() {
        List<String> headers = delivery.headers();
        if (headers.isEmpty() && !subprotocolChosen) {
            return accept.response();
        }
        return HandshakeResponses.accept(accept.acceptKey(), subprotocol, accept.deflate(),
                headers);
    }

    /** @return the refusal to send */
    synchronized io.lws4j.internal.http.HttpResponse refusal() {
        return HandshakeResponses.refusal(refusalStatus, refusalReason, delivery.headers());
    }
}
