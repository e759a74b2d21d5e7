package io.lws4j.internal.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** FrameReader's streamed messages (onFragment) and its stop at a paused sink. */
class FrameReaderStreamingTest {
    /** Records chunks and control frames as strings, in order; can pause. */
    static final class Sink implements MessageSink {
        final List<String> events = new ArrayList<>();
        boolean paused;
        boolean pauseAfterEachEvent;

        @Override
        public void onText(String text) {
            event("text " + text);
        }

        @Override
        public void onBinary(ByteBuffer data) {
            event("binary " + data.remaining());
        }

        @Override
        public void onFragment(boolean text, ByteBuffer data, boolean last) {
            event((text ? "tchunk " + StandardCharsets.UTF_8.decode(data) : "bchunk " + data.remaining())
                    + (last ? " last" : ""));
        }

        @Override
        public void onPing(ByteBuffer payload) {
            event("ping");
        }

        @Override
        public void onPong(ByteBuffer payload) {
            event("pong");
        }

        @Override
        public void onClose(int code, String reason) {
            event("close " + code);
        }

        @Override
        public boolean paused() {
            return paused;
        }

        private void event(String e) {
            events.add(e);
            if (pauseAfterEachEvent) {
                paused = true;
            }
        }
    }

    private static byte[] frame(int opcode, boolean fin, byte[] payload) {
        ByteBuffer f = FrameWriter.encodeMasked(opcode, fin, ByteBuffer.wrap(payload), 0x5a5a1234);
        byte[] b = new byte[f.remaining()];
        f.get(b);
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void fragmentsAreDeliveredAsTheyArriveWithControlFramesBetweenThem() throws Exception {
        Sink sink = new Sink();
        FrameReader reader = new FrameReader(sink, 125, true);
        reader.streaming(true);
        reader.read(ByteBuffer.wrap(concat(frame(FrameWriter.OP_TEXT, false, ascii("ab")),
                frame(FrameWriter.OP_PING, true, new byte[0]),
                frame(FrameWriter.OP_CONTINUATION, true, ascii("cd")),
                frame(FrameWriter.OP_BINARY, true, new byte[100]))));
        assertThat(sink.events).containsExactly("tchunk ab", "ping", "tchunk cd last",
                "bchunk 100 last");
    }

    @Test
    void aFrameSplitAcrossReadsComesInSeveralChunksAndOnlyTheFrameIsBounded() throws Exception {
        Sink sink = new Sink();
        FrameReader reader = new FrameReader(sink, 125, true);
        reader.streaming(true);
        byte[] wire = concat(frame(FrameWriter.OP_BINARY, false, new byte[120]),
                frame(FrameWriter.OP_CONTINUATION, false, new byte[120]),
                frame(FrameWriter.OP_CONTINUATION, true, new byte[0]));
        reader.read(ByteBuffer.wrap(wire, 0, 70));
        reader.read(ByteBuffer.wrap(wire, 70, wire.length - 70));
        long total = sink.events.stream().mapToLong(e -> Long.parseLong(e.split(" ")[1])).sum();
        assertThat(total).as("240 bytes past a 125-byte limit").isEqualTo(240);
        assertThat(sink.events.get(sink.events.size() - 1)).isEqualTo("bchunk 0 last");
        assertThat(sink.events).filteredOn(e -> e.endsWith("last")).hasSize(1);
        assertThat(reader.bufferedCapacity()).as("no message buffer").isLessThan(64 * 1024 + 200);
        FrameReader other = new FrameReader(new Sink(), 125, true);
        other.streaming(true);
        assertThatThrownBy(() -> other.read(ByteBuffer.wrap(frame(FrameWriter.OP_BINARY, true,
                new byte[126])))).isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.closeCode()).isEqualTo(1009));
    }

    @Test
    void aPausedSinkStopsTheReaderAtTheNextFrameAndTheRestIsReadLater() throws Exception {
        Sink sink = new Sink();
        sink.pauseAfterEachEvent = true;
        FrameReader reader = new FrameReader(sink, 1000, true);
        ByteBuffer wire = ByteBuffer.wrap(concat(frame(FrameWriter.OP_TEXT, true, ascii("one")),
                frame(FrameWriter.OP_TEXT, true, ascii("two")),
                frame(FrameWriter.OP_TEXT, true, ascii("three"))));
        reader.read(wire);
        assertThat(sink.events).containsExactly("text one");
        assertThat(wire.hasRemaining()).isTrue();
        reader.read(wire); // still paused: nothing consumed
        assertThat(sink.events).containsExactly("text one");
        sink.pauseAfterEachEvent = false;
        sink.paused = false;
        reader.read(wire);
        assertThat(sink.events).containsExactly("text one", "text two", "text three");
        assertThat(wire.hasRemaining()).isFalse();
    }
}
