package io.lws4j.benchmarks.loadgen;

/**
 * A fixed-size histogram of non-negative nanosecond values with about 3 % relative
 * precision: 64 power-of-two ranges, each split into 32 linear sub-buckets. Recording
 * never allocates, so the load generator can record every message.
 *
 * <p>Not thread-safe: instances must not be shared; each selector thread keeps its own and
 * they are {@link #add added} together after the run.
 */
public final class LogHistogram {
    private static final int SUB_BITS = 5;
    private static final int SUB_COUNT = 1 << SUB_BITS;
    private final long[] counts = new long[64 * SUB_COUNT];
    private long total;
    private long max;

    /** Records one value; negative values count as zero. */
    public void record(long value) {
        long v = Math.max(0, value);
        counts[indexOf(v)]++;
        total++;
        if (v > max) {
            max = v;
        }
    }

    /** Adds every count of {@code other} to this histogram. */
    public void add(LogHistogram other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        max = Math.max(max, other.max);
    }

    public long count() {
        return total;
    }

    /**
     * The value at quantile {@code q} (0..1): the upper bound of the bucket that holds it,
     * so it overstates by at most one bucket width (about 3 %); -1 when empty.
     */
    public long quantile(double q) {
        if (total == 0) {
            return -1;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(max, upperBound(i));
            }
        }
        return max;
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
