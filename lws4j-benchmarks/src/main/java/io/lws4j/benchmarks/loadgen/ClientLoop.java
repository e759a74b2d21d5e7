package io.lws4j.benchmarks.loadgen;

import io.lws4j.benchmarks.Wire;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One load-generator selector thread and the connections it owns. The coordinator
 * ({@link LoadGenerator}) creates a few of these, lets them connect, then flips
 * {@link #go} so every connection starts at once, and reads their counters after the
 * thread has ended (the join is the happens-before edge).
 *
 * <p>Frames are parsed in place in each connection's read buffer; client frames are built
 * once (masked with a constant key) and copied, with only the sequence or timestamp bytes
 * patched, so the hot path does not allocate.
 *
 * <p>Not thread-safe: instances must not be shared; all methods except {@link #go},
 * {@link #shutdown} and the volatile phase fields run on the loop's own thread.
 */
final class ClientLoop implements Runnable {
    enum Mode { STREAM, ECHO, IDLE }

    /* Connection states: CONNECTING -> HANDSHAKE -> OPEN -> DONE, or any -> FAILED. DONE
     * and FAILED are terminal; a terminal connection's channel is closed. */
    private static final int CONNECTING = 0;
    private static final int HANDSHAKE = 1;
    private static final int OPEN = 2;
    private static final int DONE = 3;
    private static final int FAILED = 4;
    private static final int MAX_CONNECTS_IN_FLIGHT = 64;
    private static final byte[] ACCEPT = Wire.ACCEPT.getBytes(StandardCharsets.US_ASCII);

    private final Mode mode;
    private final Target target;
    private final Selector selector;
    private final List<Conn> conns = new ArrayList<>();
    private final AtomicInteger opened;
    private final byte[] request;
    // STREAM
    private final int messages;
    private final long seqStep;
    private final byte[] startFrame;
    // ECHO
    private final int echoSize;
    private final int window;
    private final byte[] echoFrame;
    private final int echoPayloadStart;

    private volatile boolean go;
    private volatile boolean shutdown;
    private volatile boolean stopSending;
    volatile long measureStartNanos = Long.MAX_VALUE;
    volatile long measureEndNanos = Long.MAX_VALUE;

    // Results, read by the coordinator after join.
    final LogHistogram histogram = new LogHistogram();
    long delivered;
    long duplicates;
    long lost;
    long corrupt;
    long measuredMessages;
    long lastArrivalNanos;
    int failed;
    private volatile int failedPublished;
    String firstError;
    private int nextToConnect;
    private int connectsInFlight;

    ClientLoop(Mode mode, Target target, int connections, AtomicInteger opened, StreamSpec stream,
            EchoSpec echo) throws IOException {
        this.mode = mode;
        this.target = target;
        this.selector = Selector.open();
        this.opened = opened;
        this.request = Wire.upgradeRequest(target.host(), target.port(), target.path(), target.subprotocol());
        this.messages = stream == null ? 0 : stream.messages();
        this.seqStep = stream == null ? 1 : stream.seqStep();
        this.startFrame = stream == null || !stream.sendStart() ? null
                : Wire.maskedFrame(Wire.OP_TEXT, Wire.startCommand(stream.messages(), stream.size()));
        this.echoSize = echo == null ? 0 : echo.size();
        this.window = echo == null ? 0 : echo.window();
        this.echoFrame = echo == null ? null : Wire.maskedFrame(Wire.OP_BINARY, new byte[echo.size()]);
        this.echoPayloadStart = echo == null ? 0 : Wire.headerLength(echo.size(), true);
        int readCapacity = mode == Mode.IDLE ? 1024 : Math.max(64 * 1024, 2 * (echoSize + 16));
        int writeCapacity = mode == Mode.ECHO ? Math.max(1024, window * echoFrame.length) : 1024;
        for (int i = 0; i < connections; i++) {
            conns.add(new Conn(readCapacity, writeCapacity));
        }
    }

    /** Lets every open connection start its workload. Any thread. */
    void go() {
        go = true;
        selector.wakeup();
    }

    /** Asks the loop to close its connections and end. Any thread. */
    void shutdown() {
        shutdown = true;
        selector.wakeup();
    }

    /** Echo: stop sending new messages; in-flight ones still drain. Any thread. */
    void stopSending() {
        stopSending = true;
        selector.wakeup();
    }

    boolean finished() {
        for (Conn c : conns) {
            if (c.state < DONE) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void run() {
        boolean started = false;
        try {
            while (!shutdown) {
                connectMore();
                selector.select(20);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                long now = System.nanoTime();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    Conn c = (Conn) key.attachment();
                    try {
                        handle(c, key, now);
                    } catch (IOException | RuntimeException e) {
                        fail(c, e.toString());
                    }
                }
                if (go && !started) {
                    started = true;
                    for (Conn c : conns) {
                        if (c.state == OPEN) {
                            try {
                                start(c);
                            } catch (IOException e) {
                                fail(c, e.toString());
                            }
                        }
                    }
                }
                if (stopSending && mode == Mode.ECHO) {
                    boolean drained = true;
                    for (Conn c : conns) {
                        drained &= c.state != OPEN || c.inFlight == 0;
                    }
                    if (drained) {
                        break;
                    }
                }
                if (mode == Mode.STREAM && started && finished()) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            if (firstError == null) {
                firstError = e.toString();
            }
        } finally {
            for (Conn c : conns) {
                closeQuietly(c);
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }

    /** Failed connections so far, readable from any thread (a hint while the loop runs). */
    int failedSoFar() {
        return failedPublished;
    }

    /** Connections not DONE or FAILED; read after the loop thread ended. */
    int unfinishedCount() {
        int n = 0;
        for (Conn c : conns) {
            if (c.state < DONE) {
                n++;
            }
        }
        return n;
    }

    int established() {
        int n = 0;
        for (Conn c : conns) {
            if (c.state == OPEN || c.state == DONE) {
                n++;
            }
        }
        return n;
    }

    private void connectMore() throws IOException {
        while (nextToConnect < conns.size() && connectsInFlight < MAX_CONNECTS_IN_FLIGHT) {
            Conn c = conns.get(nextToConnect++);
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            c.channel = ch;
            connectsInFlight++;
            try {
                if (ch.connect(target.address())) {
                    c.key = ch.register(selector, 0, c);
                    sendHandshake(c);
                } else {
                    c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
                }
            } catch (IOException e) {
                fail(c, e.toString());
            }
        }
    }

    private void handle(Conn c, SelectionKey key, long now) throws IOException {
        if (!key.isValid()) {
            return;
        }
        if (key.isConnectable()) {
            if (c.channel.finishConnect()) {
                sendHandshake(c);
            }
            return;
        }
        if (key.isWritable()) {
            flush(c);
        }
        if (key.isReadable()) {
            read(c, now);
        }
    }

    private void sendHandshake(Conn c) throws IOException {
        c.state = HANDSHAKE;
        c.out.put(request);
        flush(c);
    }

    private void read(Conn c, long now) throws IOException {
        int n = c.channel.read(c.in);
        if (n < 0) {
            if (c.state == OPEN && mode == Mode.STREAM && c.done()) {
                finish(c);
            } else if (c.state < DONE) {
                fail(c, "server closed the connection");
            }
            return;
        }
        c.in.flip();
        if (c.state == HANDSHAKE && !readHandshake(c)) {
            c.in.compact();
            return;
        }
        parseFrames(c, now);
        if (c.state < DONE) {
            c.in.compact();
        }
    }

    private boolean readHandshake(Conn c) throws IOException {
        ByteBuffer in = c.in;
        int end = -1;
        for (int i = in.position(); i + 3 < in.limit(); i++) {
            if (in.get(i) == '\r' && in.get(i + 1) == '\n' && in.get(i + 2) == '\r' && in.get(i + 3) == '\n') {
                end = i + 4;
                break;
            }
        }
        if (end < 0) {
            if (in.limit() == in.capacity()) {
                fail(c, "handshake response too long");
            }
            return false;
        }
        String head = new String(in.array(), in.position(), end - in.position(), StandardCharsets.US_ASCII);
        if (!head.startsWith("HTTP/1.1 101") || !head.contains(new String(ACCEPT, StandardCharsets.US_ASCII))) {
            fail(c, "bad handshake: " + head.lines().findFirst().orElse(""));
            return false;
        }
        in.position(end);
        c.state = OPEN;
        connectsInFlight--;
        opened.incrementAndGet();
        if (go) {
            start(c);
        }
        return true;
    }

    private void start(Conn c) throws IOException {
        if (c.started) {
            return;
        }
        c.started = true;
        if (mode == Mode.STREAM && startFrame != null) {
            c.out.put(startFrame);
            flush(c);
        } else if (mode == Mode.ECHO) {
            refill(c);
        }
    }

    private void parseFrames(Conn c, long now) throws IOException {
        ByteBuffer in = c.in;
        while (c.state == OPEN) {
            int p = in.position();
            int rem = in.remaining();
            if (rem < 2) {
                return;
            }
            int b0 = in.get(p) & 0xff;
            int b1 = in.get(p + 1) & 0xff;
            long len = b1 & 0x7f;
            int hdr = 2;
            if (len == 126) {
                if (rem < 4) {
                    return;
                }
                len = in.getShort(p + 2) & 0xffff;
                hdr = 4;
            } else if (len == 127) {
                if (rem < 10) {
                    return;
                }
                len = in.getLong(p + 2);
                hdr = 10;
            }
            if ((b1 & 0x80) != 0) {
                fail(c, "server sent a masked frame");
                return;
            }
            long total = hdr + len;
            if (total > 64L << 20) {
                fail(c, "frame too large: " + len);
                return;
            }
            if (total > in.capacity()) {
                ByteBuffer bigger = ByteBuffer.allocate((int) total);
                bigger.put(in);
                bigger.flip();
                c.in = bigger;
                return;
            }
            if (rem < total) {
                return;
            }
            onFrame(c, b0 & 0x0f, (b0 & 0x80) != 0, p + hdr, (int) len, now);
            in.position((int) (p + total));
        }
    }

    private void onFrame(Conn c, int opcode, boolean fin, int start, int len, long now) throws IOException {
        ByteBuffer in = c.in;
        switch (opcode) {
            case Wire.OP_PING -> {
                byte[] payload = new byte[len];
                in.get(start, payload);
                c.out.put(Wire.maskedFrame(Wire.OP_PONG, payload));
                flush(c);
            }
            case Wire.OP_PONG -> {
                // unsolicited pong: ignore
            }
            case Wire.OP_CLOSE -> {
                if (mode == Mode.STREAM && c.done()) {
                    finish(c);
                } else {
                    fail(c, "server sent close " + (len >= 2 ? in.getShort(start) & 0xffff : 1005));
                }
            }
            default -> {
                if (opcode != 0) {
                    c.msgOpcode = opcode;
                    c.msgLength = 0;
                    c.msgHead = len >= 8 ? in.getLong(start) : Long.MIN_VALUE;
                    c.msgStart = start;
                }
                c.msgLength += len;
                if (!fin) {
                    return;
                }
                if (mode == Mode.STREAM) {
                    onStreamMessage(c, start, len, now);
                } else if (mode == Mode.ECHO) {
                    onEcho(c, now);
                }
            }
        }
    }

    private void onStreamMessage(Conn c, int start, int len, long now) throws IOException {
        ByteBuffer in = c.in;
        long seq;
        if (c.msgOpcode == Wire.OP_BINARY) {
            seq = c.msgHead;
            boolean whole = c.msgLength == len;
            if (len < Wire.MIN_STREAM_SIZE || !whole || in.getLong(start + len - 8) != seq) {
                corrupt++;
            }
        } else {
            seq = trailingNumber(in, start, len);
            if (seq < 0) {
                corrupt++;
                return;
            }
        }
        if (!c.baseKnown) {
            c.baseKnown = true;
            c.expected = startFrame != null ? 0 : seq;
            c.base = c.expected;
        }
        if (seq == c.expected) {
            c.expected += seqStep;
            delivered++;
        } else if (seq < c.expected) {
            duplicates++;
        } else {
            lost += (seq - c.expected) / seqStep;
            c.expected = seq + seqStep;
            delivered++;
        }
        if (c.lastArrival != 0) {
            histogram.record(now - c.lastArrival);
        }
        c.lastArrival = now;
        if (now > lastArrivalNanos) {
            lastArrivalNanos = now;
        }
        if (c.done()) {
            sendCloseAndFinish(c);
        }
    }

    private static long trailingNumber(ByteBuffer in, int start, int len) {
        int end = start + len;
        while (end > start && !Character.isDigit(in.get(end - 1))) {
            end--;
        }
        long value = 0;
        long scale = 1;
        int i = end;
        while (i > start && Character.isDigit(in.get(i - 1)) && end - i < 18) {
            value += (in.get(i - 1) - '0') * scale;
            scale *= 10;
            i--;
        }
        return i == end ? -1 : value;
    }

    private void onEcho(Conn c, long now) throws IOException {
        c.inFlight--;
        if (c.msgOpcode != Wire.OP_BINARY || c.msgLength != echoSize || c.msgHead == Long.MIN_VALUE) {
            corrupt++;
        } else if (now >= measureStartNanos && now < measureEndNanos && c.msgHead >= measureStartNanos) {
            measuredMessages++;
            histogram.record(now - c.msgHead);
        }
        if (!stopSending) {
            refill(c);
        }
    }

    private void refill(Conn c) throws IOException {
        int frameLength = echoFrame.length;
        while (c.inFlight < window && c.out.remaining() >= frameLength) {
            int pos = c.out.position();
            c.out.put(echoFrame);
            Wire.putMaskedLong(c.out.array(), pos + echoPayloadStart, 0, System.nanoTime());
            c.inFlight++;
        }
        flush(c);
    }

    private void flush(Conn c) throws IOException {
        ByteBuffer out = c.out;
        if (out.position() == 0) {
            return;
        }
        out.flip();
        c.channel.write(out);
        boolean pending = out.hasRemaining();
        out.compact();
        int ops = pending ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
        if (c.key.interestOps() != ops) {
            c.key.interestOps(ops);
        }
    }

    private void sendCloseAndFinish(Conn c) {
        try {
            c.out.put(Wire.maskedFrame(Wire.OP_CLOSE, new byte[] {0x03, (byte) 0xe8}));
            c.out.flip();
            c.channel.write(c.out);
        } catch (IOException | RuntimeException ignored) {
            // the stream is complete; a failed goodbye changes nothing measured
        }
        finish(c);
    }

    private void finish(Conn c) {
        c.state = DONE;
        closeQuietly(c);
    }

    private void fail(Conn c, String why) {
        if (c.state >= DONE) {
            return;
        }
        if (c.state < OPEN) {
            connectsInFlight--;
        }
        c.state = FAILED;
        failed++;
        failedPublished = failed;
        if (firstError == null) {
            firstError = why;
        }
        closeQuietly(c);
    }

    private static void closeQuietly(Conn c) {
        if (c.channel != null) {
            try {
                c.channel.close();
            } catch (IOException ignored) {
                // closing a socket we are done with
            }
        }
    }

    /** One client connection; confined to its loop's thread. */
    private final class Conn {
        SocketChannel channel;
        SelectionKey key;
        int state = CONNECTING;
        ByteBuffer in;
        final ByteBuffer out;
        boolean started;
        // current message (fragments accumulate)
        int msgOpcode;
        long msgLength;
        long msgHead;
        int msgStart;
        // STREAM
        boolean baseKnown;
        long base;
        long expected;
        long lastArrival;
        // ECHO
        int inFlight;

        Conn(int readCapacity, int writeCapacity) {
            this.in = ByteBuffer.allocate(readCapacity);
            this.out = ByteBuffer.allocate(writeCapacity);
        }

        boolean done() {
            return baseKnown && (expected - base) / seqStep >= messages;
        }
    }
}
