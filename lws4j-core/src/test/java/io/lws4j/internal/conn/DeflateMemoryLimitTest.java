package io.lws4j.internal.conn;

import static io.lws4j.internal.deflate.ZlibPool.DEFLATER_BYTES;
import static io.lws4j.internal.deflate.ZlibPool.INFLATER_BYTES;
import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.CloseCodes;
import io.lws4j.Context;
import io.lws4j.ContextMXBean;
import io.lws4j.internal.deflate.DeflateParams;
import io.lws4j.internal.deflate.PerMessageDeflate;
import io.lws4j.internal.deflate.ZlibPool;
import io.lws4j.internal.frame.FrameWriter;
import io.lws4j.internal.loop.ContextImpl;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The context's compression memory limit through real sockets: over it, a message that needs
 * a new compressor goes out uncompressed, a deflate offer whose decompressor would not fit is
 * declined, and the charge returns to the pooled streams' once every connection has closed.
 */
class DeflateMemoryLimitTest {

    private static final String TEXT = "compress me if the context can afford it; ".repeat(100);

    private final RecordingProtocol protocol = new RecordingProtocol();
    private Context context;

    @AfterEach
    void closeAll() {
        if (context != null) {
            context.close();
        }
    }

    private void start(Context.Builder builder) {
        context = builder.bindAddress("127.0.0.1").port(0).protocol("echo", protocol).build();
    }

    private ZlibPool pool() {
        return ((ContextImpl) context).zlibPool();
    }

    /** A frame's RSV1 bit and its payload, as the server sent it (unmasked). */
    record WireFrame(boolean rsv1, int opcode, byte[] payload) {
        String text() throws DataFormatException {
            if (!rsv1) {
                return new String(payload, StandardCharsets.UTF_8);
            }
            Inflater inflater = new Inflater(true);
            try {
                inflater.setInput(payload);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                byte[] chunk = new byte[8192];
                int n;
                while ((n = inflater.inflate(chunk)) > 0) {
                    out.write(chunk, 0, n);
                }
                inflater.setInput(new byte[] {0, 0, (byte) 0xff, (byte) 0xff});
                while ((n = inflater.inflate(chunk)) > 0) {
                    out.write(chunk, 0, n);
                }
                return out.toString(StandardCharsets.UTF_8);
            } finally {
                inflater.end();
            }
        }
    }

    static WireFrame readWireFrame(RawClient client) throws IOException {
        RawClient.Frame f = client.readFrame();
        return new WireFrame(f.rsv1(), f.opcode(), f.payload());
    }

