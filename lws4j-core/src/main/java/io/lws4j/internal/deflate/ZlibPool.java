package io.lws4j.internal.deflate;

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
 * bounded by lifecycle instead. A direction that resets its window after every message (no
 * context takeover) takes a stream for one message and gives it back, so idle connections
 * hold none and the streams in use are bounded by the threads compressing at once; a
 * direction that takes over its context keeps its stream for the connection's life, and gives
 * it back when the connection closes. At most {@link #maxIdle()} idle streams of each kind are
 * kept; one given back beyond that is ended at once. A stream is always reset before it is
 * kept, so whoever takes it starts with an empty window.
 *
 * <p>The creation counters are there so tests can check that connections which send only
 * messages under the compression threshold never create a deflater.
 *
 * <p>Thread-safe: streams are taken and given back on service threads and on threadpool
 * workers writing without the service role. The idle stacks are guarded by this object's
 * monitor, held only to push or pop; zlib work (reset, end) runs outside it. Memory
 * consistency effects: giving a stream back happens-before a later take returns it.
 */
public final class ZlibPool {

    private final int maxIdle;
    private final ArrayDeque<Deflater> idleDeflaters = new ArrayDeque<>();
    private final ArrayDeque<Inflater> idleInflaters = new ArrayDeque<>();
    private final AtomicLong deflatersCreated = new AtomicLong();
    private final AtomicLong inflatersCreated = new AtomicLong();
    private boolean closed;

    /**
     * Creates a pool.
     *
     * @param maxIdle how many idle streams of each kind to keep; 0 ends every stream given back
     */
    public ZlibPool(int maxIdle) {
        if (maxIdle < 0) {
            throw new IllegalArgumentException("negative maxIdle: " + maxIdle);
        }
        this.maxIdle = maxIdle;
    }

    /**
     * A pool for one context: keeps two idle streams of each kind per processor, enough for
     * every thread that can compress at once on this machine, at most a few MiB.
     *
     * @return a new pool
     */
    public static ZlibPool forContext() {
        return new ZlibPool(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
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
     * An idle raw deflater (default level, no zlib header), or a new one.
     *
     * @return a deflater with an empty window, owned by the caller until given back
     */
    public Deflater takeDeflater() {
        synchronized (this) {
            Deflater idle = idleDeflaters.pollFirst();
            if (idle != null) {
                return idle;
            }
        }
        deflatersCreated.incrementAndGet();
        return new Deflater(Deflater.DEFAULT_COMPRESSION, true);
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
    }

    /**
     * An idle raw inflater, or a new one.
     *
     * @return an inflater with an empty window, owned by the caller until given back
     */
    public Inflater takeInflater() {
        synchronized (this) {
            Inflater idle = idleInflaters.pollFirst();
            if (idle != null) {
                return idle;
            }
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
