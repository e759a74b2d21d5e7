package io.lws4j.benchmarks.jmh;

import io.lws4j.internal.frame.Masker;
import io.lws4j.internal.frame.Utf8Validator;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Masking (lws4j's {@code Masker} against a byte-at-a-time loop) and UTF-8 validation
 * (lws4j's {@code Utf8Validator} against the JDK's {@link CharsetDecoder} with REPORT, which
 * validates by decoding) on 4 KiB payloads, ASCII and mixed 1-4 byte text. Scores are
 * operations per second on {@code size} bytes.
 *
 * <p>Not thread-safe: instances must not be shared (JMH gives each thread its own state).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MaskUtf8Benchmark {
    @Param({"ascii", "mixed"})
    public String text;

    private static final int SIZE = 4096;
    private byte[] bytes;
    private ByteBuffer buffer;
    private CharsetDecoder decoder;
    private CharBuffer chars;
    private Utf8Validator validator;

    @Setup
    public void setup() {
        StringBuilder sb = new StringBuilder();
        String unit = text.equals("ascii") ? "hello websocket " : "héllo wörld € 😀 ";
        while (sb.toString().getBytes(StandardCharsets.UTF_8).length <= SIZE) {
            sb.append(unit);
        }
        byte[] all = sb.toString().getBytes(StandardCharsets.UTF_8);
        // Cut at a code point boundary so the text is valid.
        int end = SIZE;
        while ((all[end] & 0xc0) == 0x80) {
            end--;
        }
        bytes = java.util.Arrays.copyOf(all, end);
        buffer = ByteBuffer.wrap(bytes.clone());
        decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        chars = CharBuffer.allocate(SIZE);
        validator = new Utf8Validator();
    }

    @Benchmark
    public ByteBuffer maskLws4j() {
        Masker.mask(buffer, 0, buffer.limit(), 0x5a1ec0de, 0);
        return buffer;
    }

    @Benchmark
    public ByteBuffer maskByteLoop() {
        byte[] a = buffer.array();
        int key = 0x5a1ec0de;
        for (int i = 0; i < a.length; i++) {
            a[i] ^= (byte) (key >>> (8 * (3 - (i & 3))));
        }
        return buffer;
    }

    @Benchmark
    public boolean utf8ValidateLws4j() {
        validator.reset();
        return validator.feed(bytes, 0, bytes.length) && validator.isComplete();
    }

    @Benchmark
    public boolean utf8ValidateStaticLws4j() {
        return Utf8Validator.isValid(bytes, 0, bytes.length);
    }

    @Benchmark
    public boolean utf8JdkCharsetDecoder() {
        decoder.reset();
        chars.clear();
        return !decoder.decode(ByteBuffer.wrap(bytes), chars, true).isError();
    }

    @Benchmark
    public String utf8JdkDecodeToString() throws CharacterCodingException {
        return decoder.decode(ByteBuffer.wrap(bytes)).toString();
    }
}
