package io.lws4j.benchmarks.loadgen;

import io.lws4j.benchmarks.Wire;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client side of the xsend and broadcast workloads: N websocket connections to one
 * messaging server, read by one selector thread that parses the server's frames and counts
 * text messages. Connection 0 sends the commands ({@code "xsend T M S W"}, {@code "bcast K S"},
 * see the servers' {@code Messaging}).
 *
 * <p>xsend messages begin {@code "t<tid>:<seq>;"}: the reader checks that each sender
 * thread's sequence arrives in order, once. Broadcast messages begin {@code "b<K>;"}: one
 * broadcast round ends when every connection received one.
 *
 * <p>Threading: {@link #open}, {@link #xsend}, {@link #broadcast} and {@link #close} are
 * called by one caller thread; the reader thread owns the connections' parse state. The
 * caller publishes a round's expectations through volatile fields before it writes the
 * command (so before the server can answer); the reader publishes a round's end through the
 * round's {@link CountDownLatch} after writing its figures (latch edges).
 */
public final class MessagingLoad implements AutoCloseable {
    private static final int PREFIX_BYTES = 24;
    /** "\r\n\r\n" as the last four bytes read, big-endian. */
    private static final int HEAD_END = 0x0d0a0d0a;
    private final List<Conn> conns = new ArrayList<>();
    private final Selector selector;
    private final Thread reader;
    private final CountDownLatch established;
    private volatile boolean stopping;
    /** Messages of the current round still to arrive; the round ends at 0. */
    private final AtomicLong remaining = new AtomicLong();
    private volatile CountDownLatch roundEnd = new CountDownLatch(0);
    private volatile long lastArrivalNanos;
    private volatile int[] nextSeq = new int[0];
    private final AtomicLong outOfOrder = new AtomicLong();
    private final AtomicLong unexpected = new AtomicLong();
    private final AtomicLong closedByServer = new AtomicLong();

    /** One xsend run as the client saw it. */
    public record XsendResult(long expected, long received, long outOfOrder, long nanos) {
        /** @return messages per second, or -1 when not every message arrived */
        public double rate() {
            return received == expected && nanos > 0 ? received * 1e9 / nanos : -1;
        }

        /** @return whether every message arrived once and each sender's in order */
        public boolean exactlyOnceInOrder() {
            return received == expected && outOfOrder == 0;
        }
    }

    private MessagingLoad(Selector selector, int connections) {
        this.selector = selector;
        this.established = new CountDownLatch(connections);
        this.reader = new Thread(this::readLoop, "messaging-load-reader");
        this.reader.setDaemon(true);
    }

    /**
     * Opens {@code connections} websocket connections to {@code 127.0.0.1:port} and waits
     * until every one was upgraded.
     *
     * @throws IOException when a connection fails or not all were upgraded within the bound
     */
    public static MessagingLoad open(int port, int connections, long boundMillis)
            throws IOException, InterruptedException {
        MessagingLoad load = new MessagingLoad(Selector.open(), connections);
        byte[] request = Wire.upgradeRequest("127.0.0.1", port, "/", null);
        try {
            for (int i = 0; i < connections; i++) {
                SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                writeFully(ch, ByteBuffer.wrap(request));
                ch.configureBlocking(false);
                Conn c = new Conn(ch);
                load.conns.add(c);
                ch.register(load.selector, SelectionKey.OP_READ, c);
            }
        } catch (IOException e) {
            load.close();
            throw e;
        }
        load.reader.start();
        if (!load.established.await(boundMillis, TimeUnit.MILLISECONDS)) {
            long missing = load.established.getCount();
            load.close();
            throw new IOException(missing + " of " + connections + " connections not upgraded in " + boundMillis
                    + " ms");
        }
        return load;
    }

    /**
     * Asks the server for {@code threads} x {@code messages} messages of {@code size} bytes
     * from its application threads (window {@code window}) and waits until all arrived or
     * {@code boundMillis} passed.
     */
    public XsendResult xsend(int threads, int messages, int size, int window, long boundMillis)
            throws IOException, InterruptedException {
        long expected = (long) threads * messages;
        nextSeq = new int[threads];
        outOfOrder.set(0);
        CountDownLatch end = startRound(expected);
        long t0 = System.nanoTime();
        command("xsend " + threads + " " + messages + " " + size + " " + window);
        boolean done = end.await(boundMillis, TimeUnit.MILLISECONDS);
        long received = expected - remaining.get();
        return new XsendResult(expected, received, outOfOrder.get(), done ? lastArrivalNanos - t0 : -1);
    }

    /**
     * Asks the server to broadcast message {@code k} of {@code size} bytes and waits until
     * every connection received it.
     *
     * @return nanoseconds from writing the command until the last recipient read the
     *     message, or -1 when not every connection got it within {@code boundMillis}
     */
    public long broadcast(int k, int size, long boundMillis) throws IOException, InterruptedException {
        CountDownLatch end = startRound(conns.size());
        long t0 = System.nanoTime();
        command("bcast " + k + " " + size);
        return end.await(boundMillis, TimeUnit.MILLISECONDS) ? lastArrivalNanos - t0 : -1;
    }

    /** Messages that were neither of the current round nor well formed, and closes seen. */
    public long unexpected() {
        return unexpected.get() + closedByServer.get();
    }

    public int connections() {
        return conns.size();
    }

    private CountDownLatch startRound(long expected) {
        CountDownLatch end = new CountDownLatch(1);
        roundEnd = end;
        remaining.set(expected);
        return end;
    }

    private void command(String text) throws IOException {
        writeFully(conns.get(0).ch, ByteBuffer.wrap(Wire.maskedFrame(Wire.OP_TEXT,
                text.getBytes(StandardCharsets.US_ASCII))));
    }

    /** Writes all of {@code b}; a non-blocking channel is retried (commands are tiny). */
    private static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (ch.write(b) == 0) {
                Thread.onSpinWait();
            }
        }
    }

    @Override
    public void close() {
        stopping = true;
        selector.wakeup();
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Conn c : conns) {
            try {
                c.ch.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    private void readLoop() {
        ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
        try {
            while (!stopping) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    Conn c = (Conn) key.attachment();
                    buf.clear();
                    int n;
                    try {
                        n = c.ch.read(buf);
                    } catch (IOException e) {
                        n = -1;
                    }
                    if (n < 0) {
                        key.cancel();
                        closedByServer.incrementAndGet();
                        continue;
                    }
                    buf.flip();
                    consume(c, buf);
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            if (!stopping) {
                System.err.println("messaging load reader: " + e);
            }
        }
    }

    private void consume(Conn c, ByteBuffer buf) {
        assert Thread.currentThread() == reader : "parse state belongs to the reader thread";
        if (!c.upgraded) {
            while (buf.hasRemaining() && !c.upgraded) {
                byte b = buf.get();
                c.head.append((char) (b & 0xff));
                c.lastFour = (c.lastFour << 8) | (b & 0xff);
                if (c.lastFour == HEAD_END) {
                    if (!c.head.toString().startsWith("HTTP/1.1 101")) {
                        unexpected.incrementAndGet();
                    }
                    c.upgraded = true;
                    established.countDown();
                }
            }
        }
        while (buf.hasRemaining()) {
            if (c.payloadLeft < 0) {
                c.header[c.headerLen++] = buf.get();
                if (c.headerLen == 2) {
                    int code = c.header[1] & 0x7f;
                    c.headerNeed = code == 126 ? 4 : code == 127 ? 10 : 2;
                }
                if (c.headerLen >= 2 && c.headerLen == c.headerNeed) {
                    int code = c.header[1] & 0x7f;
                    long len = code;
                    if (code == 126) {
                        len = ((c.header[2] & 0xffL) << 8) | (c.header[3] & 0xffL);
                    } else if (code == 127) {
                        len = 0;
                        for (int i = 2; i < 10; i++) {
                            len = (len << 8) | (c.header[i] & 0xffL);
                        }
                    }
                    c.opcode = c.header[0] & 0x0f;
                    c.fin = (c.header[0] & 0x80) != 0;
                    c.payloadLeft = len;
                    c.prefixLen = 0;
                    c.headerLen = 0;
                    if (len == 0) {
                        frameDone(c);
                    }
                }
                continue;
            }
            int n = (int) Math.min(c.payloadLeft, buf.remaining());
            int keep = Math.min(n, PREFIX_BYTES - c.prefixLen);
            buf.get(c.prefix, c.prefixLen, keep);
            c.prefixLen += keep;
            buf.position(buf.position() + n - keep);
            c.payloadLeft -= n;
            if (c.payloadLeft == 0) {
                frameDone(c);
            }
        }
    }

    private void frameDone(Conn c) {
        assert Thread.currentThread() == reader : "parse state belongs to the reader thread";
        c.payloadLeft = -1;
        if (c.opcode == Wire.OP_CLOSE) {
            closedByServer.incrementAndGet();
            return;
        }
        if (c.opcode != Wire.OP_TEXT || !c.fin || c.prefixLen == 0) {
            unexpected.incrementAndGet();
            return;
        }
        if (c.prefix[0] == 't') {
            int colon = indexOf(c, ':');
            int semi = indexOf(c, ';');
            int[] seqs = nextSeq;
            if (colon < 0 || semi < colon) {
                unexpected.incrementAndGet();
                return;
            }
            int tid = number(c, 1, colon);
            int seq = number(c, colon + 1, semi);
            if (tid < 0 || tid >= seqs.length) {
                unexpected.incrementAndGet();
                return;
            }
            if (seqs[tid] != seq) {
                outOfOrder.incrementAndGet();
            }
            seqs[tid] = seq + 1;
        } else if (c.prefix[0] != 'b') {
            unexpected.incrementAndGet();
            return;
        }
        if (remaining.decrementAndGet() == 0) {
            lastArrivalNanos = System.nanoTime();
            roundEnd.countDown();
        }
    }

    private static int indexOf(Conn c, char ch) {
        for (int i = 0; i < c.prefixLen; i++) {
            if (c.prefix[i] == ch) {
                return i;
            }
        }
        return -1;
    }

    private static int number(Conn c, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            int d = c.prefix[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    /** One connection's parse state; only the reader thread touches it after {@link #open}. */
    private static final class Conn {
        final SocketChannel ch;
        final StringBuilder head = new StringBuilder();
        boolean upgraded;
        int lastFour;
        final byte[] header = new byte[14];
        int headerLen;
        int headerNeed = 2;
        long payloadLeft = -1;
        int opcode;
        boolean fin;
        final byte[] prefix = new byte[PREFIX_BYTES];
        int prefixLen;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }
    }
}
