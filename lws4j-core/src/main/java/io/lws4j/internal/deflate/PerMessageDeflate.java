package io.lws4j.internal.deflate;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The permessage-deflate state of one connection: the inflater for what the peer sends and
 * the deflater for what we send, each configured from the negotiated parameters for its
 * direction, so the same class serves the server role and a future client role.
 *
 * <p>Memory per connection: java.util.zip cannot choose window bits or memLevel, so a
 * deflate stream always costs zlib's 256 KiB (window bits 15, memLevel 8: a 64 KiB sliding
 * window, 64 KiB hash chain, 64 KiB hash heads and 64 KiB literal buffer) plus about 6 KiB
 * of state, and an inflate stream a 32 KiB window plus about 7 KiB; pages zlib never touches
 * stay unmapped, so short messages cost less resident memory. Memory is bounded by
 * lifecycle instead: messages under the compression threshold never reach zlib, so a
 * connection that sends only those never creates a deflate stream; a direction without
 * context takeover holds its stream only during a message (see {@link ZlibPool}); and
 * {@link #release()} gives both streams back when the connection closes, which the owner must
 * call. Add the reader's bounded message buffer and its 8 KiB chunk buffer for compressed
 * input. The context's total is bounded too: the pool's memory limit may refuse a deflater
 * (the message goes uncompressed), and a server reserves a kept inflater at the handshake.
 *
 * <p>Lending the deflater: the owner may let one thread compress without the owner's role
 * ({@link #lendDeflater()}, given back with {@link #returnDeflater()}). A {@link #release()}
 * while the deflater is lent frees the inflater at once and leaves the deflater to the
 * borrower, which frees it when it gives it back: the zlib state is never freed under a
 * compression, and it is freed exactly once even when the borrower's completion never
 * reaches the owner again (a loop that stopped).
 *
 * <p>Not thread-safe: instances must not be shared, except for the lending just described:
 * {@link #returnDeflater()} and {@link #isReleaseAsked()} are for the borrower,
 * {@link #isDeflaterFreed()} and {@link #wasFreedByBorrower()} for any thread; everything
 * else is for the owner. Memory consistency effects: the owner's actions before
 * {@link #lendDeflater()} happen-before the borrower's use when the owner hands the lent
 * deflater over with such an edge; the borrower's uses happen-before a release by the
 * owner (the loan's atomic state).
 */
public final class PerMessageDeflate {
    /*
     * Loan states: HOME -> LENT (lendDeflater, owner) -> HOME (returnDeflater, borrower);
     * LENT -> RELEASE_ASKED (release, owner) -> FREED_BY_BORROWER (returnDeflater frees it);
     * HOME -> FREED_BY_OWNER (release frees it). Both FREED states are absorbing, and each is
     * reached by one successful compareAndSet, which is what frees the deflater exactly once.
     */
    private static final int HOME = 0;
    private static final int LENT = 1;
    private static final int RELEASE_ASKED = 2;
    private static final int FREED_BY_OWNER = 3;
    private static final int FREED_BY_BORROWER = 4;

    private final MessageInflater inflater;
    private final MessageDeflater deflater;
    private final AtomicInteger loan = new AtomicInteger(HOME);

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
     * @param compressionThreshold payloads shorter than this are sent uncompressed; 0
     *     compresses every non-empty message
     * @return the state, whose zlib streams are not pooled
     */
    public static PerMessageDeflate create(DeflateParams params, boolean server, int compressionThreshold) {
        return create(params, server, compressionThreshold, ZlibPool.unpooled());
    }

    /**
     * Creates the state for one side of a connection, with zlib streams from a pool.
     *
     * @param params the negotiated parameters
     * @param server true for the server role, false for the client role
     * @param compressionThreshold payloads shorter than this are sent uncompressed; 0
     *     compresses every non-empty message
     * @param zlib the context's pool of zlib streams
     * @return the state
     */
    public static PerMessageDeflate create(DeflateParams params, boolean server, int compressionThreshold,
                                           ZlibPool zlib) {
        return create(params, server, compressionThreshold, zlib, false);
    }

    /**
     * Creates the state for one side of a connection, with zlib streams from a pool, taking
     * over the inflater reservation the handshake made.
     *
     * @param params the negotiated parameters
     * @param server true for the server role, false for the client role
     * @param compressionThreshold payloads shorter than this are sent uncompressed; 0
     *     compresses every non-empty message
     * @param zlib the context's pool of zlib streams
     * @param inflaterReserved whether the caller holds a reservation of
     *     {@link ZlibPool#admitInflater(boolean) admitInflater(true)}, which the inflater then
     *     owns and {@link #release()} ends; only when the peer takes over its context
     * @return the state
     */
    public static PerMessageDeflate create(DeflateParams params, boolean server, int compressionThreshold,
                                           ZlibPool zlib, boolean inflaterReserved) {
        return new PerMessageDeflate(
                new MessageInflater(params.noContextTakeover(!server), zlib, inflaterReserved),
                new MessageDeflater(params.noContextTakeover(server), compressionThreshold, zlib));
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

    /**
     * Lends the deflater to a thread that compresses without the owner's role, until it
     * calls {@link #returnDeflater()}; meanwhile the owner does not use it. Owner only; not
     * after {@link #release()}.
     *
     * @return the deflater
     */
    public MessageDeflater lendDeflater() {
        boolean lent = loan.compareAndSet(HOME, LENT);
        assert lent : "deflater lent twice or released: " + loan.get();
        return deflater;
    }

    /**
     * The borrower is done with the deflater: it goes back to the owner, or, when the owner
     * released this state meanwhile, is freed here. Borrower only, once per loan.
     */
    public void returnDeflater() {
        if (!loan.compareAndSet(LENT, HOME)) {
            boolean asked = loan.compareAndSet(RELEASE_ASKED, FREED_BY_BORROWER);
            assert asked : "deflater returned but not lent: " + loan.get();
            deflater.release();
        }
    }

    /**
     * For the borrower: whether the owner released this state during the loan, so that the
     * compression it was lent for is wasted.
     *
     * @return true once {@link #release()} ran during the current loan
     */
    public boolean isReleaseAsked() {
        return loan.get() == RELEASE_ASKED;
    }

    /**
     * For tests and diagnostics: whether the deflater was freed. Thread-safe.
     *
     * @return true once the owner's {@link #release()} freed it, or the borrower did when it
     *     gave it back
     */
    public boolean isDeflaterFreed() {
        int s = loan.get();
        return s == FREED_BY_OWNER || s == FREED_BY_BORROWER;
    }

    /**
     * For tests and diagnostics: whether the release came while the deflater was lent, so
     * that the borrower freed it. Thread-safe.
     *
     * @return true when the borrower freed the deflater
     */
    public boolean wasFreedByBorrower() {
        return loan.get() == FREED_BY_BORROWER;
    }

    /**
     * Gives the zlib streams of both directions back to their pool; a lent deflater is given
     * back by its borrower when it returns it. Owner only. Idempotent.
     */
    public void release() {
        inflater.release();
        while (true) {
            int s = loan.get();
            if (s == RELEASE_ASKED || s == FREED_BY_OWNER || s == FREED_BY_BORROWER) {
                return;
            }
            if (s == HOME && loan.compareAndSet(HOME, FREED_BY_OWNER)) {
                deflater.release();
                return;
            }
            if (s == LENT && loan.compareAndSet(LENT, RELEASE_ASKED)) {
                return;
            }
        }
    }
}
