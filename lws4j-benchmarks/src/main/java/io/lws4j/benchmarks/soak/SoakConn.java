package io.lws4j.benchmarks.soak;

import io.lws4j.benchmarks.Link;
import io.lws4j.benchmarks.TlsLink;
import io.lws4j.benchmarks.Wire;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * One well-behaved soak client connection: its socket, its plain or TLS {@link Link}, its
 * buffers and what it has sent and received. Echo connections send {@code "e <seq> ..."}
 * and expect it back in order; chat members send {@code "s <member> <seq> ..."} to their
 * room and check every other member's sequence arrives gap-free; stream connections send
 * {@code "go <messages> <size>"} and check each message's sequence and the server's final
 * {@code "end <count>"}. Frames from the server are parsed in place; compressed messages
 * (RSV1) are inflated with the connection's own {@link Inflater} (context kept across
 * messages, which also reads a server that resets its own).
 *
 * <p>States: CONNECTING, then HANDSHAKE (request sent, waiting for 101), then OPEN (a chat
 * member also waits for {@code "joined"}), then CLOSING (we sent close) and CLOSED; any
 * state may go to FAILED, which counts as a connection lost while it should have stayed.
 *
 * <p>Not thread-safe: owned by one {@link SoakClientLoop} thread.
 */
final class SoakConn {
    enum Kind { ECHO, CHAT, STREAM }

    enum State { CONNECTING, HANDSHAKE, OPEN, CLOSING, CLOSED, FAILED }

    static final int STREAM_MESSAGES = 20;
    static final int STREAM_SIZE = 1024;
    /** Echo and chat payloads of deflate connections: above the server's compression threshold. */
    static final int DEFLATE_PAD = 2000;
    private static final byte[] DEFLATE_TAIL = {0x00, 0x00, (byte) 0xff, (byte) 0xff};
    private static final String PAD = "x".repeat(DEFLATE_PAD);

    final Kind kind;
    final boolean tls;
    final boolean deflate;
    /** Chat: the room's members (all on this loop), this member's index in it. */
    final ChatRoom room;
    final int member;
    SocketChannel channel;
    SelectionKey key;
    Link link;
    State state = State.CONNECTING;
    /** Counted among the loop's connects in flight until the upgrade is answered. */
    boolean connecting;
    long nextActionNanos;
    final ByteBuffer in = ByteBuffer.allocate(16 * 1024);
    final ByteBuffer out = ByteBuffer.allocate(16 * 1024);
    private final Inflater inflater;
    private byte[] fragments;
    private int fragmentLength;
    private boolean fragmentCompressed;
    private int fragmentOpcode;
    String failure;
    int closeCode = -1;

    long echoSent;
    long echoReceived;
    long echoBad;
    long chatSent;
    long chatReceived;
    long chatBad;
    final long[] chatLastSeq;
    boolean streaming;
    long streamGot;
    long streamMessages;
    long streamsDone;
    long streamBad;
    long busy;
    long compressedReceived;

    SoakConn(Kind kind, boolean tls, boolean deflate, ChatRoom room, int member) {
        this.kind = kind;
        this.tls = tls;
        this.deflate = deflate;
        this.room = room;
        this.member = member;
        this.inflater = deflate ? new Inflater(true) : null;
        this.chatLastSeq = room == null ? null : new long[room.size];
        if (chatLastSeq != null) {
            java.util.Arrays.fill(chatLastSeq, -1);
        }
    }

    String path() {
        return switch (kind) {
            case ECHO -> "/echo";
            case CHAT -> "/chat";
            case STREAM -> "/stream";
        };
    }

    /** After connect: makes the link and queues the upgrade request. */
    void connected(SSLContext clientTls, String host, int port) throws IOException {
        if (tls) {
            SSLEngine engine = clientTls.createSSLEngine(host, port);
            engine.setUseClientMode(true);
            link = new TlsLink(channel, engine);
        } else {
            link = Link.plain(channel);
        }
        out.put(Wire.upgradeRequest(host, port, path(), null, deflate));
        state = State.HANDSHAKE;
    }

    boolean isOpen() {
        return state == State.OPEN;
    }

    /** Whether this connection owes nothing: every echo back, no stream running. */
    boolean settled() {
        return echoSent == echoReceived && !streaming;
    }

    /** The next action: one echo, one chat message or one stream command. */
    void act() {
        switch (kind) {
            case ECHO -> {
                String text = "e " + echoSent + (deflate ? " " + PAD : "");
                if (queue(Wire.OP_TEXT, text.getBytes(StandardCharsets.US_ASCII))) {
                    echoSent++;
                }
            }
            case CHAT -> {
                if (room.joined == room.size) { // everyone is in: nobody misses a message for joining late
                    String text = "s " + member + " " + chatSent + (deflate ? " " + PAD : "");
                    if (queue(Wire.OP_TEXT, text.getBytes(StandardCharsets.US_ASCII))) {
                        chatSent++;
                    }
                }
            }
            case STREAM -> {
                if (!streaming && queue(Wire.OP_TEXT, Wire.startCommand(STREAM_MESSAGES, STREAM_SIZE))) {
                    streaming = true;
                    streamGot = 0;
                }
            }
        }
    }

