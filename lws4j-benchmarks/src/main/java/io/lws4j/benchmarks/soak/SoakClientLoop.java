package io.lws4j.benchmarks.soak;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLContext;

/**
 * One selector thread of the soak's well-behaved clients: connects its connections (a
 * bounded number at a time), then has each act once per interval on average (an echo, a chat
 * message, a stream command), answers pings, and publishes its {@link Totals} every tick.
 * {@link #drain} stops new actions so what is in flight can settle; {@link #shutdown}
 * closes every connection with a close handshake, bounded in time, and ends the thread.
 *
 * <p>Not thread-safe, except {@link #drain}, {@link #shutdown} and {@link #totals}, which
 * any thread may call: the phase flags are volatile, and {@link Totals} is an immutable
 * record published through a volatile field (its fields were written before the write).
 */
final class SoakClientLoop implements Runnable {
    private static final int MAX_CONNECTS_IN_FLIGHT = 32;
    /** Tries per connection to get upgraded; a server under load may time a handshake out. */
    private static final int MAX_SETUP_ATTEMPTS = 5;
    private final java.util.ArrayDeque<SoakConn> retries = new java.util.ArrayDeque<>();
    private final Selector selector;
    private final List<SoakConn> conns;
    private final List<SoakConn.ChatRoom> rooms;
    private final String host;
    private final int wsPort;
    private final int wssPort;
    private final SSLContext clientTls;
    private final long intervalNanos;
    private int nextToConnect;
    private int connectsInFlight;
    private volatile boolean draining;
    private volatile boolean shutdown;
    private volatile Totals totals = Totals.EMPTY;

    SoakClientLoop(List<SoakConn> conns, List<SoakConn.ChatRoom> rooms, String host, int wsPort, int wssPort,
            SSLContext clientTls, long intervalNanos) throws IOException {
        this.selector = Selector.open();
        this.conns = conns;
        this.rooms = rooms;
        this.host = host;
        this.wsPort = wsPort;
        this.wssPort = wssPort;
        this.clientTls = clientTls;
        this.intervalNanos = intervalNanos;
    }

    Totals totals() {
        return totals;
    }

    void drain() {
        draining = true;
        selector.wakeup();
    }

    void shutdown() {
        shutdown = true;
        selector.wakeup();
    }

