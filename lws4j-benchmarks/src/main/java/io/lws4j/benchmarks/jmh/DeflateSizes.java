package io.lws4j.benchmarks.jmh;

import io.lws4j.internal.deflate.MessageDeflater;
import io.lws4j.internal.deflate.ZlibPool;
import io.lws4j.internal.frame.FrameWriter;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;

/**
 * Bytes on the wire per message for {@link DeflateBenchmark}'s cases, as a markdown table:
 * the server's frame without permessage-deflate (or under the threshold), and compressed
 * with a shared window and without context takeover at zlib levels 1 (lws4j's default) and
 * 6 (zlib's), each from lws4j's own
 * {@link MessageDeflater} over one pass of the benchmark's messages (the same text and
 * seed), in order, starting from an empty window. The CPU side of the trade-off is
 * {@link DeflateBenchmark}'s.
 *
 * <pre>
 * java -cp ... io.lws4j.benchmarks.jmh.DeflateSizes [size ...]   # default: 32 1024 4096
 * </pre>
 *
 * <p>Columns: mean frame bytes per message (header included, unmasked as a server sends
 * them; a client's frames add its 4-byte masking key), the mean as a share of the
 * uncompressed frame, and the share of messages that went out compressed (RSV1 set: without
 * context takeover a message that did not shrink goes out as it is, with any positive
 * threshold).
 *
 * <p>Thread-safe: stateless.
 */
public final class DeflateSizes {
    /** The levels compared: lws4j's default, and zlib's (Netty's, Jetty's, Node ws's). */
    static final int[] LEVELS = {1, 6};

    private DeflateSizes() {
    }

    /**
     * Prints the table.
     *
     * @param args message sizes in bytes; none for 32, 1024 and 4096
     */
    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {32, 1024, 4096}
                : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        print(System.out, sizes);
    }

    /**
     * Writes the table for the given sizes.
     *
     * @param out where to write
     * @param sizes message sizes in bytes
     */
    static void print(PrintStream out, int... sizes) {
        out.println("| size (B) | level | messages | plain frame (B) | shared window (B) | shared / plain "
                + "| no takeover (B) | no takeover / plain | no takeover: compressed |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int size : sizes) {
            String[] texts = ChatTickerText.messages(size, ChatTickerText.cycleLength(size), DeflateBenchmark.SEED);
            Row plain = plain(texts);
            for (int level : LEVELS) {
                Row shared = compressed(texts, true, level);
                Row reset = compressed(texts, false, level);
                out.printf(Locale.ROOT, "| %d | %d | %d | %.1f | %.1f | %.1f%% | %.1f | %.1f%% | %.1f%% |%n",
                        size, level, texts.length, plain.meanBytes(), shared.meanBytes(),
                        100 * shared.meanBytes() / plain.meanBytes(), reset.meanBytes(),
                        100 * reset.meanBytes() / plain.meanBytes(), 100 * reset.compressedShare());
            }
        }
        if (sizes.length > 0) {
            String sample = ChatTickerText.messages(sizes[0], 1, DeflateBenchmark.SEED)[0];
            out.println();
            out.println("First message of size " + sizes[0] + ": `" + sample.replace("\n", "\\n") + "`");
        }
    }

    /**
     * Frames of the messages without compression.
     *
     * @param texts the messages
     * @return the frames' totals
     */
    static Row plain(String[] texts) {
        Row row = new Row();
        for (String t : texts) {
            row.add(FrameWriter.encodeText(t));
        }
        return row;
    }

    /**
     * Frames of the messages from one server deflater, in order.
     *
     * @param texts the messages
     * @param takeover whether the window is shared between messages
     * @param level the zlib level
     * @return the frames' totals
     */
    static Row compressed(String[] texts, boolean takeover, int level) {
        MessageDeflater deflater = new MessageDeflater(!takeover, DeflateBenchmark.COMPRESSING_THRESHOLD,
                new ZlibPool(0, Long.MAX_VALUE, level));
        try {
            Row row = new Row();
            for (String t : texts) {
                row.add(DeflateBenchmark.encodeText(deflater, t, false, 0));
            }
            return row;
        } finally {
            deflater.release();
        }
    }

    /** Totals over the frames of one pass. Not thread-safe. */
    static final class Row {
        private static final int RSV1 = 0x40;
        long messages;
        long bytes;
        long compressed;

        void add(ByteBuffer frame) {
            messages++;
            bytes += frame.remaining();
            if ((frame.get(frame.position()) & RSV1) != 0) {
                compressed++;
            }
        }

        double meanBytes() {
            return (double) bytes / messages;
        }

        double compressedShare() {
            return (double) compressed / messages;
        }
    }
}
