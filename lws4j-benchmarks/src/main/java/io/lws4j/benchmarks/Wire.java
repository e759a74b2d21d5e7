package io.lws4j.benchmarks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The few RFC 6455 pieces the load generator and the no-library floor server need, written
 * here on purpose so neither depends on the code under test: handshake text, frame headers,
 * masking, and the benchmark's message layout.
 *
 * <p>Message layout of the sync-stream workload: a binary message of {@code size} bytes
 * (at least 16) that starts and ends with the 8-byte big-endian sequence number; the bytes
 * between are the {@link Filler} (the same for every message of a size). A torn message
 * (one written while its producer already fills the next)
 * shows up as a head that differs from the tail. The start command the client sends is the
 * text message {@code "go <messages> <size>"}.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class Wire {
    /** The fixed client key; the generator checks the server's answer against {@link #ACCEPT}. */
    public static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    public static final String ACCEPT = acceptKey(KEY);
    public static final int OP_TEXT = 1;
    public static final int OP_BINARY = 2;
    public static final int OP_CLOSE = 8;
    public static final int OP_PING = 9;
    public static final int OP_PONG = 10;
    /** The smallest sync-stream message: head and tail sequence numbers. */
    public static final int MIN_STREAM_SIZE = 16;
    /** The mask key of every client frame; a constant lets frames be built once. */
    public static final int MASK_KEY = 0x5a1e_c0de;
    /** First-byte bit of a compressed message's first frame (RFC 7692 "Per-Message Compressed"). */
    public static final int RSV1 = 0x40;
    /** The extension the generator offers with deflate on: no parameters, as plain as it gets. */
    public static final String DEFLATE_OFFER = "permessage-deflate";

    private Wire() {
    }

    public static String acceptKey(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                    .getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every JDK", e);
        }
    }

    public static byte[] upgradeRequest(String host, int port, String path, String subprotocol) {
        return upgradeRequest(host, port, path, subprotocol, false);
    }

    /** The upgrade request; with {@code offerDeflate} it offers {@link #DEFLATE_OFFER}. */
    public static byte[] upgradeRequest(String host, int port, String path, String subprotocol,
            boolean offerDeflate) {
        StringBuilder sb = new StringBuilder(256)
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(':').append(port).append("\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(KEY).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        if (subprotocol != null && !subprotocol.isEmpty()) {
            sb.append("Sec-WebSocket-Protocol: ").append(subprotocol).append("\r\n");
        }
        if (offerDeflate) {
            sb.append("Sec-WebSocket-Extensions: ").append(DEFLATE_OFFER).append("\r\n");
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    public static int headerLength(long payloadLength, boolean masked) {
        int base = payloadLength < 126 ? 2 : payloadLength <= 0xffff ? 4 : 10;
        return masked ? base + 4 : base;
    }

    /** Writes a final frame header at the buffer's position and advances it. */
    public static void putHeader(ByteBuffer dst, int opcode, long payloadLength, boolean masked) {
        putHeader(dst, opcode, false, payloadLength, masked);
    }

    /** Writes a final frame header, with RSV1 set when {@code compressed}, and advances the buffer. */
    public static void putHeader(ByteBuffer dst, int opcode, boolean compressed, long payloadLength,
            boolean masked) {
        dst.put((byte) (0x80 | (compressed ? RSV1 : 0) | opcode));
        int maskBit = masked ? 0x80 : 0;
        if (payloadLength < 126) {
            dst.put((byte) (maskBit | (int) payloadLength));
        } else if (payloadLength <= 0xffff) {
            dst.put((byte) (maskBit | 126));
            dst.putShort((short) payloadLength);
        } else {
            dst.put((byte) (maskBit | 127));
            dst.putLong(payloadLength);
        }
        if (masked) {
            dst.putInt(MASK_KEY);
        }
    }

    /** The mask byte for payload offset {@code i} under {@link #MASK_KEY}. */
    public static byte maskByte(int i) {
        return (byte) (MASK_KEY >>> (8 * (3 - (i & 3))));
    }

    /** A complete masked client frame carrying {@code payload}. */
    public static byte[] maskedFrame(int opcode, byte[] payload) {
        return maskedFrame(opcode, false, payload);
    }

    /** A complete masked client frame carrying {@code payload}, with RSV1 when {@code compressed}. */
    public static byte[] maskedFrame(int opcode, boolean compressed, byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(headerLength(payload.length, true) + payload.length);
        putHeader(frame, opcode, compressed, payload.length, true);
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ maskByte(i)));
        }
        return frame.array();
    }

    /** Patches an 8-byte big-endian value into a masked payload at {@code payloadOffset}. */
    public static void putMaskedLong(byte[] frame, int payloadStart, int payloadOffset, long value) {
        for (int i = 0; i < 8; i++) {
            int off = payloadOffset + i;
            frame[payloadStart + off] = (byte) ((value >>> (56 - 8 * i)) ^ maskByte(off));
        }
    }

    public static byte[] startCommand(int messages, int size) {
        return ("go " + messages + " " + size).getBytes(StandardCharsets.US_ASCII);
    }

    /** Parses {@code "go <messages> <size>"}; returns {messages, size} or null when it is not one. */
    public static int[] parseStartCommand(String text) {
        if (!text.startsWith("go ")) {
            return null;
        }
        String[] parts = text.trim().split(" ");
        if (parts.length != 3) {
            return null;
        }
        try {
            int messages = Integer.parseInt(parts[1]);
            int size = Integer.parseInt(parts[2]);
            if (messages < 0 || size < MIN_STREAM_SIZE) {
                return null;
            }
            return new int[] {messages, size};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Makes {@code dst} stream message {@code seq} of {@code size} bytes, flipped: patches the
     * head and tail of a buffer from {@link #streamBuffer} (whose filler stays as it is).
     */
    public static void fillStreamMessage(ByteBuffer dst, long seq, int size) {
        dst.clear();
        dst.putLong(0, seq);
        dst.putLong(size - 8, seq);
        dst.limit(size);
    }

    /** A fresh buffer for stream messages of {@code size} bytes, its filler in place. */
    public static ByteBuffer streamBuffer(int size) {
        ByteBuffer b = ByteBuffer.allocate(size);
        Filler.copy(b.array(), 8, Math.max(0, size - 16));
        return b;
    }

    /**
     * The value of header {@code name} (case-insensitive) in a response head, several lines
     * joined with ", ", or null when absent.
     */
    public static String header(String head, String name) {
        String prefix = name.toLowerCase(java.util.Locale.ROOT) + ":";
        StringBuilder value = null;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith(prefix)) {
                value = value == null ? new StringBuilder() : value.append(", ");
                value.append(line.substring(prefix.length()).trim());
            }
        }
        return value == null ? null : value.toString();
    }

    /** The decimal number at the end of {@code a[start, start + len)} (trailing non-digits skipped), or -1. */
    public static long trailingNumber(byte[] a, int start, int len) {
        int end = start + len;
        while (end > start && !Character.isDigit(a[end - 1])) {
            end--;
        }
        long value = 0;
        long scale = 1;
        int i = end;
        while (i > start && Character.isDigit(a[i - 1]) && end - i < 18) {
            value += (a[i - 1] - '0') * scale;
            scale *= 10;
            i--;
        }
        return i == end ? -1 : value;
    }

}
