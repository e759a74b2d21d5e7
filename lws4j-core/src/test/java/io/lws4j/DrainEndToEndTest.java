package io.lws4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lws4j.threadpool.CreateArgs;
import io.lws4j.threadpool.TaskArgs;
import io.lws4j.threadpool.TaskReturn;
import io.lws4j.threadpool.TaskStatus;
import io.lws4j.threadpool.ThreadPool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Context#drain}, end to end with JDK clients and a raw socket: upgrades during a
 * drain get 503 with Retry-After; each open connection gets {@link Protocol#onDrain} and its
 * final message reaches the client before the 1001 close; thread pool tasks see STOPPING;
 * a client that never answers the close is dropped; a second drain closes at once; a drain
 * whose clients all leave ends before its deadline.
 */
class DrainEndToEndTest {
    private static final long LIVENESS_SECONDS = 20;

    private final List<String> events = new CopyOnWriteArrayList<>();
    private Context server;

    /** Sends "bye" from onDrain; closes the connection itself when told so by the client. */
    private final class FarewellProtocol implements Protocol {
        @Override
        public void onDrain(Connection connection) {
            events.add("onDrain");
            connection.writeText("bye");
        }

        @Override
        public void onText(Connection connection, String text) {
            connection.writeText("echo:" + text);
        }

        @Override
        public void onClosed(Connection connection, int closeCode, String reason) {
            events.add("closed " + closeCode);
        }
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Protocol protocol) {
        server = Context.builder().bindAddress("127.0.0.1").port(0)
                .protocol("drain", protocol).build();
    }

    private URI uri() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/");
    }

    /** Records every message and the close; answers a close like the JDK does by default. */
    private static final class Recorder implements WebSocket.Listener {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        final boolean leaveOnBye;

        Recorder(boolean leaveOnBye) {
            this.leaveOnBye = leaveOnBye;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            messages.add(data.toString());
            if (leaveOnBye && "bye".contentEquals(data)) {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "leaving");
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            messages.add("close " + statusCode);
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }

    private WebSocket connect(Recorder recorder) throws Exception {
        return HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("drain")
                .buildAsync(uri(), recorder).get(LIVENESS_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void upgradesDuringADrainGet503WithRetryAfterAndASecondDrainClosesAtOnce() throws Exception {
        start(new FarewellProtocol());
        Recorder open = new Recorder(false);
        WebSocket ws = connect(open);
        ws.sendText("before", true);
        assertThat(open.messages.poll(LIVENESS_SECONDS, TimeUnit.SECONDS)).isEqualTo("echo:before");

        CompletionStage<Void> drained = server.drain(Duration.ofMinutes(10));
        assertThat(server.isDraining()).isTrue();
        assertThat(open.messages.poll(LIVENESS_SECONDS, TimeUnit.SECONDS)).isEqualTo("bye");

        Throwable refused = catchThrowable(() -> connect(new Recorder(false)));
        assertThat(refused).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(WebSocketHandshakeException.class);
        var response = ((WebSocketHandshakeException) refused.getCause()).getResponse();
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");

        // the connection open before the drain still works until the deadline
        ws.sendText("during", true);
        assertThat(open.messages.poll(LIVENESS_SECONDS, TimeUnit.SECONDS)).isEqualTo("echo:during");
        assertThat(drained.toCompletableFuture()).isNotDone();

        CompletionStage<Void> second = server.drain(Duration.ofMinutes(10));
        assertThat(open.closeCode.get(LIVENESS_SECONDS, TimeUnit.SECONDS))
                .isEqualTo(CloseCodes.GOING_AWAY);
        second.toCompletableFuture().get(LIVENESS_SECONDS, TimeUnit.SECONDS);
        drained.toCompletableFuture().get(LIVENESS_SECONDS, TimeUnit.SECONDS);
        assertThat(server.isClosed()).isTrue();
        assertThat(events).containsExactly("onDrain", "closed " + CloseCodes.GOING_AWAY);
    }

    @Test
    void theFinalMessageArrivesBeforeThe1001CloseAtTheDeadline() throws Exception {
        start(new FarewellProtocol());
        Recorder first = new Recorder(false);
        Recorder second = new Recorder(false);
        connect(first);
        connect(second);

        server.drain(Duration.ofMillis(300)).toCompletableFuture()
                .get(LIVENESS_SECONDS, TimeUnit.SECONDS);

        for (Recorder r : List.of(first, second)) {
            assertThat(r.closeCode.get(LIVENESS_SECONDS, TimeUnit.SECONDS))
                    .isEqualTo(CloseCodes.GOING_AWAY);
            assertThat(List.copyOf(r.messages)).containsExactly("bye", "close 1001");
        }
    }

    @Test
    void aDrainWhoseClientsLeaveEndsBeforeItsDeadline() throws Exception {
        start(new FarewellProtocol());
        Recorder leaving = new Recorder(true);
        connect(leaving);

        server.drain(Duration.ofMinutes(10)).toCompletableFuture()
                .get(LIVENESS_SECONDS, TimeUnit.SECONDS);

        assertThat(leaving.closeCode.get(LIVENESS_SECONDS, TimeUnit.SECONDS))
                .isEqualTo(WebSocket.NORMAL_CLOSURE);
        assertThat(events).containsExactly("onDrain", "closed " + WebSocket.NORMAL_CLOSURE);
    }

    @Test
    void threadPoolTasksSeeStoppingWhileTheirConnectionIsStillOpen() throws Exception {
        BlockingQueue<String> taskEvents = STEP_EVENTS;
        taskEvents.clear();
        Protocol streaming = new Protocol() {
            volatile ThreadPool pool;

            @Override
            public void onInit(Context context) {
                pool = ThreadPool.create(context, new CreateArgs(2, 4), "drain-test");
            }

            @Override
            public void onEstablished(Connection c) {
                pool.enqueue(TaskArgs.builder(c, c, DrainEndToEndTest::step)
                        .cleanup((conn, user) -> taskEvents.add("cleanup")).build(), "t");
            }
        };
        start(streaming);
        Recorder client = new Recorder(false);
        connect(client);

        server.drain(Duration.ofMinutes(10));
        assertThat(taskEvents.poll(LIVENESS_SECONDS, TimeUnit.SECONDS))
                .isEqualTo("STOPPING");
        assertThat(client.closeCode).isNotDone();

        server.drain(Duration.ZERO).toCompletableFuture().get(LIVENESS_SECONDS, TimeUnit.SECONDS);
        assertThat(client.closeCode.get(LIVENESS_SECONDS, TimeUnit.SECONDS))
                .isEqualTo(CloseCodes.GOING_AWAY);
        assertThat(taskEvents.poll(LIVENESS_SECONDS, TimeUnit.SECONDS)).isEqualTo("cleanup");
        assertThat(taskEvents).isEmpty();
    }

    private static final BlockingQueue<String> STEP_EVENTS = new LinkedBlockingQueue<>();

    private static TaskReturn step(Connection c, TaskStatus status) throws InterruptedException {
        if (status == TaskStatus.STOPPING) {
            STEP_EVENTS.add("STOPPING");
            return TaskReturn.STOPPED;
        }
        Thread.sleep(5);
        return TaskReturn.CHECKING_IN;
    }

    @Test
    void aClientThatNeverAnswersTheCloseIsDroppedAfterTheDeadline() throws Exception {
        start(new FarewellProtocol());
        try (Socket raw = new Socket("127.0.0.1", server.port())) {
            raw.setSoTimeout((int) TimeUnit.SECONDS.toMillis(LIVENESS_SECONDS));
            OutputStream out = raw.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: drain\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = raw.getInputStream();
            assertThat(readHead(in)).startsWith("HTTP/1.1 101");

            CompletionStage<Void> drained = server.drain(Duration.ofMillis(200));
            // read everything the server sends, never answering its close: "bye", then the
            // close frame, then the end of the stream once the server gives up on us
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] chunk = new byte[256];
            try {
                for (int n; (n = in.read(chunk)) >= 0; ) {
                    received.write(chunk, 0, n);
                }
            } catch (IOException reset) {
                // a reset is a drop too
            }
            byte[] frames = received.toByteArray();
            // text frame "bye": 0x81 0x03 'b' 'y' 'e'; then close: 0x88 len 0x03 0xE9 (1001)
            assertThat(frames.length).isGreaterThanOrEqualTo(9);
            assertThat(new String(frames, 2, 3, StandardCharsets.US_ASCII)).isEqualTo("bye");
            assertThat(frames[5] & 0xFF).isEqualTo(0x88);
            assertThat(((frames[7] & 0xFF) << 8) | (frames[8] & 0xFF))
                    .isEqualTo(CloseCodes.GOING_AWAY);
            drained.toCompletableFuture().get(LIVENESS_SECONDS, TimeUnit.SECONDS);
        }
        assertThat(events).containsExactly("onDrain", "closed " + CloseCodes.GOING_AWAY);
    }

    @Test
    void idleKeepAliveConnectionsCloseAtOnceAndResponsesDuringADrainEndTheirConnection()
            throws Exception {
        server = Context.builder().bindAddress("127.0.0.1").port(0)
                // longer than the socket timeouts: only the drain can close these connections
                .handshakeTimeout(Duration.ofMinutes(5))
                .protocol("drain", new FarewellProtocol())
                .http("/health", (request, exchange) -> exchange.respond(200, "text/plain", "ok"))
                .build();
        try (Socket idle = new Socket("127.0.0.1", server.port());
                Socket busy = new Socket("127.0.0.1", server.port())) {
            idle.setSoTimeout((int) TimeUnit.SECONDS.toMillis(LIVENESS_SECONDS));
            busy.setSoTimeout((int) TimeUnit.SECONDS.toMillis(LIVENESS_SECONDS));
            byte[] get = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            idle.getOutputStream().write(get);
            assertThat(readHead(idle.getInputStream())).startsWith("HTTP/1.1 200");
            assertThat(idle.getInputStream().readNBytes(2)).isEqualTo("ok".getBytes(StandardCharsets.US_ASCII));
            // half a request on the other: it is not cut by the drain
            busy.getOutputStream().write("GET /health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            busy.getOutputStream().flush();
            Thread.sleep(100); // let the server read the first half

            CompletionStage<Void> drained = server.drain(Duration.ofMinutes(10));
            assertThat(idle.getInputStream().read()).as("the idle keep-alive connection closes")
                    .isEqualTo(-1);
            busy.getOutputStream().write("Host: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = busy.getInputStream();
            assertThat(readHead(in)).startsWith("HTTP/1.1 200");
            assertThat(in.readNBytes(2)).isEqualTo("ok".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.read()).as("no keep-alive while draining").isEqualTo(-1);
            drained.toCompletableFuture().get(LIVENESS_SECONDS, TimeUnit.SECONDS);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
