package io.lws4j.internal.deflate;

import io.lws4j.internal.util.Args;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The zlib streams of one context's permessage-deflate connections: creates raw
 * {@link Deflater}s and {@link Inflater}s, and keeps a bounded number of idle ones for reuse.
 *
 * <p>Why: java.util.zip cannot choose window bits or memLevel, so a deflater always costs
 * zlib's full 256 KiB of window and hash tables and an inflater a 32 KiB window. Memory is
 * bounded by lifecycle instead, and in total by the limit below. A direction that resets its
 * window after every message (no context takeover) takes a stream for one message and gives
 * it back, so idle connections hold none and the streams in use are bounded by the threads
 * compressing at once; a direction that takes over its context keeps its stream for the
 * connection's life, and gives it back when the connection closes. At most {@link #maxIdle()} idle streams of each kind are
 * kept; one given back beyond that is ended at once. A stream is always reset before it is
 * kept, so whoever takes it starts with an empty window.
 *
 * <p>Memory limit: every live stream (created and not yet ended, idle ones kept here
 * included) is charged at a fixed cost, {@link #DEFLATER_BYTES} or {@link #INFLATER_BYTES},
 * against the limit given at construction; {@link #bytesInUse()} is the sum. A new deflater
 * that would pass the limit is refused ({@link #takeDeflater()} returns null and the caller
 * sends the message uncompressed, which RFC 7692 allows per message). An inflater cannot be
 * refused once deflate is negotiated, so the server admits a connection's inflater at the
 * handshake instead ({@link #admitInflater}): a direction with context takeover reserves its
 * inflater's cost there until the connection closes, so such inflaters never pass the
 * limit; an inflater reset per message, and a client connection's inflater, are charged when
 * created and never refused. Those are the only overdraft: transient per-message streams,
 * bounded by the threads reading at once, and a client's own connections. The charge is an
 * atomic add when a stream is created or ended, never per message.
 *
 * <p>The creation counters are there so tests can check that connections which send only
 * messages under the compression threshold never create a deflater.
 *
 * <p>Thread-safe: streams are taken and given back on service threads and on threadpool
 * workers writing without the service role. The idle stacks are guarded by this object's
 * monitor, held only to push or pop; zlib work (reset, end) runs outside it. The charge is
 * one atomic counter: a new deflater's is added by compare-and-set only while it fits,
 * everything else by an unconditional add, so concurrent takes never pass the limit together.
 * Memory consistency effects: giving a stream back happens-before a later take returns it.
 */
public final class ZlibPool {

    /**
     * The charge of one deflate stream: java.util.zip always uses window bits 15 and
     * memLevel 8, which zlib sizes at a 64 KiB window, 64 KiB hash chain, 64 KiB hash heads
     * and 64 KiB literal buffer (256 KiB), plus about 6 KiB of stream state. Resident memory
     * may be lower (pages zlib never touched), so the charge is an upper bound.
     */
    public static final long DEFLATER_BYTES = (256 + 6) * 1024;

    /**
     * The charge of one inflate stream: its 32 KiB window (window bits 15, the most a peer
     * may use) plus about 7 KiB of stream state.
     */
    public static final long INFLATER_BYTES = (32 + 7) * 1024;

    /**
     * The default limit of a context's pool: 256 MiB, room for about a thousand connections
     * compressing at once with context takeover (each holding a deflater and an inflater),
     * far more than a server needs for ordinary traffic, and small enough that ten thousand
     * connections all sending large messages cannot take gigabytes of native memory.
     */
    public static final long DEFAULT_LIMIT_BYTES = 256L << 20;

    private final int maxIdle;
    private final long limitBytes;
    /** The level of every deflater this pool creates; idle ones keep it, so none is reset. */
    private final int level;
    private final AtomicLong bytesInUse = new AtomicLong();
    private final AtomicLong deflatersRefused = new AtomicLong();
    private final AtomicLong inflatersDeclined = new AtomicLong();
    private final ArrayDeque<Deflater> idleDeflaters = new ArrayDeque<>();
    private final ArrayDeque<Inflater> idleInflaters = new ArrayDeque<>();
    private final AtomicLong deflatersCreated = new AtomicLong();
    private final AtomicLong inflatersCreated = new AtomicLong();
    private boolean closed;

    /**
     * Creates a pool without a memory limit.
     *
     * @param maxIdle how many idle streams of each kind to keep; 0 ends every stream given back
     */
    public ZlibPool(int maxIdle) {
        this(maxIdle, Long.MAX_VALUE);
    }

    /**
     * Creates a pool.
     *
     * @param maxIdle how many idle streams of each kind to keep; 0 ends every stream given back
     * @param limitBytes the most the live streams may be charged at once (see the class
     *     comment); {@link Long#MAX_VALUE} for no limit
     */
    public ZlibPool(int maxIdle, long limitBytes) {
        this(maxIdle, limitBytes, ZlibSettings.DEFAULT_LEVEL);
    }

    /**
     * Creates a pool whose deflaters compress at {@code level}.
     *
     * @param maxIdle how many idle streams of each kind to keep; 0 ends every stream given back
     * @param limitBytes the most the live streams may be charged at once (see the class
     *     comment); {@link Long#MAX_VALUE} for no limit
     * @param level the compression level, 1 to 9
     */
    public ZlibPool(int maxIdle, long limitBytes, int level) {
        this.level = Args.between(level, Deflater.BEST_SPEED, Deflater.BEST_COMPRESSION, "level");
        this.maxIdle = Args.atLeast(maxIdle, 0, "maxIdle");
        this.limitBytes = Args.atLeast(limitBytes, 0L, "limitBytes");
    }

    /**
     * A pool for one context with the default limit, {@link #DEFAULT_LIMIT_BYTES}.
     *
     * @return a new pool
     */
    public static ZlibPool forContext() {
        return forContext(ZlibSettings.DEFAULTS);
    }

    /**
     * A pool for one context: keeps two idle streams of each kind per processor, enough for
     * every thread that can compress at once on this machine, at most a few MiB.
     *
     * @param settings the context's compression memory limit and level
     * @return a new pool
     */
    public static ZlibPool forContext(ZlibSettings settings) {
        return new ZlibPool(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()),
                settings.memoryLimit(), settings.level());
    }

    /**
     * A pool that keeps nothing: every stream given back is ended. For codecs made outside a
     * context (tests, tools).
     *
     * @return a new pool
     */
    public static ZlibPool unpooled() {
        return new ZlibPool(0);
    }

    /**
     * An idle raw deflater (this pool's level, no zlib header), or a new one when its charge
     * fits under the limit; else null, counted in {@link #deflatersRefused()}: the caller
     * sends its message uncompressed.
     *
     * @return a deflater with an empty window, owned by the caller until given back; null
     *     when the limit refuses a new one
     */
    public Deflater takeDeflater() {
        synchronized (this) {
            Deflater idle = idleDeflaters.pollFirst();
            if (idle != null) {
                return idle;
            }
        }
        if (!charge(DEFLATER_BYTES)) {
            deflatersRefused.incrementAndGet();
            return null;
        }
        deflatersCreated.incrementAndGet();
        return new Deflater(level, true);
    }

    /**
     * Takes back a deflater nobody uses any more: reset and kept, or ended when enough are
     * idle or the pool is closed.
     *
     * @param deflater a deflater from {@link #takeDeflater()}, not ended
     */
    public void giveBack(Deflater deflater) {
        deflater.reset();
        synchronized (this) {
            if (!closed && idleDeflaters.size() < maxIdle) {
                idleDeflaters.addFirst(deflater);
                return;
            }
        }
        deflater.end();
        bytesInUse.addAndGet(-DEFLATER_BYTES);
    }

    /**
     * At a server's handshake: whether a connection may negotiate permessage-deflate, that
     * is, whether the memory in use plus one inflater stays within the limit. When it may
     * and {@code reserve} is true the inflater's charge is taken now, and stays until the
     * connection's inflater, taken with {@link #takeInflater(boolean) takeInflater(true)},
     * is given back, or until {@link #releaseInflaterReservation()} when it never was. A
     * refusal is counted in {@link #inflatersDeclined()}.
     *
     * @param reserve true for an inflater with context takeover, kept for the connection's
     *     life; false for one reset per message, which is charged only while it exists
     * @return false to decline the offer
     */
    public boolean admitInflater(boolean reserve) {
        boolean fits = reserve ? charge(INFLATER_BYTES) : bytesInUse.get() <= limitBytes - INFLATER_BYTES;
        if (!fits) {
            inflatersDeclined.incrementAndGet();
        }
        return fits;
    }

    /**
     * Gives back a reservation of {@link #admitInflater(boolean) admitInflater(true)} whose
     * inflater was never taken (the connection closed before a compressed message, or
     * before it opened).
     */
    public void releaseInflaterReservation() {
        bytesInUse.addAndGet(-INFLATER_BYTES);
    }

    /**
     * An idle raw inflater, or a new one, charged unless reserved.
     *
     * @return an inflater with an empty window, owned by the caller until given back
     */
    public Inflater takeInflater() {
        return takeInflater(false);
    }

    /**
     * An idle raw inflater, or a new one. Never refused: an inflater is needed once deflate
     * is negotiated. With {@code reserved} its charge is the caller's reservation (an idle
     * one's own charge is dropped); else a new one is charged now, even past the limit.
     *
     * @param reserved whether the caller holds a reservation from
     *     {@link #admitInflater(boolean) admitInflater(true)}, which this take uses up
     * @return an inflater with an empty window, owned by the caller until given back
     */
    public Inflater takeInflater(boolean reserved) {
        synchronized (this) {
            Inflater idle = idleInflaters.pollFirst();
            if (idle != null) {
                if (reserved) {
                    bytesInUse.addAndGet(-INFLATER_BYTES);
                }
                return idle;
            }
        }
        if (!reserved) {
            bytesInUse.addAndGet(INFLATER_BYTES);
        }
        inflatersCreated.incrementAndGet();
        return new Inflater(true);
    }

    /**
     * Takes back an inflater nobody uses any more: reset and kept, or ended when enough are
     * idle or the pool is closed.
     *
     * @param inflater an inflater from {@link #takeInflater()}, not ended
     */
    public void giveBack(Inflater inflater) {
        inflater.reset();
        synchronized (this) {
            if (!closed && idleInflaters.size() < maxIdle) {
                idleInflaters.addFirst(inflater);
                return;
            }
        }
        inflater.end();
        bytesInUse.addAndGet(-INFLATER_BYTES);
    }

    /**
     * Ends every idle stream; streams given back later are ended at once. Idempotent. The
     * context calls it when it closes.
     */
    public void close() {
        Deflater[] deflaters;
        Inflater[] inflaters;
        synchronized (this) {
            closed = true;
            deflaters = idleDeflaters.toArray(new Deflater[0]);
            inflaters = idleInflaters.toArray(new Inflater[0]);
            idleDeflaters.clear();
            idleInflaters.clear();
        }
        for (Deflater d : deflaters) {
            d.end();
        }
        for (Inflater i : inflaters) {
            i.end();
        }
        bytesInUse.addAndGet(-(deflaters.length * DEFLATER_BYTES + inflaters.length * INFLATER_BYTES));
    }

    /** Adds {@code cost} to the memory in use when the sum stays within the limit. */
    private boolean charge(long cost) {
        while (true) {
            long used = bytesInUse.get();
            if (used > limitBytes - cost) {
                return false;
            }
            if (bytesInUse.compareAndSet(used, used + cost)) {
                return true;
            }
        }
    }

    /**
     * The limit given at construction.
     *
     * @return bytes; {@link Long#MAX_VALUE} for none
     */
    public long limitBytes() {
        return limitBytes;
    }

    /**
     * The charge of every live stream and inflater reservation now (see the class comment).
     *
     * @return bytes
     */
    public long bytesInUse() {
        return bytesInUse.get();
    }

    /**
     * Deflaters refused by the limit so far: each is one message sent uncompressed.
     *
     * @return the count
     */
    public long deflatersRefused() {
        return deflatersRefused.get();
    }

    /**
     * Handshakes whose inflater the limit declined so far: each is one permessage-deflate
     * offer answered without the extension.
     *
     * @return the count
     */
    public long inflatersDeclined() {
        return inflatersDeclined.get();
    }

    /**
     * The most idle streams of each kind kept.
     *
     * @return the bound given at construction
     */
    public int maxIdle() {
        return maxIdle;
    }

    /**
     * @return the compression level of the deflaters this pool creates
     */
    public int level() {
        return level;
    }

    /**
     * For tests and diagnostics: deflaters created so far (not counting reuses).
     *
     * @return the count
     */
    public long deflatersCreated() {
        return deflatersCreated.get();
    }

    /**
     * For tests and diagnostics: inflaters created so far (not counting reuses).
     *
     * @return the count
     */
    public long inflatersCreated() {
        return inflatersCreated.get();
    }

    /**
     * For tests and diagnostics: idle deflaters kept now.
     *
     * @return at most {@link #maxIdle()}
     */
    public synchronized int idleDeflaters() {
        return idleDeflaters.size();
    }

    /**
     * For tests and diagnostics: idle inflaters kept now.
     *
     * @return at most {@link #maxIdle()}
     */
    public synchronized int idleInflaters() {
        return idleInflaters.size();
    }
}