    /** Queues one masked frame; false when the outbound buffer cannot take it. */
    boolean queue(int opcode, byte[] payload) {
        byte[] frame = Wire.maskedFrame(opcode, payload);
        if (out.remaining() < frame.length) {
            return false;
        }
        out.put(frame);
        return true;
    }

    /**
     * Parses what {@link #in} holds (write mode on entry and exit).
     *
     * @return false when the connection failed or the server closed it
     */
    boolean parse() {
        in.flip();
        try {
            if (state == State.HANDSHAKE && !parseHandshake()) {
                return state != State.FAILED;
            }
            while (state == State.OPEN || state == State.CLOSING) {
                if (!parseFrame()) {
                    break;
                }
            }
            return state == State.OPEN || state == State.CLOSING || state == State.HANDSHAKE;
        } finally {
            in.compact();
        }
    }

    private boolean parseHandshake() {
        int end = -1;
        for (int i = in.position(); i + 3 < in.limit(); i++) {
            if (in.get(i) == '\r' && in.get(i + 1) == '\n' && in.get(i + 2) == '\r' && in.get(i + 3) == '\n') {
                end = i + 4;
                break;
            }
        }
        if (end < 0) {
            if (in.limit() == in.capacity()) {
                fail("response head too long");
            }
            return false;
        }
        byte[] head = new byte[end - in.position()];
        in.get(head);
        String text = new String(head, StandardCharsets.ISO_8859_1);
        if (!text.startsWith("HTTP/1.1 101")) {
            fail("upgrade refused: " + text.lines().findFirst().orElse(""));
            return false;
        }
        if (!Wire.ACCEPT.equals(Wire.header(text, "Sec-WebSocket-Accept"))) {
            fail("bad Sec-WebSocket-Accept");
            return false;
        }
        String ext = Wire.header(text, "Sec-WebSocket-Extensions");
        if (deflate != (ext != null && ext.contains("permessage-deflate"))) {
            fail("permessage-deflate " + (deflate ? "not accepted" : "unasked") + ": " + ext);
            return false;
        }
        state = State.OPEN;
        if (kind == Kind.CHAT) {
            queue(Wire.OP_TEXT, ("join " + room.name).getBytes(StandardCharsets.US_ASCII));
        }
        return true;
    }

    /** Parses one frame if complete; false when more bytes are needed or the connection ended. */
    private boolean parseFrame() {
        int start = in.position();
        if (in.remaining() < 2) {
            return false;
        }
        int b0 = in.get(start) & 0xff;
        int b1 = in.get(start + 1) & 0xff;
        long len = b1 & 0x7f;
        int header = 2;
        if (len == 126) {
            if (in.remaining() < 4) {
                return false;
            }
            len = in.getShort(start + 2) & 0xffff;
            header = 4;
        } else if (len == 127) {
            if (in.remaining() < 10) {
                return false;
            }
            len = in.getLong(start + 2);
            header = 10;
        }
        if ((b1 & 0x80) != 0) {
            fail("masked server frame");
            return false;
        }
        if (len > in.capacity() - header) {
            fail("frame of " + len + " bytes");
            return false;
        }
        if (in.remaining() < header + len) {
            return false;
        }
        byte[] payload = new byte[(int) len];
        in.position(start + header);
        in.get(payload);
        boolean fin = (b0 & 0x80) != 0;
        boolean rsv1 = (b0 & Wire.RSV1) != 0;
        int opcode = b0 & 0x0f;
        switch (opcode) {
            case Wire.OP_PING -> queue(Wire.OP_PONG, payload);
            case Wire.OP_PONG -> { }
            case Wire.OP_CLOSE -> {
                closeCode = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                if (state == State.CLOSING) {
                    state = State.CLOSED;
                } else {
                    fail("server closed with " + closeCode + " " + new String(payload, 2 > payload.length
                            ? 0 : 2, Math.max(0, payload.length - 2), StandardCharsets.UTF_8));
                }
                return false;
            }
            case 0 -> {
                appendFragment(payload);
                if (fin) {
                    byte[] whole = java.util.Arrays.copyOf(fragments, fragmentLength);
                    fragmentLength = 0;
                    message(fragmentOpcode, fragmentCompressed, whole);
                }
            }
            default -> {
                if (fin) {
                    message(opcode, rsv1, payload);
                } else {
                    fragmentOpcode = opcode;
                    fragmentCompressed = rsv1;
                    fragmentLength = 0;
                    appendFragment(payload);
                }
            }
        }
        return state == State.OPEN || state == State.CLOSING;
    }

    private void appendFragment(byte[] payload) {
        if (fragments == null || fragments.length < fragmentLength + payload.length) {
            fragments = java.util.Arrays.copyOf(fragments == null ? new byte[0] : fragments,
                    Math.max(4096, 2 * (fragmentLength + payload.length)));
        }
        System.arraycopy(payload, 0, fragments, fragmentLength, payload.length);
        fragmentLength += payload.length;
    }

