package io.lws4j.internal.loop;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A histogram of wait times in nanoseconds with about 12 % relative precision (64
 * power-of-two ranges, each split into 8 linear sub-buckets), for diagnostics: how long a
 * service loop waited to take its role back from a borrower ({@link ServiceRole#reclaim()}).
 * Recording never allocates.
 *
 * <p>Threading: one writer at a time ({@link #record} is called by the loop's thread only);
 * the readers ({@link #count}, {@link #max}, {@link #quantile}) may run on any thread and see
 * each bucket's count as of some recent record, not one consistent snapshot, which is enough
 * for a figure read after (or during) a run. Memory consistency effects: a value recorded
 * before a reader's {@link #count} read of the same count is seen by that reader's later
 * bucket reads (each count is written after its bucket, with release semantics).
 */
public final class WaitHistogram {
    private static final int SUB_BITS = 3;
    private static final int SUB_COUNT = 1 << SUB_BITS;
    private final AtomicLongArray counts = new AtomicLongArray(64 * SUB_COUNT);
    private volatile long total;
    private volatile long max;

    /**
     * Records one wait. Single writer.
     *
     * @param nanos the wait; negative values count as zero
     */
    void record(long nanos) {
        long v = Math.max(0, nanos);
        int i = indexOf(v);
        counts.lazySet(i, counts.get(i) + 1);
        if (v > max) {
            max = v;
        }
        total = total + 1; // single writer: no lost update
    }

    /**
     * @return how many waits were recorded
     */
    public long count() {
        return total;
    }

    /**
     * @return the longest wait recorded, in nanoseconds (0 when none)
     */
    public long max() {
        return max;
    }

    /**
     * The wait at quantile {@code q}: the upper bound of the bucket holding it (at most one
     * bucket width, about 12 %, above the true value), never above {@link #max()}.
     *
     * @param q the quantile, 0 to 1
     * @return nanoseconds, or -1 when nothing was recorded
     */
    public long quantile(double q) {
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("quantile not in [0, 1]: " + q);
        }
        long n = total;
        if (n == 0) {
            return -1;
        }
        long rank = Math.max(1, (long) Math.ceil(q * n));
        long seen = 0;
        long top = max;
        for (int i = 0; i < counts.length(); i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return Math.min(top, upperBound(i));
            }
        }
        return top;
    }

    static int indexOf(long v) {
        if (v < SUB_COUNT) {
            return (int) v;
        }
        int msb = 63 - Long.numberOfLeadingZeros(v);
        int shift = msb - SUB_BITS;
        int sub = (int) (v >>> shift) & (SUB_COUNT - 1);
        return (shift + 1) * SUB_COUNT + sub;
    }

    static long upperBound(int index) {
        int range = index / SUB_COUNT;
        int sub = index % SUB_COUNT;
        if (range == 0) {
            return sub;
        }
        int shift = range - 1;
        return ((long) (SUB_COUNT + sub + 1) << shift) - 1;
    }
}
