package io.lws4j.benchmarks.jmh;

import io.lws4j.benchmarks.Wire;
import io.lws4j.internal.frame.FrameReader;
import io.lws4j.internal.frame.FrameWriter;
import io.lws4j.internal.frame.MessageSink;
import io.lws4j.internal.frame.ProtocolException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Frame decode (masked client frames through lws4j's {@code FrameReader}, text frames
 * including UTF-8 validation) and encode ({@code FrameWriter.encode}) per frame.
 *
 * <p>Not thread-safe: instances must not be shared (JMH gives each thread its own state).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
    static final int FRAMES = 64;

    @Param({"32", "4096"})
    public int size;

    private ByteBuffer binaryFrames;
    private ByteBuffer textFrames;
    private ByteBuffer payload;
    private CountingSink sink;

    @Setup
    public void setup() {
        byte[] bin = new byte[size];
        byte[] text = new byte[size];
        for (int i = 0; i < size; i++) {
            bin[i] = (byte) i;
            text[i] = (byte) ('a' + i % 26);
        }
        binaryFrames = repeat(Wire.maskedFrame(Wire.OP_BINARY, bin));
        textFrames = repeat(Wire.maskedFrame(Wire.OP_TEXT, text));
        payload = ByteBuffer.wrap(bin);
        sink = new CountingSink();
    }

    private static ByteBuffer repeat(byte[] frame) {
        ByteBuffer all = ByteBuffer.allocate(frame.length * FRAMES);
        for (int i = 0; i < FRAMES; i++) {
            all.put(frame);
        }
        return all.flip();
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public int decodeBinary() throws ProtocolException {
        FrameReader reader = new FrameReader(sink, 1 << 20, true);
        reader.read(binaryFrames.duplicate());
        return sink.count;
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public int decodeText() throws ProtocolException {
        FrameReader reader = new FrameReader(sink, 1 << 20, true);
        reader.read(textFrames.duplicate());
        return sink.count;
    }

    @Benchmark
    public void encodeBinary(Blackhole bh) {
        bh.consume(FrameWriter.encode(FrameWriter.OP_BINARY, payload));
    }

    /** Counts messages and touches them so the JIT keeps the work. */
    static final class CountingSink implements MessageSink {
        int count;

        @Override
        public void onText(String text) {
            count += text.length();
        }

        @Override
        public void onBinary(ByteBuffer data) {
            count += data.remaining();
        }

        @Override
        public void onPing(ByteBuffer payload) {
            count++;
        }

        @Override
        public void onPong(ByteBuffer payload) {
            count++;
        }

        @Override
        public void onClose(int code, String reason) {
            count++;
        }
    }
}