    private void message(int opcode, boolean compressed, byte[] payload) {
        if (compressed) {
            if (inflater == null) {
                fail("compressed message without permessage-deflate");
                return;
            }
            compressedReceived++;
            payload = inflate(payload);
            if (payload == null) {
                return;
            }
        }
        if (state == State.CLOSING) {
            return; // late messages after our close are not counted
        }
        if (opcode == Wire.OP_BINARY) {
            streamMessage(payload);
        } else {
            text(new String(payload, StandardCharsets.UTF_8));
        }
    }

    private byte[] inflate(byte[] payload) {
        byte[] input = java.util.Arrays.copyOf(payload, payload.length + 4);
        System.arraycopy(DEFLATE_TAIL, 0, input, payload.length, 4);
        inflater.setInput(input);
        java.io.ByteArrayOutputStream plain = new java.io.ByteArrayOutputStream(payload.length * 4);
        byte[] chunk = new byte[8192];
        try {
            int n;
            while ((n = inflater.inflate(chunk)) > 0 || !inflater.needsInput()) {
                plain.write(chunk, 0, n);
                if (n == 0 && inflater.finished()) {
                    inflater.reset(); // a final block: the next message starts a new stream
                    break;
                }
                if (plain.size() > in.capacity()) {
                    fail("inflated message too large");
                    return null;
                }
                if (n == 0 && inflater.needsDictionary()) {
                    fail("inflater needs a dictionary");
                    return null;
                }
            }
        } catch (DataFormatException e) {
            fail("bad deflate data: " + e.getMessage());
            return null;
        }
        return plain.toByteArray();
    }

    private void text(String text) {
        switch (kind) {
            case ECHO -> {
                if (text.startsWith("e " + echoReceived + (deflate ? " " : ""))
                        && (deflate || text.equals("e " + echoReceived))) {
                    echoReceived++;
                } else {
                    echoBad++;
                    echoReceived++;
                }
            }
            case CHAT -> {
                if (text.startsWith("joined ")) {
                    room.joined++;
                    return;
                }
                String[] parts = text.split(" ", 4);
                int from;
                long seq;
                try {
                    from = Integer.parseInt(parts[1]);
                    seq = Long.parseLong(parts[2]);
                } catch (RuntimeException e) {
                    chatBad++;
                    return;
                }
                if (from < 0 || from >= chatLastSeq.length || from == member || seq != chatLastSeq[from] + 1) {
                    chatBad++;
                }
                if (from >= 0 && from < chatLastSeq.length) {
                    chatLastSeq[from] = seq;
                }
                chatReceived++;
            }
            case STREAM -> {
                if (text.equals("busy")) {
                    busy++;
                    streaming = false;
                } else if (text.startsWith("end ")) {
                    long count = Long.parseLong(text.substring(4).trim());
                    if (count != streamGot) {
                        streamBad++;
                    }
                    streamsDone++;
                    streaming = false;
                } else {
                    streamBad++;
                }
            }
        }
    }

    private void streamMessage(byte[] payload) {
        if (kind != Kind.STREAM || payload.length != STREAM_SIZE) {
            streamBad++;
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        long head = b.getLong(0);
        long tail = b.getLong(payload.length - 8);
        if (head != streamGot || tail != streamGot) {
            streamBad++;
        }
        streamGot++;
        streamMessages++;
    }

    /** Connect or upgrade attempts that failed before the connection was ever open. */
    int setupFailures;

    /** Whether the last failure came before the upgrade completed (nothing was sent yet). */
    boolean failedInSetup() {
        return state == State.FAILED && failure != null && (failure.endsWith(", CONNECTING)")
                || failure.endsWith(", HANDSHAKE)"));
    }

    /** Back to CONNECTING for another attempt after a setup failure; the socket is closed. */
    void resetForRetry() {
        setupFailures++;
        state = State.CONNECTING;
        failure = null;
        connecting = false;
        channel = null;
        key = null;
        link = null;
        in.clear();
        out.clear();
    }

    void fail(String why) {
        if (state != State.FAILED && state != State.CLOSED) {
            failure = why + " (" + kind + (tls ? " wss" : " ws") + (deflate ? "+deflate" : "") + ", " + state + ")";
            state = State.FAILED;
        }
    }

    /** Sends a normal close; the server's reply ends the connection. */
    void startClose() {
        if (state == State.OPEN) {
            queue(Wire.OP_CLOSE, new byte[] {0x03, (byte) 0xe8});
            state = State.CLOSING;
        }
    }

    /** A chat room: its members live on one client loop, so the loop's thread owns this. */
    static final class ChatRoom {
        final String name;
        final int size;
        final SoakConn[] members;
        int joined;

        ChatRoom(String name, int size) {
            this.name = name;
            this.size = size;
            this.members = new SoakConn[size];
        }

        boolean intact() {
            for (SoakConn m : members) {
                if (m == null || m.state == State.FAILED) {
                    return false;
                }
            }
            return true;
        }
    }
}
