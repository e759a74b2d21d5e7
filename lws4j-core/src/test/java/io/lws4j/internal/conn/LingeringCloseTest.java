package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.CloseCodes;
import io.lws4j.Context;
import io.lws4j.internal.frame.FrameWriter;
import io.lws4j.internal.loop.ContextConfig;
import io.lws4j.internal.loop.ContextImpl;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The lingering close: our last bytes (a close frame, an error response) must reach a peer
 * that is still sending when we close. A socket closed with unread input sends a RST, which
 * lets the peer's stack drop those bytes; the server must half-close and drain instead.
 * The races are run many rounds each.
 */
class LingeringCloseTest {
    private static final int ROUNDS = 50;
    /** Well under the linger discard budget, well over the socket buffers of one read. */
    private static final int BURST_BYTES = 256 * 1024;
    /** A linger no test waits out: a context close that waited for it would fail. */
    private static final Duration LONG_LINGER = Duration.ofSeconds(60);
    /** A generous liveness bound on a context close that does not wait out the linger. */
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(20);

    private final RecordingProtocol protocol = new RecordingProtocol();
    private Context context;

    private void start() {
        context = Context.builder().bindAddress("127.0.0.1").port(0).protocol("echo", protocol)
                .build();
    }

    @AfterEach
    void closeContext() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void protocolErrorCloseReachesAPeerThatIsStillSending() throws Exception {
        start();
        for (int round = 0; round < ROUNDS; round++) {
            try (RawClient client = new RawClient(context.port())) {
                assertThat(client.handshake()).startsWith("HTTP/1.1 101");
                client.sendText("before the fault");
                client.send(unmaskedFrameThenBurst());
                assertThat(client.readFrame().text()).as("round " + round)
                        .isEqualTo("before the fault");
                RawClient.Frame close = client.readFrame();
                assertThat(close.opcode()).as("round " + round).isEqualTo(FrameWriter.OP_CLOSE);
                assertThat(close.closeCode()).as("round " + round)
                        .isEqualTo(CloseCodes.PROTOCOL_ERROR);
                assertThat(client.input().read()).as("a FIN after the close, round " + round)
                        .isEqualTo(-1);
            }
            assertThat(protocol.awaitClosed().code()).isEqualTo(CloseCodes.PROTOCOL_ERROR);
        }
        awaitZero(this::connectionCount, "connections after the peers closed");
        assertThat(protocol.closed).isEmpty();
    }

    @Test
    void httpErrorResponseReachesAClientStillSendingItsBody() throws Exception {
        start();
        for (int round = 0; round < ROUNDS; round++) {
            try (RawClient client = new RawClient(context.port())) {
                String head = "POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
                        + BURST_BYTES + "\r\n\r\n";
                client.send(head.getBytes(StandardCharsets.US_ASCII));
                client.send(new byte[BURST_BYTES]);
                assertThat(client.readHead()).as("round " + round).startsWith("HTTP/1.1 413");
                drainToEndOfStream(client);
            }
        }
        awaitZero(this::connectionCount, "connections after the clients closed");
    }

