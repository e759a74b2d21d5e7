package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.internal.frame.FrameWriter;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A 1 GiB binary message received by a streaming protocol in a JVM with a 256 MiB heap: it
 * arrives whole (length and CRC-32 as sent) and in order, though the heap could not hold it.
 * Run by the pom's {@code streamed-gibibyte} execution, which sets -Xmx256m.
 */
class StreamedGibibyteCheck {
    private static final long MESSAGE_BYTES = 1L << 30;
    private static final int FRAME_BYTES = 1 << 20;

    /** Counts and checksums the chunks of one streamed binary message. */
    static final class Summer implements Protocol {
        final CRC32 crc = new CRC32();
        long bytes;
        long chunks;
        long largestChunk;
        final CompletableFuture<long[]> done = new CompletableFuture<>();

        @Override
        public boolean streamingReceive() {
            return true;
        }

        @Override
        public void onBinaryFragment(Connection connection, ByteBuffer data, boolean last) {
            largestChunk = Math.max(largestChunk, data.remaining());
            bytes += data.remaining();
            chunks++;
            crc.update(data);
            if (last) {
                done.complete(new long[] {bytes, crc.getValue(), chunks, largestChunk});
            }
        }

        @Override
        public void onClosed(Connection connection, int closeCode, String reason) {
            done.completeExceptionally(new AssertionError("closed " + closeCode + " " + reason));
        }
    }

    @Test
    void aGibibyteMessageStreamsThroughAQuarterGibibyteHeap() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("lws4j.gibibyteHeapBound"),
                "run by the streamed-gibibyte surefire execution, with -Xmx256m");
        assertThat(Runtime.getRuntime().maxMemory()).as("the heap bound is in effect")
                .isLessThanOrEqualTo(256L << 20);
        Summer protocol = new Summer();
        Context context = Context.builder().bindAddress("127.0.0.1").port(0)
                .protocol("stream", protocol).build();
        try (RawClient client = new RawClient(context.port(), 120_000)) {
            assertThat(client.handshake()).startsWith("HTTP/1.1 101");
            byte[] payload = new byte[FRAME_BYTES];
            new Random(23).nextBytes(payload);
            CRC32 sent = new CRC32();
            OutputStream out = client.socketOutput();
            long frames = MESSAGE_BYTES / FRAME_BYTES;
            for (long i = 0; i < frames; i++) {
                // each frame differs (its index in front), so order and loss show in the CRC
                ByteBuffer.wrap(payload).putLong(i);
                int opcode = i == 0 ? FrameWriter.OP_BINARY : FrameWriter.OP_CONTINUATION;
                boolean fin = i == frames - 1;
                out.write(header(opcode, fin, FRAME_BYTES));
                out.write(payload); // masked with key 0: the wire bytes are the payload
                sent.update(payload);
            }
            out.flush();
            long[] got = protocol.done.get(300, TimeUnit.SECONDS);
            assertThat(got[0]).isEqualTo(MESSAGE_BYTES);
            assertThat(got[1]).as("CRC-32 of what arrived").isEqualTo(sent.getValue());
            assertThat(got[3]).isLessThanOrEqualTo(64 * 1024);
            client.sendClose(CloseCodes.NORMAL, "");
            assertThat(client.readUntilClose().closeCode()).isEqualTo(CloseCodes.NORMAL);
        } finally {
            context.close();
        }
    }

    /** A masked frame header with the key 0 and a 64-bit length. */
    private static byte[] header(int opcode, boolean fin, long length) {
        ByteBuffer h = ByteBuffer.allocate(14);
        h.put((byte) ((fin ? 0x80 : 0) | opcode));
        h.put((byte) (0x80 | 127));
        h.putLong(length);
        h.putInt(0);
        return h.array();
    }
}
