package io.lws4j.internal.frame;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** A sink that records every event as a readable string, for comparing event sequences. */
class RecordingSink implements MessageSink {
    final List<String> events = new ArrayList<>();

    @Override
    public void onText(String text) {
        events.add("text:" + text);
    }

    @Override
    public void onBinary(ByteBuffer data) {
        if (data.position() != 0 || data.capacity() != data.remaining()) {
            events.add("binary buffer not a fresh exact-size buffer");
        }
        events.add("binary:" + summary(data));
    }

    @Override
    public void onPing(ByteBuffer payload) {
        events.add("ping:" + hex(payload));
    }

    @Override
    public void onPong(ByteBuffer payload) {
        events.add("pong:" + hex(payload));
    }

    @Override
    public void onClose(int code, String reason) {
        events.add("close:" + code + ":" + reason);
    }

    /** Hex for small payloads, length and hash for big ones (keeps split tests fast). */
    static String summary(ByteBuffer data) {
        if (data.remaining() <= 256) {
            return hex(data);
        }
        return data.remaining() + "#" + data.duplicate().hashCode();
    }

    static String hex(ByteBuffer data) {
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