    @Test
    void malformedRequestResponseReachesAClientStillSending() throws Exception {
        start();
        for (int round = 0; round < ROUNDS; round++) {
            try (RawClient client = new RawClient(context.port())) {
                client.send("GET / HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                client.send(new byte[BURST_BYTES]);
                assertThat(client.readHead()).as("round " + round).startsWith("HTTP/1.1 400");
                drainToEndOfStream(client);
            }
        }
        awaitZero(this::connectionCount, "connections after the clients closed");
    }

    @Test
    void onClosedRunsWhenLingeringStartsNotWhenThePeerCloses() throws Exception {
        start();
        try (RawClient client = new RawClient(context.port())) {
            client.handshake();
            client.send(unmaskedFrame());
            assertThat(client.readFrame().closeCode()).isEqualTo(CloseCodes.PROTOCOL_ERROR);
            // the peer keeps its socket open: ours lingers, but the application is told now
            RecordingProtocol.Closed closed = protocol.awaitClosed();
            assertThat(closed.code()).isEqualTo(CloseCodes.PROTOCOL_ERROR);
            assertThat(closed.connection().isOpen()).isFalse();
            assertThat(connectionCount()).as("the socket still lingers").isEqualTo(1);
            // counted as lingering right after onClosed returns, on the service thread
            awaitCount(this::lingeringCount, 1, "lingering sockets while the peer stays");
        }
        awaitZero(this::connectionCount, "connections after the peer closed");
        awaitZero(this::lingeringCount, "lingering sockets after the peer closed");
        assertThat(protocol.closed).as("onClosed exactly once").isEmpty();
    }

    @Test
    void aPeerThatNeverClosesIsDroppedAfterTheLingerTimeout() throws Exception {
        start();
        try (RawClient client = new RawClient(context.port(), 10_000)) {
            client.handshake();
            client.send(unmaskedFrame());
            assertThat(client.readFrame().closeCode()).isEqualTo(CloseCodes.PROTOCOL_ERROR);
            assertThat(client.input().read()).as("our FIN").isEqualTo(-1);
            awaitZero(this::connectionCount, "connections while the peer holds its socket");
        }
        assertThat(protocol.awaitClosed().code()).isEqualTo(CloseCodes.PROTOCOL_ERROR);
    }

    @Test
    void aPeerThatKeepsSendingIsDroppedOnceTheDiscardBudgetIsSpent() throws Exception {
        start();
        try (RawClient client = new RawClient(context.port())) {
            client.handshake();
            client.send(unmaskedFrame());
            assertThat(client.readFrame().closeCode()).isEqualTo(CloseCodes.PROTOCOL_ERROR);
            byte[] chunk = new byte[64 * 1024];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            long sent = 0;
            try {
                // bounded: the budget is 1 MiB, so the server resets us long before 64 MiB
                while (sent < 64L * 1024 * 1024 && System.nanoTime() - deadline < 0
                        && connectionCount() > 0) {
                    client.send(chunk);
                    sent += chunk.length;
                }
            } catch (IOException expected) {
                // the server closed with our input unread: a reset is right here
            }
            assertThat(sent).isLessThan(64L * 1024 * 1024);
            awaitZero(this::connectionCount, "connections once the budget is spent");
        }
        assertThat(protocol.awaitClosed().code()).isEqualTo(CloseCodes.PROTOCOL_ERROR);
    }

    /**
     * The context runs with a linger timeout of {@link #LONG_LINGER} and its close must
     * return within {@link #CLOSE_BOUND}, a third of it: a close that waited out the linger
     * fails, however loaded the machine, and one that does not passes with a wide margin.
     */
    @Test
    void contextCloseDoesNotWaitOutALingeringPeer() throws Exception {
        startWithLingerTimeout(LONG_LINGER);
        RawClient client = new RawClient(context.port());
        try {
            client.handshake();
            client.send(unmaskedFrame());
            assertThat(client.readFrame().closeCode()).isEqualTo(CloseCodes.PROTOCOL_ERROR);
            protocol.awaitClosed();
            awaitCount(this::lingeringCount, 1, "lingering sockets while the peer stays");
            long start = System.nanoTime();
            context.close();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).as("context close with a peer lingering for " + LONG_LINGER)
                    .isLessThan(CLOSE_BOUND);
            assertThat(client.isClosedByServer()).isTrue();
        } finally {
            client.close();
        }
        assertThat(protocol.closed).as("onClosed exactly once").isEmpty();
    }

    /**
     * Starts {@link #context} with another linger timeout, through the internal settings
     * hook: the settings of a context built as {@link #start()} builds one (closed again at
     * once) with {@code lingerTimeout}.
     */
    private void startWithLingerTimeout(Duration lingerTimeout) {
        start();
        ContextConfig config = ((ContextImpl) context).config();
        context.close();
        context = null;
        protocol.events.clear();
        context = ContextImpl.start(config.withLingerTimeout(lingerTimeout));
    }

    private static byte[] unmaskedFrame() {
        ByteBuffer frame = FrameWriter.encode(FrameWriter.OP_TEXT, ByteBuffer.wrap(new byte[] {'x'}));
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        return bytes;
    }

    /** A protocol violation (an unmasked frame), then more input the server never parses. */
    private static byte[] unmaskedFrameThenBurst() {
        byte[] bad = unmaskedFrame();
        byte[] all = new byte[bad.length + BURST_BYTES];
        System.arraycopy(bad, 0, all, 0, bad.length);
        return all;
    }

    /** Reads the rest of the response; the server must end it with a FIN, not a reset. */
    private static void drainToEndOfStream(RawClient client) throws IOException {
        byte[] sink = new byte[4096];
        while (client.input().read(sink) >= 0) {
            // the small generated body
        }
    }

    private int connectionCount() {
        return ((ContextImpl) context).loops().get(0).connectionCount();
    }

    private int lingeringCount() {
        return ((ContextImpl) context).loops().get(0).lingeringCount();
    }

    private static void awaitZero(IntSupplier count, String what) throws InterruptedException {
        awaitCount(count, 0, what);
    }

    private static void awaitCount(IntSupplier count, int expected, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (count.getAsInt() != expected) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + ": " + count.getAsInt() + " after 5 s, expected "
                        + expected);
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }
}