    static String openWithDeflate(RawClient client, String offer) throws IOException {
        client.send(RawClient.upgradeRequest("Sec-WebSocket-Extensions: " + offer + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        String head = client.readHead();
        assertThat(head).startsWith("HTTP/1.1 101");
        return head;
    }

    /** The echo of a text sent uncompressed, which the server compresses when it can. */
    static WireFrame echo(RawClient client, String text) throws IOException {
        client.sendText(text);
        WireFrame f = readWireFrame(client);
        assertThat(f.opcode()).isEqualTo(FrameWriter.OP_TEXT);
        return f;
    }

    private static void closeNormally(RawClient client) throws IOException {
        client.sendClose(CloseCodes.NORMAL, "");
        assertThat(client.readUntilClose().closeCode()).isEqualTo(CloseCodes.NORMAL);
    }

    private static void awaitValue(LongSupplier actual, long expected, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (actual.getAsLong() != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(actual.getAsLong()).as(what).isEqualTo(expected);
    }

    @Test
    void aMessageThatWouldPassTheLimitGoesUncompressed_andTheNextOneCompressesOnceMemoryIsFree()
            throws Exception {
        // two inflater reservations (both clients take over their context) and one deflater
        start(Context.builder().compressionMemoryLimit(DEFLATER_BYTES + 2 * INFLATER_BYTES));
        ContextMXBean stats = context.statistics();
        try (RawClient a = new RawClient(context.port()); RawClient b = new RawClient(context.port())) {
            assertThat(openWithDeflate(a, "permessage-deflate")).contains("permessage-deflate");
            assertThat(openWithDeflate(b, "permessage-deflate")).contains("permessage-deflate");
            protocol.awaitEstablished();
            protocol.awaitEstablished();
            assertThat(stats.getCompressionMemoryBytes()).as("two reservations")
                    .isEqualTo(2 * INFLATER_BYTES);

            WireFrame fromA = echo(a, TEXT);
            assertThat(fromA.rsv1()).as("A's echo compressed").isTrue();
            assertThat(fromA.text()).isEqualTo(TEXT);
            WireFrame fromB = echo(b, TEXT);
            assertThat(fromB.rsv1()).as("B's echo would pass the limit: uncompressed").isFalse();
            assertThat(fromB.text()).as("and intact").isEqualTo(TEXT);
            assertThat(stats.getMessagesUncompressedByLimit()).isEqualTo(1);
            assertThat(stats.getCompressionMemoryBytes()).isEqualTo(DEFLATER_BYTES + 2 * INFLATER_BYTES);

            closeNormally(a);
            protocol.awaitClosed();
            WireFrame again = echo(b, TEXT);
            assertThat(again.rsv1()).as("A's compressor is free for B now").isTrue();
            assertThat(again.text()).isEqualTo(TEXT);
            assertThat(stats.getMessagesUncompressedByLimit()).isEqualTo(1);
            closeNormally(b);
            protocol.awaitClosed();
        }
        awaitValue(stats::getCompressionMemoryBytes, DEFLATER_BYTES,
                "only the idle pooled compressor is left");
        assertThat(pool().idleDeflaters()).isEqualTo(1);
        assertThat(pool().idleInflaters()).isZero();
    }

    @Test
    void crossThreadSendsAndBroadcastsFallBackToo() throws Exception {
        start(Context.builder().compressionMemoryLimit(DEFLATER_BYTES + 2 * INFLATER_BYTES));
        ContextMXBean stats = context.statistics();
        try (RawClient a = new RawClient(context.port()); RawClient b = new RawClient(context.port())) {
            openWithDeflate(a, "permessage-deflate");
            io.lws4j.Connection serverA = protocol.awaitEstablished();
            openWithDeflate(b, "permessage-deflate");
            io.lws4j.Connection serverB = protocol.awaitEstablished();
            serverA.sendText(TEXT).toCompletableFuture().get(10, TimeUnit.SECONDS);
            WireFrame toA = readWireFrame(a);
            assertThat(toA.rsv1()).as("A's compressor fits").isTrue();
            serverB.sendText(TEXT).toCompletableFuture().get(10, TimeUnit.SECONDS);
            WireFrame toB = readWireFrame(b);
            assertThat(toB.rsv1()).as("a send from another thread falls back too").isFalse();
            assertThat(toB.text()).isEqualTo(TEXT);

            context.broadcast("echo", io.lws4j.OutboundMessage.text(TEXT), io.lws4j.SendOverflow.FAIL)
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(readWireFrame(a).rsv1()).as("A keeps its compressor").isTrue();
            WireFrame broadcastToB = readWireFrame(b);
            assertThat(broadcastToB.rsv1()).as("the broadcast to B goes uncompressed").isFalse();
            assertThat(broadcastToB.text()).isEqualTo(TEXT);
            assertThat(stats.getMessagesUncompressedByLimit()).isEqualTo(2);
            closeNormally(a);
            closeNormally(b);
        }
    }

    @Test
    void anOfferWhoseDecompressorWouldNotFitIsDeclined_andTheConnectionOpensUncompressed()
            throws Exception {
        start(Context.builder().compressionMemoryLimit(INFLATER_BYTES - 1));
        ContextMXBean stats = context.statistics();
        try (RawClient client = new RawClient(context.port())) {
            String head = openWithDeflate(client, "permessage-deflate; client_max_window_bits");
            assertThat(head).doesNotContainIgnoringCase("Sec-WebSocket-Extensions");
            assertThat(stats.getDeflateOffersDeclined()).isEqualTo(1);
            protocol.awaitEstablished();
            WireFrame f = echo(client, TEXT);
            assertThat(f.rsv1()).isFalse();
            assertThat(f.text()).isEqualTo(TEXT);
            assertThat(stats.getMessagesUncompressedByLimit())
                    .as("no deflate was negotiated: nothing was refused").isZero();
            closeNormally(client);
        }
        assertThat(stats.getCompressionMemoryBytes()).isZero();
    }

    @Test
    void memoryInUseReturnsToTheIdleLevelAfterEveryConnectionCloses() throws Exception {
        start(Context.builder().requireSameOrigin("echo"));
        ContextMXBean stats = context.statistics();
        // refused after the deflate admission reserved its inflater (same-origin check: 403)
        try (RawClient refused = new RawClient(context.port())) {
            refused.send(RawClient.upgradeRequest("Sec-WebSocket-Extensions: permessage-deflate\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(refused.readHead()).startsWith("HTTP/1.1 403");
        }
        awaitValue(stats::getCompressionMemoryBytes, 0, "a refused handshake gives its reservation back");

        String origin = "Origin: http://127.0.0.1\r\nSec-WebSocket-Extensions: ";
        RawClient[] clients = new RawClient[3];
        String[] offers = {"permessage-deflate", "permessage-deflate; client_no_context_takeover",
                "permessage-deflate; server_no_context_takeover"};
        DeflateParams[] params = {new DeflateParams(false, false, 0), new DeflateParams(false, true, 0),
                new DeflateParams(true, false, 0)};
        try {
            for (int i = 0; i < clients.length; i++) {
                clients[i] = new RawClient(context.port());
                clients[i].send(RawClient.upgradeRequest(origin + offers[i] + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(clients[i].readHead()).startsWith("HTTP/1.1 101").contains("permessage-deflate");
                protocol.awaitEstablished();
                assertThat(echo(clients[i], TEXT).text()).isEqualTo(TEXT);
                // a compressed message makes the server take an inflater too
                PerMessageDeflate codec = PerMessageDeflate.create(params[i], false, 0);
                ByteBuffer frame = codec.deflater().encode(FrameWriter.OP_TEXT,
                        ByteBuffer.wrap(TEXT.getBytes(StandardCharsets.UTF_8)), true, 0x1234abcd);
                codec.release();
                byte[] bytes = new byte[frame.remaining()];
                frame.get(bytes);
                clients[i].send(bytes);
                WireFrame second = readWireFrame(clients[i]);
                // with server takeover it refers to the first echo's window: not decoded here
                assertThat(second.rsv1()).isTrue();
                assertThat(second.opcode()).isEqualTo(FrameWriter.OP_TEXT);
            }
            assertThat(pool().inflatersCreated()).as("the server inflated").isPositive();
            assertThat(stats.getCompressionMemoryBytes()).isPositive();
            for (RawClient c : clients) {
                closeNormally(c);
                protocol.awaitClosed();
            }
        } finally {
            for (RawClient c : clients) {
                if (c != null) {
                    c.close();
                }
            }
        }
        ZlibPool pool = pool();
        awaitValue(stats::getCompressionMemoryBytes,
                pool.idleDeflaters() * DEFLATER_BYTES + pool.idleInflaters() * INFLATER_BYTES,
                "only idle pooled streams are charged");
        assertThat(pool.idleDeflaters()).as("every deflater came back to the pool").isEqualTo(pool.deflatersCreated());
        context.close();
        assertThat(stats.getCompressionMemoryBytes()).as("the closed pool ended them").isZero();
    }
}
