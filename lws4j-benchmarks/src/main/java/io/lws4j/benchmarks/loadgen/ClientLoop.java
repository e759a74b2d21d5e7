package io.lws4j.benchmarks.loadgen;

import io.lws4j.benchmarks.DeflatedTemplate;
import io.lws4j.benchmarks.Filler;
import io.lws4j.benchmarks.Link;
import io.lws4j.benchmarks.TlsLink;
import io.lws4j.benchmarks.Wire;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import javax.net.ssl.SSLEngine;

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
 * <p>Over wss each connection's bytes pass through a {@link TlsLink} (an {@code SSLEngine}
 * with buffers of its own). With deflate the upgrade offers permessage-deflate and a 101
 * without it fails the connection; compressed messages (RSV1) are inflated frame by frame
 * into the connection's plaintext buffer with its own {@link Inflater}, and the checks run
 * on the plaintext. Echo messages go out pre-compressed ({@link DeflatedTemplate}).
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
    private static final VarHandle LONG_AT = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    /** RFC 7692 §7.2.2: the receiver appends these four octets to a compressed message. */
    private static final byte[] DEFLATE_TAIL = {0x00, 0x00, (byte) 0xff, (byte) 0xff};
    private static final int MAX_MESSAGE = 64 << 20;

    private final Mode mode;
    private final Target target;
    private final Selector selector;
    private final List<Conn> conns = new ArrayList<>();
    private final AtomicInteger opened;
    private final byte[] request;
    // STREAM
    private final int messages;
    private final long seqStep;
    private final int streamSize;
    private final byte[] startFrame;
    // ECHO
    private final int echoSize;
    private final int window;
    private final byte[] echoFrame;
    private final int echoPayloadStart;
    /** Where the timestamp goes in the echo payload (0 plain; inside a stored block when compressed). */
    private final int echoStampOffset;
    private final int plainCapacity;
    // IDLE: the message each connection sends once open and waits to see echoed, or null
    private final IdleMessage idleMessage;
    long idleEchoes;
    long idleCompressedEchoes;
    private volatile long idleEchoesPublished;
    private volatile long idleCompressedEchoesPublished;

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
    long dataMessages;
    long compressedMessages;
    long wirePayloadBytes;
    long plainPayloadBytes;
    /** Volatile: an idle session reads it while the loop runs. */
    volatile String negotiated;
    int failed;
    private volatile int failedPublished;
    /** Volatile: an idle session reads it while the loop runs. */
    volatile String firstError;
    private int nextToConnect;
    private int connectsInFlight;

    /** {@code idle}: the message each idle connection sends once open and expects echoed, or null. */
    ClientLoop(Mode mode, Target target, int connections, AtomicInteger opened, StreamSpec stream,
            EchoSpec echo, IdleMessage idle) throws IOException {
        this.mode = mode;
        this.idleMessage = idle;
        this.target = target;
        this.selector = Selector.open();
        this.opened = opened;
        this.request = Wire.upgradeRequest(target.host(), target.port(), target.path(), target.subprotocol(),
                target.deflate());
        this.messages = stream == null ? 0 : stream.messages();
        this.seqStep = stream == null ? 1 : stream.seqStep();
        this.streamSize = stream == null ? 0 : stream.size();
        this.startFrame = stream == null || !stream.sendStart() ? null
                : Wire.maskedFrame(Wire.OP_TEXT, Wire.startCommand(stream.messages(), stream.size()));
        this.echoSize = echo == null ? 0 : echo.size();
        this.window = echo == null ? 0 : echo.window();
        if (echo == null) {
            this.echoFrame = null;
            this.echoPayloadStart = 0;
            this.echoStampOffset = 0;
        } else if (target.deflate()) {
            DeflatedTemplate t = DeflatedTemplate.of(echo.size(), false);
            this.echoFrame = Wire.maskedFrame(Wire.OP_BINARY, true, t.payload());
            this.echoPayloadStart = Wire.headerLength(t.payload().length, true);
            this.echoStampOffset = t.headOffset();
        } else {
            byte[] payload = new byte[echo.size()];
            Filler.copy(payload, 8, echo.size() - 8);
            this.echoFrame = Wire.maskedFrame(Wire.OP_BINARY, payload);
            this.echoPayloadStart = Wire.headerLength(echo.size(), true);
            this.echoStampOffset = 0;
        }
        int idleSize = idle == null ? 0 : idle.text().length;
        this.plainCapacity = Math.max(Math.max(streamSize, echoSize), idleSize) + 64;
        int readCapacity = mode == Mode.IDLE ? 1024 : Math.max(64 * 1024, 2 * (echoSize + 16));
        int writeCapacity = mode == Mode.ECHO ? Math.max(1024, window * echoFrame.length)
                : Math.max(1024, idle == null ? 0 : idle.frame().length);
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
        if (target.tls() != null) {
            SSLEngine engine = target.tls().createSSLEngine(target.host(), target.port());
            engine.setUseClientMode(true);
            c.link = new TlsLink(c.channel, engine);
        } else {
            c.link = Link.plain(c.channel);
        }
        c.out.put(request);
        flush(c);
    }

    private void read(Conn c, long now) throws IOException {
        int n = c.link.read(c.in);
        if (n < 0) {
            if (c.state == OPEN && mode == Mode.STREAM && c.done()) {
                finish(c);
            } else if (c.state < DONE) {
                fail(c, "server closed the connection");
            }
            return;
        }
        consume(c, now);
        // TLS: a record did not fit; make room (or grow) and take the rest.
        while (c.state < DONE && c.link.hasBufferedInput()) {
            if (c.in.remaining() < 17 * 1024) {
                ByteBuffer bigger = ByteBuffer.allocate(c.in.capacity() + 32 * 1024);
                c.in.flip();
                bigger.put(c.in);
                c.in = bigger;
            }
            if (c.link.read(c.in) < 0) {
                fail(c, "server closed the connection");
                return;
            }
            consume(c, now);
        }
        if (c.state < DONE && (c.out.position() > 0 || c.link.wantsWrite())) {
            flush(c); // the TLS handshake may have finished with the upgrade request still waiting
        }
    }

    private void consume(Conn c, long now) throws IOException {
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
        String extensions = Wire.header(head, "Sec-WebSocket-Extensions");
        if (target.deflate()) {
            String refused = acceptDeflate(c, extensions);
            if (refused != null) {
                fail(c, refused);
                return false;
            }
        } else if (extensions != null) {
            fail(c, "server answered an extension we did not offer: " + extensions);
            return false;
        }
        if (negotiated == null) {
            negotiated = c.link.describe() + (extensions == null ? "" : "; " + extensions);
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

    /**
     * Checks the 101's extensions against our bare offer ({@link DeflateAnswer}) and sets up
     * the inflater; returns why the answer is refused, or null.
     */
    private String acceptDeflate(Conn c, String extensions) {
        DeflateAnswer answer = DeflateAnswer.of(extensions);
        if (answer.refusal() != null) {
            return answer.refusal();
        }
        c.resetInflater = answer.serverNoContextTakeover();
        c.inflater = new Inflater(true);
        c.plain = new byte[plainCapacity];
        return null;
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
        } else if (mode == Mode.IDLE && idleMessage != null) {
            c.out.put(idleMessage.frame());
            c.inFlight = 1;
            flush(c);
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
            int rsv = b0 & 0x70;
            boolean control = (b0 & 0x08) != 0;
            if (rsv != 0 && (rsv != Wire.RSV1 || c.inflater == null || control || (b0 & 0x0f) == 0)) {
                fail(c, "server set RSV bits " + Integer.toHexString(rsv) + " on opcode " + (b0 & 0x0f));
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
            onFrame(c, b0 & 0x0f, (b0 & 0x80) != 0, rsv != 0, p + hdr, (int) len, now);
            in.position((int) (p + total));
        }
    }

    private void onFrame(Conn c, int opcode, boolean fin, boolean compressed, int start, int len, long now)
            throws IOException {
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
            default -> onDataFrame(c, opcode, fin, compressed, start, len, now);
        }
    }

    /**
     * A data frame: a whole uncompressed message is checked in place; a compressed one is
     * inflated, a fragmented one copied, into the connection's plaintext buffer first.
     */
    private void onDataFrame(Conn c, int opcode, boolean fin, boolean compressed, int start, int len, long now)
            throws IOException {
        byte[] a = c.in.array();
        if (opcode != 0) {
            c.msgOpcode = opcode;
            c.msgLength = 0;
            c.msgCompressed = compressed;
            c.msgBuffered = compressed || !fin;
            c.plainLength = 0;
        }
        c.msgLength += len;
        if (c.msgCompressed) {
            if (!inflate(c, a, start, len)) {
                return;
            }
        } else if (c.msgBuffered) {
            ensurePlain(c, c.plainLength + len);
            System.arraycopy(a, start, c.plain, c.plainLength, len);
            c.plainLength += len;
        }
        if (!fin) {
            return;
        }
        if (c.msgCompressed) {
            if (!inflate(c, DEFLATE_TAIL, 0, DEFLATE_TAIL.length)) {
                return;
            }
            if (c.resetInflater) {
                c.inflater.reset();
            }
            compressedMessages++;
        }
        dataMessages++;
        wirePayloadBytes += c.msgLength;
        byte[] msg = c.msgBuffered ? c.plain : a;
        int off = c.msgBuffered ? 0 : start;
        int length = c.msgBuffered ? c.plainLength : len;
        plainPayloadBytes += length;
        if (mode == Mode.STREAM) {
            onStreamMessage(c, msg, off, length, now);
        } else if (mode == Mode.ECHO) {
            onEcho(c, msg, off, length, now);
        } else {
            onIdleEcho(c, msg, off, length);
        }
    }

    /** Inflates {@code src[off, off + len)} onto the plaintext; false when the connection failed. */
    private boolean inflate(Conn c, byte[] src, int off, int len) {
        Inflater inflater = c.inflater;
        inflater.setInput(src, off, len);
        try {
            while (true) {
                if (c.plainLength == c.plain.length && !ensurePlain(c, c.plainLength + 1)) {
                    return false;
                }
                int n = inflater.inflate(c.plain, c.plainLength, c.plain.length - c.plainLength);
                c.plainLength += n;
                if (n == 0) {
                    break;
                }
            }
        } catch (DataFormatException e) {
            fail(c, "bad deflate data: " + e.getMessage());
            return false;
        }
        if (inflater.finished() || inflater.needsDictionary()) {
            fail(c, "deflate stream ended or wants a dictionary mid-connection");
            return false;
        }
        return true;
    }

    /** Grows the plaintext buffer to hold {@code need} bytes; false (connection failed) beyond the bound. */
    private boolean ensurePlain(Conn c, int need) {
        if (c.plain != null && need <= c.plain.length) {
            return true;
        }
        if (need > MAX_MESSAGE) {
            fail(c, "message larger than " + MAX_MESSAGE);
            return false;
        }
        int size = Math.max(need, c.plain == null ? plainCapacity : Math.min(MAX_MESSAGE, 2 * c.plain.length));
        c.plain = java.util.Arrays.copyOf(c.plain == null ? new byte[0] : c.plain, size);
        return true;
    }

    private void onStreamMessage(Conn c, byte[] a, int off, int len, long now) throws IOException {
        long seq;
        if (c.msgOpcode == Wire.OP_BINARY) {
            if (len < Wire.MIN_STREAM_SIZE) {
                corrupt++;
                return;
            }
            seq = (long) LONG_AT.get(a, off);
            boolean ours = startFrame != null;
            if ((long) LONG_AT.get(a, off + len - 8) != seq
                    || ours && (len != streamSize || !Filler.matches(a, off + 8, len - 16))) {
                corrupt++;
            }
        } else {
            seq = Wire.trailingNumber(a, off, len);
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

    private void onEcho(Conn c, byte[] a, int off, int len, long now) throws IOException {
        c.inFlight--;
        if (c.msgOpcode != Wire.OP_BINARY || len != echoSize || !Filler.matches(a, off + 8, len - 8)) {
            corrupt++;
        } else {
            long sent = (long) LONG_AT.get(a, off);
            if (now >= measureStartNanos && now < measureEndNanos && sent >= measureStartNanos) {
                measuredMessages++;
                histogram.record(now - sent);
            }
        }
        if (!stopSending) {
            refill(c);
        }
    }

    /** Idle: the one message a connection expects is the echo of the one it sent. */
    private void onIdleEcho(Conn c, byte[] a, int off, int len) {
        if (idleMessage == null || c.inFlight != 1 || c.msgOpcode != Wire.OP_TEXT
                || !idleMessage.matches(a, off, len)) {
            corrupt++;
            fail(c, "idle connection got a message that is not the echo of the one it sent (" + len + " B)");
            return;
        }
        c.inFlight = 0;
        idleEchoesPublished = ++idleEchoes;
        if (c.msgCompressed) {
            idleCompressedEchoesPublished = ++idleCompressedEchoes;
        }
    }

    /** Idle: echoes received so far, readable from any thread. */
    long idleEchoesSoFar() {
        return idleEchoesPublished;
    }

    /** Idle: of those, echoes that came compressed, readable from any thread. */
    long idleCompressedEchoesSoFar() {
        return idleCompressedEchoesPublished;
    }

    private void refill(Conn c) throws IOException {
        int frameLength = echoFrame.length;
        while (c.inFlight < window && c.out.remaining() >= frameLength) {
            int pos = c.out.position();
            c.out.put(echoFrame);
            Wire.putMaskedLong(c.out.array(), pos + echoPayloadStart, echoStampOffset, System.nanoTime());
            c.inFlight++;
        }
        flush(c);
    }

    private void flush(Conn c) throws IOException {
        ByteBuffer out = c.out;
        if (out.position() == 0 && !c.link.wantsWrite()) {
            if (c.key.interestOps() != SelectionKey.OP_READ) {
                c.key.interestOps(SelectionKey.OP_READ); // TLS: a read may have flushed what OP_WRITE waited for
            }
            return;
        }
        out.flip();
        boolean pending = c.link.write(out);
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
            c.link.write(c.out);
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
        if (c.inflater != null) {
            c.inflater.end();
        }
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
        Link link;
        SelectionKey key;
        int state = CONNECTING;
        ByteBuffer in;
        final ByteBuffer out;
        boolean started;
        // current message (fragments accumulate)
        int msgOpcode;
        /** Payload bytes of the message on the wire (compressed, when it is). */
        long msgLength;
        boolean msgCompressed;
        /** Whether the message's plaintext is assembled in {@link #plain} (compressed or fragmented). */
        boolean msgBuffered;
        // deflate (set when negotiated)
        Inflater inflater;
        boolean resetInflater;
        byte[] plain;
        int plainLength;
        // STREAM
        boolean baseKnown;
        long base;
        long expected;
        long lastArrival;
        // ECHO; IDLE: 1 while the sent message's echo is awaited
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
