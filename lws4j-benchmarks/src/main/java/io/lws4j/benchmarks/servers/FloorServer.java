package io.lws4j.benchmarks.servers;

import io.lws4j.benchmarks.DeflatedTemplate;
import io.lws4j.benchmarks.Filler;
import io.lws4j.benchmarks.Link;
import io.lws4j.benchmarks.TlsLink;
import io.lws4j.benchmarks.Wire;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * The floor: what the load generator can take from a server that does the least possible
 * work. One selector thread, no library, no pool; the handshake is answered by hand,
 * stream messages are pre-framed once and only their sequence numbers patched. In
 * {@code batch} mode it packs as many messages as fit into each socket write (showing the
 * generator's own ceiling); otherwise it issues one write per message, as a server doing
 * one websocket write per message would. Echo frames are unmasked and written back.
 *
 * <p>Over wss every connection goes through a {@link TlsLink} (the JDK's {@code SSLEngine},
 * the same code the generator uses), so the TLS floor costs one encryption per byte and
 * nothing else. With deflate it accepts an offer of permessage-deflate with
 * {@code client_no_context_takeover} and sends stream messages pre-compressed
 * ({@link DeflatedTemplate}: only the sequence numbers are patched, nothing is compressed
 * per message; the first message is compressed on its own, the others against the one
 * before, as a server with context takeover would send them); compressed echo messages
 * go back as they came, still compressed, which is valid because the client may not
 * refer to earlier messages. It is the generator's ceiling, not a server: it does no
 * deflate work at all.
 *
 * <p>Service-thread confined: all methods except {@link #close()} run on the floor's own
 * selector thread; {@code close} may be called from any thread.
 */
final class FloorServer implements BenchServer {
    private static final int BATCH_BYTES = 64 * 1024;
    private static final int WRITES_PER_TURN = 16;
    private final Selector selector;
    private final ServerSocketChannel server;
    private final boolean batch;
    private final SSLContext tls;
    private final boolean deflate;
    private final Thread thread;
    private volatile boolean closed;

    FloorServer(ServerOptions o, boolean batch) throws Exception {
        this.batch = batch;
        this.tls = o.tls() == null ? null : o.tls().serverContext();
        this.deflate = o.deflate();
        this.selector = Selector.open();
        this.server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", o.port()), 1024);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        this.thread = new Thread(this::loop, "floor");
        thread.start();
    }

    @Override
    public int port() {
        return server.socket().getLocalPort();
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        try {
            while (!closed) {
                selector.select();
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    try {
                        if (key.isAcceptable()) {
                            accept();
                        } else {
                            FloorConn c = (FloorConn) key.attachment();
                            if (key.isValid() && key.isReadable()) {
                                read(c);
                            }
                            if (key.isValid() && key.isWritable()) {
                                write(c);
                            }
                        }
                    } catch (IOException | RuntimeException e) {
                        key.cancel();
                        key.channel().close();
                    }
                }
            }
        } catch (IOException e) {
            System.err.println("floor: " + e);
        } finally {
            for (SelectionKey key : selector.keys()) {
                try {
                    key.channel().close();
                } catch (IOException ignored) {
                    // shutting down
                }
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // shutting down
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel ch;
        while ((ch = server.accept()) != null) {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            FloorConn c = new FloorConn(ch);
            if (tls != null) {
                SSLEngine engine = tls.createSSLEngine();
                engine.setUseClientMode(false);
                c.link = new TlsLink(ch, engine);
            } else {
                c.link = Link.plain(ch);
            }
            c.key = ch.register(selector, SelectionKey.OP_READ, c);
        }
    }

    private void read(FloorConn c) throws IOException {
        int n = c.link.read(c.in);
        if (n < 0) {
            c.key.cancel();
            c.channel.close();
            return;
        }
        consume(c);
        while (c.channel.isOpen() && c.link.hasBufferedInput()) {
            if (c.in.remaining() < 17 * 1024) {
                ByteBuffer bigger = ByteBuffer.allocate(c.in.capacity() + 32 * 1024);
                c.in.flip();
                bigger.put(c.in);
                c.in = bigger;
            }
            c.link.read(c.in);
            consume(c);
        }
        write(c);
    }

    private void consume(FloorConn c) throws IOException {
        c.in.flip();
        if (!c.open && !handshake(c)) {
            c.in.compact();
            return;
        }
        frames(c);
        c.in.compact();
    }

    private boolean handshake(FloorConn c) throws IOException {
        ByteBuffer in = c.in;
        for (int i = in.position(); i + 3 < in.limit(); i++) {
            if (in.get(i) == '\r' && in.get(i + 1) == '\n' && in.get(i + 2) == '\r' && in.get(i + 3) == '\n') {
                String head = new String(in.array(), in.position(), i - in.position(), StandardCharsets.US_ASCII);
                in.position(i + 4);
                String key = Wire.header(head + "\r\n", "Sec-WebSocket-Key");
                if (key == null) {
                    throw new IOException("not a websocket upgrade");
                }
                String offer = Wire.header(head + "\r\n", "Sec-WebSocket-Extensions");
                c.deflate = deflate && offer != null
                        && offer.toLowerCase(Locale.ROOT).startsWith(Wire.DEFLATE_OFFER);
                String response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + Wire.acceptKey(key) + "\r\n"
                        + (c.deflate ? "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover\r\n"
                                : "")
                        + "\r\n";
                c.out.put(response.getBytes(StandardCharsets.US_ASCII));
                c.open = true;
                return true;
            }
        }
        if (in.limit() == in.capacity()) {
            throw new IOException("request head too long");
        }
        return false;
    }

    private void frames(FloorConn c) throws IOException {
        ByteBuffer in = c.in;
        while (true) {
            int p = in.position();
            int rem = in.remaining();
            if (rem < 6) {
                return;
            }
            int b0 = in.get(p) & 0xff;
            int len = in.get(p + 1) & 0x7f;
            int hdr = 2;
            if (len == 126) {
                if (rem < 8) {
                    return;
                }
                len = in.getShort(p + 2) & 0xffff;
                hdr = 4;
            } else if (len == 127) {
                if (rem < 14) {
                    return;
                }
                len = (int) in.getLong(p + 2);
                hdr = 10;
            }
            int maskAt = p + hdr;
            int start = maskAt + 4;
            if (start + len > in.capacity()) {
                ByteBuffer bigger = ByteBuffer.allocate(start - p + len);
                bigger.put(in);
                bigger.flip();
                c.in = bigger;
                return;
            }
            if (rem < start - p + len) {
                return;
            }
            byte[] a = in.array();
            for (int i = 0; i < len; i++) {
                a[start + i] ^= a[maskAt + (i & 3)];
            }
            int opcode = b0 & 0x0f;
            in.position(start + len);
            if (opcode == Wire.OP_TEXT) {
                int[] cmd = Wire.parseStartCommand(new String(a, start, len, StandardCharsets.US_ASCII));
                if (cmd != null) {
                    c.startStream(cmd[0], cmd[1]);
                }
            } else if (opcode == Wire.OP_BINARY) {
                boolean compressed = c.deflate && (b0 & Wire.RSV1) != 0;
                c.reserve(Wire.headerLength(len, false) + len);
                Wire.putHeader(c.out, Wire.OP_BINARY, compressed, len, false);
                c.out.put(a, start, len);
            } else if (opcode == Wire.OP_CLOSE) {
                c.key.cancel();
                c.channel.close();
                return;
            }
        }
    }

    private void write(FloorConn c) throws IOException {
        if (!c.channel.isOpen()) {
            return;
        }
        if (!drain(c)) {
            return;
        }
        int turns = 0;
        while (c.remaining > 0 && turns++ < WRITES_PER_TURN) {
            if (batch) {
                while (c.remaining > 0 && c.out.remaining() >= c.template.bytes.length) {
                    c.nextMessage();
                }
            } else {
                c.nextMessage();
            }
            if (!drain(c)) {
                return;
            }
        }
        int ops = c.remaining > 0 || c.out.position() > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE
                : SelectionKey.OP_READ;
        if (c.key.interestOps() != ops) {
            c.key.interestOps(ops);
        }
    }

    /** Writes pending output; true when all of it went out. */
    private static boolean drain(FloorConn c) throws IOException {
        if (c.out.position() == 0 && !c.link.wantsWrite()) {
            return true;
        }
        c.out.flip();
        boolean blocked = c.link.write(c.out);
        boolean all = !c.out.hasRemaining() && !blocked;
        c.out.compact();
        if (!all) {
            c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
        return all;
    }

    /** A pre-built unmasked frame and where its head and tail sequence numbers go. */
    private record Frame(byte[] bytes, int headAt, int tailAt) {
        static Frame of(DeflatedTemplate t) {
            return of(t.payload(), t.headOffset(), t.tailOffset(), true);
        }

        static Frame of(byte[] payload, int head, int tail, boolean compressed) {
            ByteBuffer frame = ByteBuffer.allocate(Wire.headerLength(payload.length, false) + payload.length);
            Wire.putHeader(frame, Wire.OP_BINARY, compressed, payload.length, false);
            int start = frame.position();
            frame.put(payload);
            return new Frame(frame.array(), start + head, start + tail);
        }
    }

    /** One accepted connection; confined to the floor thread. */
    private static final class FloorConn {
        final SocketChannel channel;
        Link link;
        SelectionKey key;
        boolean deflate;
        ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        ByteBuffer out = ByteBuffer.allocate(BATCH_BYTES + 16);
        boolean open;
        /** Message 0 and its sequence-number offsets (differs from the rest only with deflate). */
        Frame first;
        /** Every later message. */
        Frame template;
        long seq;
        long remaining;

        FloorConn(SocketChannel channel) {
            this.channel = channel;
        }

        void startStream(int messages, int messageSize) {
            if (deflate) {
                first = Frame.of(DeflatedTemplate.of(messageSize, true));
                template = Frame.of(DeflatedTemplate.following(messageSize));
            } else {
                byte[] payload = new byte[messageSize];
                Filler.copy(payload, 8, messageSize - 16);
                template = Frame.of(payload, 0, messageSize - 8, false);
                first = template;
            }
            seq = 0;
            remaining = messages;
            reserve(first.bytes.length);
        }

        void nextMessage() {
            Frame f = seq == 0 ? first : template;
            reserve(f.bytes.length);
            int at = out.position();
            out.put(f.bytes);
            out.putLong(at + f.headAt, seq);
            out.putLong(at + f.tailAt, seq);
            seq++;
            remaining--;
        }

        void reserve(int bytes) {
            if (out.remaining() < bytes) {
                ByteBuffer bigger = ByteBuffer.allocate(out.position() + bytes + BATCH_BYTES);
                out.flip();
                bigger.put(out);
                out = bigger;
            }
        }
    }
}
