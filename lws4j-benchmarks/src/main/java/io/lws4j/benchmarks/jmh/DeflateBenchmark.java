package io.lws4j.benchmarks.jmh;

import io.lws4j.internal.deflate.MessageDeflater;
import io.lws4j.internal.deflate.MessageInflater;
import io.lws4j.internal.deflate.ZlibPool;
import io.lws4j.internal.deflate.ZlibSettings;
import io.lws4j.internal.frame.FrameReader;
import io.lws4j.internal.frame.FrameWriter;
import io.lws4j.internal.frame.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU cost of permessage-deflate per text message, average time per message: what the
 * compression threshold ({@code Context.Builder.compressionThreshold}) trades against the
 * bytes {@link DeflateSizes} prints.
 *
 * <ul>
 *   <li>{@code deflate}: a server's {@code writeText} on a permessage-deflate connection for
 *       a message at or over the threshold, the way the connection does it: the text's UTF-8
 *       length, its UTF-8 bytes in the thread's recycled payload buffer
 *       ({@link MessageDeflater#copyText}, as {@code ConnectionOutput.writeText} does), then
 *       lws4j's {@link MessageDeflater#encode} (raw deflate with SYNC_FLUSH, tail stripped,
 *       framed with RSV1) and {@link MessageDeflater#recycle}, as
 *       {@code PendingMessage.encode} does. The deflater's stream comes from a context's {@link ZlibPool}; its threshold is
 *       1 byte, which behaves as any positive threshold at or under {@code size} does
 *       (without context takeover a message that did not shrink goes out uncompressed).
 *   <li>{@code inflate}: a server reading one compressed client message: a masked frame made
 *       by a client's {@link MessageDeflater} that compresses every message (threshold 0, as
 *       browsers do), read by a {@link FrameReader} with lws4j's
 *       {@link MessageInflater} (unmask, inflate, UTF-8 validation, the message delivered
 *       as a String).
 *   <li>Baselines, not parameterised by takeover: {@code underThresholdFrame}, the same
 *       {@code writeText} path for a message under the threshold (the UTF-8 length checked
 *       against the deflater's threshold, then the frame encoded at once, as without
 *       permessage-deflate; zlib is never reached);
 *       {@code noDeflateFrame}, a connection without permessage-deflate
 *       ({@link FrameWriter#encodeText}, UTF-8 written straight into the frame); and
 *       {@code readUncompressed}, the same reader reading the message's uncompressed masked
 *       frame.
 * </ul>
 *
 * <p>Parameters: {@code size}, the message length in bytes; {@code level}, the server's zlib
 * level ({@code deflate} only: 1 is lws4j's default, 6 zlib's, Netty's and Jetty's);
 * {@code takeover}, true for a
 * shared window (context takeover, the default when no {@code *_no_context_takeover} is
 * negotiated: every message refers to the earlier ones), false for
 * {@code server_no_context_takeover} / {@code client_no_context_takeover} (the stream is
 * reset, and given back to the pool, after every message).
 *
 * <p>Payload: {@link ChatTickerText}, newline-separated JSON ticker and chat records, each
 * message different; each benchmark cycles through {@link ChatTickerText#cycleLength}
 * messages (at least 256 KiB per pass, so a shared window never holds a message's own
 * earlier copy).
 *
 * <p>Not thread-safe: instances must not be shared (JMH gives each thread its own state).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DeflateBenchmark {
    /** The seed of the messages, shared with {@link DeflateSizes} so both see the same text. */
    static final long SEED = 20;
    /** The threshold of the compressing deflaters: any positive threshold at or under the size. */
    static final int COMPRESSING_THRESHOLD = 1;
    static final int MAX_MESSAGE_SIZE = 1 << 20;
    /** The level of the client frames {@code inflate} reads: zlib's default, as browsers use. */
    static final int CLIENT_LEVEL = 6;

    /**
     * The messages of one size, cycled in order.
     *
     * <p>Not thread-safe: one benchmark thread.
     */
    abstract static class Messages {
        String[] texts;
        private int next;

        void makeMessages(int size) {
            texts = ChatTickerText.messages(size, ChatTickerText.cycleLength(size), SEED);
            next = 0;
        }

        /** The next message's index, wrapping to 0 after the last. */
        final int nextIndex() {
            int i = next;
            next = i + 1 == texts.length ? 0 : i + 1;
            return i;
        }
    }

    /**
     * A server's compressing deflater and its messages.
     *
     * <p>Not thread-safe: one benchmark thread.
     */
    @State(Scope.Thread)
    public static class Sender extends Messages {
        @Param({"32", "1024", "4096"})
        public int size;
        @Param({"true", "false"})
        public boolean takeover;
        /** The zlib level: lws4j's default 1, and 6, zlib's and the peers' default. */
        @Param({"1", "6"})
        public int level;

        ZlibPool pool;
        MessageDeflater deflater;

        @Setup
        public void setup() {
            makeMessages(size);
            pool = ZlibPool.forContext(new ZlibSettings(ZlibPool.DEFAULT_LIMIT_BYTES, level));
            deflater = new MessageDeflater(!takeover, COMPRESSING_THRESHOLD, pool);
        }

        @TearDown
        public void tearDown() {
            deflater.release();
            pool.close();
        }
    }

    /**
     * A server's reader with its inflater, and the client's compressed frames of the
     * messages, in the order the client compressed them. Replaying them from the first
     * again after the last is valid with a shared window too: the first message was
     * compressed with an empty window, so no message refers to bytes before the first.
     *
     * <p>Not thread-safe: one benchmark thread.
     */
    @State(Scope.Thread)
    public static class Receiver extends Messages {
        @Param({"32", "1024", "4096"})
        public int size;
        @Param({"true", "false"})
        public boolean takeover;

        ByteBuffer[] frames;
        ZlibPool pool;
        MessageInflater inflater;
        CodecBenchmark.CountingSink sink;
        FrameReader reader;

        @Setup
        public void setup() {
            makeMessages(size);
            frames = clientFrames(texts, takeover);
            pool = ZlibPool.forContext();
            inflater = new MessageInflater(!takeover, pool);
            sink = new CodecBenchmark.CountingSink();
            reader = new FrameReader(sink, MAX_MESSAGE_SIZE, true, inflater);
        }

        @TearDown
        public void tearDown() {
            inflater.release();
            pool.close();
        }
    }

    /**
     * The baselines' state: a deflater whose threshold is over every message, a reader of
     * uncompressed masked frames on a permessage-deflate connection, and the messages.
     *
     * <p>Not thread-safe: one benchmark thread.
     */
    @State(Scope.Thread)
    public static class Plain extends Messages {
        @Param({"32", "1024", "4096"})
        public int size;

        ByteBuffer[] frames;
        MessageDeflater deflater;
        MessageInflater inflater;
        CodecBenchmark.CountingSink sink;
        FrameReader reader;

        @Setup
        public void setup() {
            makeMessages(size);
            frames = new ByteBuffer[texts.length];
            SplittableRandom keys = new SplittableRandom(SEED);
            for (int i = 0; i < texts.length; i++) {
                frames[i] = FrameWriter.encodeMasked(FrameWriter.OP_TEXT, true,
                        ByteBuffer.wrap(texts[i].getBytes(StandardCharsets.UTF_8)), keys.nextInt());
            }
            deflater = new MessageDeflater(false, Integer.MAX_VALUE);
            inflater = new MessageInflater(false);
            sink = new CodecBenchmark.CountingSink();
            reader = new FrameReader(sink, MAX_MESSAGE_SIZE, true, inflater);
        }

        @TearDown
        public void tearDown() {
            deflater.release();
            inflater.release();
        }
    }

    /**
     * Encodes one text message at or over the threshold the way a connection with
     * permessage-deflate does: the UTF-8 bytes in a recycled buffer (the queued message's
     * own copy), the deflater's frame, the copy recycled.
     *
     * @param deflater the connection's deflater
     * @param text the message
     * @param masked whether to mask (a client's frame)
     * @param maskKey the masking key; ignored when not masked
     * @return the frame, flipped
     */
    static ByteBuffer encodeText(MessageDeflater deflater, String text, boolean masked, int maskKey) {
        ByteBuffer payload = deflater.copyText(text, FrameWriter.utf8Length(text));
        ByteBuffer frame = deflater.encode(FrameWriter.OP_TEXT, payload, masked, maskKey);
        deflater.recycle(payload);
        return frame;
    }

    /**
     * A client's frames of the messages, compressed in order by one client deflater with
     * threshold 0: every message compressed, even one that grows, as browsers send them.
     *
     * @param texts the messages
     * @param takeover whether the client keeps its window between messages
     * @return one masked frame per message, flipped
     */
    static ByteBuffer[] clientFrames(String[] texts, boolean takeover) {
        // a browser's frames: zlib's default level
        MessageDeflater client = new MessageDeflater(!takeover, 0,
                new ZlibPool(0, Long.MAX_VALUE, CLIENT_LEVEL));
        SplittableRandom keys = new SplittableRandom(SEED);
        ByteBuffer[] frames = new ByteBuffer[texts.length];
        try {
            for (int i = 0; i < texts.length; i++) {
                ByteBuffer frame = encodeText(client, texts[i], true, keys.nextInt());
                // the deflater's frame is its own buffer, but copy it to be independent of it
                frames[i] = ByteBuffer.allocate(frame.remaining()).put(frame).flip();
            }
        } finally {
            client.release();
        }
        return frames;
    }

    @Benchmark
    public ByteBuffer deflate(Sender s) {
        return encodeText(s.deflater, s.texts[s.nextIndex()], false, 0);
    }

    @Benchmark
    public int inflate(Receiver r) throws ProtocolException {
        r.reader.read(r.frames[r.nextIndex()].duplicate());
        return r.sink.count;
    }

    @Benchmark
    public ByteBuffer underThresholdFrame(Plain p) {
        String text = p.texts[p.nextIndex()];
        if (p.deflater.compresses(FrameWriter.utf8Length(text))) {
            throw new IllegalStateException("the baseline's threshold is over every message");
        }
        return FrameWriter.encodeText(text);
    }

    @Benchmark
    public ByteBuffer noDeflateFrame(Plain p) {
        return FrameWriter.encodeText(p.texts[p.nextIndex()]);
    }

    @Benchmark
    public int readUncompressed(Plain p) throws ProtocolException {
        p.reader.read(p.frames[p.nextIndex()].duplicate());
        return p.sink.count;
    }
}