    @Override
    public void run() {
        try {
            while (!shutdown) {
                connectMore();
                selector.select(50);
                handleKeys();
                long now = System.nanoTime();
                if (!draining) {
                    for (SoakConn c : conns) {
                        if (c.isOpen() && now >= c.nextActionNanos) {
                            c.act();
                            c.nextActionNanos = now + jitter();
                            flush(c);
                        }
                    }
                }
                totals = Totals.of(conns, rooms,
                        nextToConnect >= conns.size() && connectsInFlight == 0 && retries.isEmpty());
            }
            closeAll();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            for (SoakConn c : conns) {
                closeQuietly(c);
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    private long jitter() {
        return intervalNanos / 2 + ThreadLocalRandom.current().nextLong(Math.max(1, intervalNanos));
    }

    private void connectMore() {
        while (connectsInFlight < MAX_CONNECTS_IN_FLIGHT && (nextToConnect < conns.size() || !retries.isEmpty())) {
            SoakConn c = retries.isEmpty() ? conns.get(nextToConnect++) : retries.poll();
            try {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                c.channel = ch;
                ch.connect(new InetSocketAddress(host, c.tls ? wssPort : wsPort));
                c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
                c.connecting = true;
                connectsInFlight++;
            } catch (IOException e) {
                c.fail("connect: " + e);
                closeQuietly(c);
                if (c.failedInSetup() && c.setupFailures + 1 < MAX_SETUP_ATTEMPTS) {
                    c.resetForRetry();
                    retries.add(c);
                }
            }
        }
    }

    private void handleKeys() {
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey k = it.next();
            it.remove();
            SoakConn c = (SoakConn) k.attachment();
            try {
                if (!k.isValid()) {
                    continue;
                }
                if (k.isConnectable()) {
                    if (!c.channel.finishConnect()) {
                        continue;
                    }
                    c.connected(clientTls, host, c.tls ? wssPort : wsPort);
                    c.nextActionNanos = System.nanoTime() + jitter();
                    k.interestOps(SelectionKey.OP_READ);
                    flush(c);
                    continue;
                }
                if (k.isWritable()) {
                    flush(c);
                }
                if (k.isReadable()) {
                    read(c);
                }
            } catch (IOException | RuntimeException e) {
                c.fail(e.toString());
            }
            if (c.connecting && c.state != SoakConn.State.CONNECTING && c.state != SoakConn.State.HANDSHAKE) {
                c.connecting = false;
                connectsInFlight--;
            }
            if (c.state == SoakConn.State.FAILED || c.state == SoakConn.State.CLOSED) {
                closeQuietly(c);
                if (c.failedInSetup() && c.setupFailures + 1 < MAX_SETUP_ATTEMPTS && !shutdown) {
                    c.resetForRetry();
                    retries.add(c);
                }
            }
        }
    }

    private void read(SoakConn c) throws IOException {
        int n;
        do {
            n = c.link.read(c.in);
            if (n < 0) {
                if (c.state == SoakConn.State.CLOSING) {
                    c.state = SoakConn.State.CLOSED;
                } else {
                    c.fail("end of stream");
                }
                return;
            }
            c.parse();
        } while ((n > 0 || c.link.hasBufferedInput()) && c.in.hasRemaining()
                && c.state != SoakConn.State.FAILED && c.state != SoakConn.State.CLOSED);
        flush(c);
    }

    private void flush(SoakConn c) throws IOException {
        if (c.link == null || c.state == SoakConn.State.FAILED || c.state == SoakConn.State.CLOSED) {
            return;
        }
        c.out.flip();
        boolean full;
        try {
            full = c.link.write(c.out);
        } finally {
            c.out.compact();
        }
        int ops = SelectionKey.OP_READ | (full || c.out.position() > 0 || c.link.wantsWrite() ? SelectionKey.OP_WRITE : 0);
        if (c.key.interestOps() != ops) {
            c.key.interestOps(ops);
        }
    }

    /** Close handshakes for every open connection, then waits (bounded) for the replies. */
    private void closeAll() throws IOException {
        for (SoakConn c : conns) {
            if (c.isOpen()) {
                c.startClose();
                try {
                    flush(c);
                } catch (IOException e) {
                    c.fail(e.toString());
                }
            }
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline && anyClosing()) {
            selector.select(50);
            handleKeys();
        }
        totals = Totals.of(conns, rooms, true);
    }

    private boolean anyClosing() {
        for (SoakConn c : conns) {
            if (c.state == SoakConn.State.CLOSING) {
                return true;
            }
        }
        return false;
    }

    private static void closeQuietly(SoakConn c) {
        if (c.channel != null) {
            try {
                c.channel.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    /**
     * What a loop's connections did, summed. Chat figures count rooms whose members all
     * stayed connected: {@code chatExpected} is, over those, every member's messages times
     * the other members that should have got them.
     */
    record Totals(int planned, int open, int failed, boolean connectDone, long echoSent, long echoReceived,
            long echoBad, long chatSent, long chatReceived, long chatExpected, long chatBad, long streamsDone,
            long streamMessages, long streamBad, long busy, long compressed, boolean settled, String firstFailure,
            long setupRetries) {
        static final Totals EMPTY = new Totals(0, 0, 0, false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, null, 0);

        static Totals of(List<SoakConn> conns, List<SoakConn.ChatRoom> rooms, boolean connectDone) {
            int open = 0;
            int failed = 0;
            long es = 0, er = 0, eb = 0, cs = 0, cr = 0, cb = 0, sd = 0, sm = 0, sb = 0, busy = 0, z = 0;
            boolean settled = true;
            String first = null;
            long retried = 0;
            for (SoakConn c : conns) {
                retried += c.setupFailures;
                if (c.state == SoakConn.State.FAILED) {
                    failed++;
                    if (first == null) {
                        first = c.failure;
                    }
                    continue;
                }
                if (c.isOpen()) {
                    open++;
                }
                es += c.echoSent;
                er += c.echoReceived;
                eb += c.echoBad;
                sd += c.streamsDone;
                sm += c.streamMessages;
                sb += c.streamBad;
                busy += c.busy;
                z += c.compressedReceived;
                settled &= c.settled();
            }
            long expected = 0;
            for (SoakConn.ChatRoom r : rooms) {
                if (!r.intact()) {
                    continue;
                }
                long roomSent = 0;
                for (SoakConn m : r.members) {
                    roomSent += m.chatSent;
                }
                for (SoakConn m : r.members) {
                    cs += m.chatSent;
                    cr += m.chatReceived;
                    cb += m.chatBad;
                    expected += roomSent - m.chatSent;
                }
            }
            settled &= cr == expected;
            return new Totals(conns.size(), open, failed, connectDone, es, er, eb, cs, cr, expected, cb, sd, sm,
                    sb, busy, z, settled, first, retried);
        }

        Totals plus(Totals o) {
            return new Totals(planned + o.planned, open + o.open, failed + o.failed, connectDone && o.connectDone,
                    echoSent + o.echoSent, echoReceived + o.echoReceived, echoBad + o.echoBad,
                    chatSent + o.chatSent, chatReceived + o.chatReceived, chatExpected + o.chatExpected,
                    chatBad + o.chatBad, streamsDone + o.streamsDone, streamMessages + o.streamMessages,
                    streamBad + o.streamBad, busy + o.busy, compressed + o.compressed, settled && o.settled,
                    firstFailure != null ? firstFailure : o.firstFailure, setupRetries + o.setupRetries);
        }
    }
}
