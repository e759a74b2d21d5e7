package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.BroadcastResult;
import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.ConnectionClosedException;
import io.lws4j.Context;
import io.lws4j.MessageStream;
import io.lws4j.MessageTooBigException;
import io.lws4j.OutboundMessage;
import io.lws4j.SendOverflow;
import io.lws4j.SendQueueFullException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sends from any thread ({@code sendText}, {@code sendBinary}, {@code send},
 * {@code sendStream}), their stages, the outbound bound and its overflow policies,
 * {@code queuedBytes}, the onWritable a refused write asks for, broadcasts, iteration of a
 * protocol's connections and {@code callbackOnWritableAll}, with the JDK client (reading)
 * and raw sockets that stop reading.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CrossThreadSendTest {
    private final RecordingProtocol protocol = new RecordingProtocol();
    private Context context;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        if (context != null) {
            context.close();
        }
    }

    private void start(Context.Builder builder) {
        context = builder.bindAddress("127.0.0.1").port(0).protocol("p", protocol).build();
    }

    private JdkClient jdkClient() throws Exception {
        return JdkClient.connect(context.port(), "p");
    }

    /** A raw client that completes the handshake and then never reads. */
    private RawClient stalledClient() throws Exception {
        java.net.Socket socket = new java.net.Socket();
        socket.setReceiveBufferSize(4096); // before connecting: a small window
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", context.port()), 5_000);
        RawClient raw = new RawClient(socket, 30_000);
        clients.add(raw);
        assertThat(raw.handshake()).startsWith("HTTP/1.1 101");
        return raw;
    }

    private static Throwable failureOf(java.util.concurrent.CompletionStage<Void> stage) {
        try {
            stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void sendsFromAnotherThreadArriveAndTheirStagesComplete() throws Exception {
        start(Context.builder());
        JdkClient client = jdkClient();
        Connection c = protocol.awaitEstablished();
        assertThat(c.inServiceThread()).isFalse();

        CompletableFuture<Void> text = c.sendText("héllo from main").toCompletableFuture();
        byte[] bytes = new byte[70_000];
        new java.util.Random(3).nextBytes(bytes);
        ByteBuffer data = ByteBuffer.wrap(bytes);
        CompletableFuture<Void> binary = c.sendBinary(data).toCompletableFuture();
        assertThat(data.position()).isZero();
        CompletableFuture<Void> framed = c.send(OutboundMessage.text("framed once")).toCompletableFuture();

        assertThat(client.nextMessage()).isEqualTo("héllo from main");
        assertThat((byte[]) client.nextMessage()).isEqualTo(bytes);
        assertThat(client.nextMessage()).isEqualTo("framed once");
        CompletableFuture.allOf(text, binary, framed).get(10, TimeUnit.SECONDS);
        assertThat(c.queuedBytes()).isZero();
    }

    @Test
    void stagesCompleteOnTheServiceThreadWhereWritesAreAllowed() throws Exception {
        start(Context.builder());
        JdkClient client = jdkClient();
        Connection c = protocol.awaitEstablished();
        CompletableFuture<Boolean> wroteInCompletion = new CompletableFuture<>();
        // sent on the service thread, so the stage cannot complete before thenRun is attached
        c.execute(() -> c.sendText("first").thenRun(() -> wroteInCompletion.complete(
                c.inServiceThread() && c.writeText("written in the completion"))));
        assertThat(wroteInCompletion.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(client.nextMessage()).isEqualTo("first");
        assertThat(client.nextMessage()).isEqualTo("written in the completion");
    }

    @Test
    void sixteenThreadsKeepTheirOwnOrderWithNothingLostOrDuplicated() throws Exception {
        start(Context.builder().maxOutboundBytes(64 * 1024 * 1024));
        JdkClient client = jdkClient();
        Connection c = protocol.awaitEstablished();
        int threads = 16;
        int perThread = 500;
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Void>> stages = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread s = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    stages.add(c.sendText(thread + ":" + i).toCompletableFuture());
                }
            });
            s.start();
            senders.add(s);
        }
        go.countDown();
        for (Thread s : senders) {
            s.join();
        }
        Map<Integer, Integer> next = new HashMap<>();
        for (int n = 0; n < threads * perThread; n++) {
            String m = (String) client.nextMessage();
            int colon = m.indexOf(':');
            int thread = Integer.parseInt(m.substring(0, colon));
            int seq = Integer.parseInt(m.substring(colon + 1));
            assertThat(seq).as("thread %d's next message", thread)
                    .isEqualTo(next.getOrDefault(thread, 0));
            next.put(thread, seq + 1);
        }
        for (int t = 0; t < threads; t++) {
            assertThat(next.get(t)).isEqualTo(perThread);
        }
        CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(client.messages.poll(200, TimeUnit.MILLISECONDS)).as("no duplicate").isNull();
    }

    @Test
    void aSendAfterCloseFailsWithClosedAndNothingThrowsOnTheLoop() throws Exception {
        start(Context.builder());
        JdkClient client = jdkClient();
        Connection c = protocol.awaitEstablished();
        client.socket.sendClose(1000, "bye").join();
        protocol.awaitClosed();
        assertThat(failureOf(c.sendText("late"))).isInstanceOf(ConnectionClosedException.class);
        assertThat(failureOf(c.sendBinary(ByteBuffer.allocate(3))))
                .isInstanceOf(ConnectionClosedException.class);
        CompletableFuture<Throwable> onLoop = new CompletableFuture<>();
        context.execute(() -> onLoop.complete(failureOfNow(c.sendText("late on the loop"))));
        assertThat(onLoop.get(10, TimeUnit.SECONDS)).isInstanceOf(ConnectionClosedException.class);
        assertThat(failureOf(c.sendStream(true).send(ByteBuffer.allocate(1), true)))
                .isInstanceOf(ConnectionClosedException.class);
    }

    private static Throwable failureOfNow(java.util.concurrent.CompletionStage<Void> stage) {
        try {
            stage.toCompletableFuture().getNow(null);
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    @Test
    void aMessageOverMaxMessageSizeFailsAsTooBig() throws Exception {
        start(Context.builder().maxMessageSize(1000));
        jdkClient();
        Connection c = protocol.awaitEstablished();
        assertThat(failureOf(c.sendBinary(ByteBuffer.allocate(1001))))
                .isInstanceOf(MessageTooBigException.class);
        assertThat(failureOf(c.sendBinary(ByteBuffer.allocate(1000)))).isNull();
    }

    @Test
    void aStalledReaderMakesSendsFailOnceTheBoundIsReachedAndQueuedBytesShowsIt() throws Exception {
        start(Context.builder().maxOutboundBytes(64 * 1024));
        stalledClient();
        Connection c = protocol.awaitEstablished();
        ByteBuffer chunk = ByteBuffer.allocate(8 * 1024);
        Throwable refused = null;
        List<CompletableFuture<Void>> accepted = new ArrayList<>();
        // refusals come first while the loop catches up with us; the socket is full once the
        // queue stays over half the bound after a pause
        for (int i = 0; i < 100_000; i++) {
            CompletableFuture<Void> f = c.sendBinary(chunk).toCompletableFuture();
            if (f.isCompletedExceptionally()) {
                refused = failureOfNow(f);
                Thread.sleep(20);
                if (c.queuedBytes() > 32 * 1024) {
                    break;
                }
            } else {
                accepted.add(f);
            }
        }
        assertThat(refused).isInstanceOf(SendQueueFullException.class);
        assertThat(c.queuedBytes()).isGreaterThan(0).isLessThanOrEqualTo(64 * 1024 + 8 * 1024 + 16);
        assertThat(c.isOpen()).as("FAIL keeps the connection").isTrue();
        // closing fails the stages of frames never written; none is left hanging
        c.execute(() -> c.close(1000, "done"));
        int closedFailures = 0;
        for (CompletableFuture<Void> f : accepted) {
            Throwable t = failureOf(f);
            if (t != null) {
                assertThat(t).isInstanceOf(ConnectionClosedException.class);
                closedFailures++;
            }
        }
        assertThat(closedFailures).as("stages of frames the stalled peer never took").isPositive();
    }

    @Test
    void closePolicyClosesTheSlowConsumerWith1013() throws Exception {
        start(Context.builder().maxOutboundBytes(64 * 1024)
                .sendOverflow(SendOverflow.CLOSE_TRY_AGAIN_LATER));
        stalledClient();
        Connection c = protocol.awaitEstablished();
        ByteBuffer chunk = ByteBuffer.allocate(8 * 1024);
        Throwable refused = null;
        for (int i = 0; i < 100_000 && refused == null; i++) {
            refused = failureOfNow(c.sendBinary(chunk));
        }
        assertThat(refused).isInstanceOf(SendQueueFullException.class);
        RecordingProtocol.Closed closed = protocol.awaitClosed();
        assertThat(closed.code()).isEqualTo(CloseCodes.TRY_AGAIN_LATER);
        assertThat(failureOf(c.sendText("after"))).isInstanceOf(ConnectionClosedException.class);
    }

    /**
     * Regression: a refused service-thread write did not ask for onWritable (api.md says
     * it comes again when the buffer drains); a protocol that stopped on false stalled.
     */
    @Test
    void aRefusedWriteAsksForOnWritableByItself() throws Exception {
        start(Context.builder().maxOutboundBytes(4096));
        RawClient raw = stalledClient();
        Connection c = protocol.awaitEstablished();
        CompletableFuture<Integer> refusedAfter = new CompletableFuture<>();
        c.execute(() -> {
            int n = 0;
            while (c.writeBinary(ByteBuffer.allocate(1024))) {
                n++;
            }
            refusedAfter.complete(n);
        });
        int written = refusedAfter.get(10, TimeUnit.SECONDS);
        assertThat(written).isGreaterThan(0);
        // the peer reads (the socket may also take the queue at once): the queue drains and
        // onWritable comes, never asked for
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        java.io.InputStream in = raw.input();
        byte[] sink = new byte[65536];
        raw.setReadTimeout(200);
        while (protocol.onWritableCalls.get() == 0 && System.nanoTime() < deadline) {
            try {
                in.read(sink);
            } catch (java.net.SocketTimeoutException e) {
                // nothing more right now
            }
        }
        assertThat(protocol.onWritableCalls.get()).isEqualTo(1);
        CountDownLatch cycle = new CountDownLatch(1);
        c.execute(cycle::countDown);
        assertThat(cycle.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(protocol.onWritableCalls.get()).as("one refusal, one onWritable").isEqualTo(1);
    }

    @Test
    void broadcastReachesEveryConnectionOfTheProtocolAcrossLoops() throws Exception {
        start(Context.builder().serviceThreads(2));
        List<JdkClient> jdk = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            jdk.add(jdkClient());
            protocol.awaitEstablished();
        }
        assertThat(context.connections("p")).hasSize(6);
        assertThat(context.connections("other")).isEmpty();
        BroadcastResult r = context.broadcast("p", OutboundMessage.text("to all"), SendOverflow.FAIL)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(r).isEqualTo(new BroadcastResult(6, 0, 0));
        for (JdkClient j : jdk) {
            assertThat(j.nextMessage()).isEqualTo("to all");
        }
        AtomicInteger calls = protocol.onWritableCalls;
        context.callbackOnWritableAll("p");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (calls.get() < 6 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(calls.get()).isEqualTo(6);
        jdk.get(0).socket.sendClose(1000, "").join();
        protocol.awaitClosed();
        assertThat(context.connections("p")).hasSize(5);
    }

    @Test
    void broadcastSkipsOrClosesSlowConsumersAndTheOthersGetEveryMessage() throws Exception {
        // a bound of many messages: the count a sender sees may lag the socket by a cycle,
        // which must not make a reading client look slow
        start(Context.builder().maxOutboundBytes(1024 * 1024));
        JdkClient fast = jdkClient();
        Connection fastConnection = protocol.awaitEstablished();
        stalledClient();
        Connection slowConnection = protocol.awaitEstablished();
        OutboundMessage m = OutboundMessage.binary(ByteBuffer.allocate(64 * 1024));
        int refused = 0;
        for (int i = 0; i < 4000 && refused == 0; i++) {
            BroadcastResult r = context.broadcast("p", m, SendOverflow.FAIL)
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            refused = r.refused();
            assertThat(r.recipients()).isEqualTo(2);
            assertThat(r.queued()).isEqualTo(2 - refused);
            assertThat(fast.nextMessage()).isInstanceOf(byte[].class);
        }
        assertThat(refused).isEqualTo(1);
        assertThat(slowConnection.queuedBytes()).isGreaterThan(512 * 1024);
        assertThat(slowConnection.isOpen()).as("skipped, not closed").isTrue();
        BroadcastResult closing = context.broadcast("p", m, SendOverflow.CLOSE_POLICY_VIOLATION)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(closing).isEqualTo(new BroadcastResult(1, 1, 0));
        RecordingProtocol.Closed closed = protocol.awaitClosed();
        assertThat(closed.connection()).isSameAs(slowConnection);
        assertThat(closed.code()).isEqualTo(CloseCodes.POLICY_VIOLATION);
        assertThat(fast.nextMessage()).isInstanceOf(byte[].class);
        assertThat(fastConnection.isOpen()).isTrue();
    }

    @Test
    void aClientConnectionMasksItsOwnCopyOfSendsFromAnyThread() throws Exception {
        start(Context.builder());
        java.util.concurrent.BlockingQueue<String> echoed = new java.util.concurrent.LinkedBlockingQueue<>();
        try (Context clients = Context.builder().noListener().build()) {
            Connection client = io.lws4j.client.WebSocketClient.connect(clients,
                    io.lws4j.client.ClientOptions.builder(
                            java.net.URI.create("ws://127.0.0.1:" + context.port() + "/"),
                            new io.lws4j.Protocol() {
                                @Override
                                public void onText(Connection connection, String text) {
                                    echoed.add(text);
                                }
                            }).subprotocols("p").build()).get(10, TimeUnit.SECONDS);
            OutboundMessage shared = OutboundMessage.text("shared frame");
            CompletableFuture<Void> a = client.send(shared).toCompletableFuture();
            CompletableFuture<Void> b = client.sendText("from main").toCompletableFuture();
            MessageStream stream = client.sendStream(true);
            stream.send(ByteBuffer.wrap("stre".getBytes(StandardCharsets.UTF_8)), false);
            CompletableFuture<Void> c = stream.send(
                    ByteBuffer.wrap("amed".getBytes(StandardCharsets.UTF_8)), true).toCompletableFuture();
            CompletableFuture.allOf(a, b, c).get(10, TimeUnit.SECONDS);
            // the server rejects unmasked client frames: an echo proves each was masked
            assertThat(echoed.poll(10, TimeUnit.SECONDS)).isEqualTo("shared frame");
            assertThat(echoed.poll(10, TimeUnit.SECONDS)).isEqualTo("from main");
            assertThat(echoed.poll(10, TimeUnit.SECONDS)).isEqualTo("streamed");
            assertThat(clients.connections("p")).containsExactly(client);
        }
    }

    @Test
    void aStreamedMessageArrivesInFragmentsAndOtherSendsWaitForItsEnd() throws Exception {
        start(Context.builder());
        JdkClient client = jdkClient();
        Connection c = protocol.awaitEstablished();
        MessageStream stream = c.sendStream(true);
        stream.send(ByteBuffer.wrap("one ".getBytes(StandardCharsets.UTF_8)), false)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        CompletableFuture<Void> other = c.sendText("other").toCompletableFuture();
        CompletableFuture<Boolean> written = new CompletableFuture<>();
        c.execute(() -> written.complete(c.writeText("refused while streaming")));
        assertThat(written.get(10, TimeUnit.SECONDS)).isFalse();
        stream.send(ByteBuffer.wrap("two ".getBytes(StandardCharsets.UTF_8)), false);
        // "é" split between two fragments
        byte[] e = "é".getBytes(StandardCharsets.UTF_8);
        stream.send(ByteBuffer.wrap(new byte[] {e[0]}), false);
        CompletableFuture<Void> end = stream.send(ByteBuffer.wrap(new byte[] {e[1]}), true)
                .toCompletableFuture();
        assertThat(stream.isFinished()).isTrue();
        assertThat(client.nextMessage()).isEqualTo("one two é");
        assertThat(client.nextMessage()).isEqualTo("other");
        CompletableFuture.allOf(other, end).get(10, TimeUnit.SECONDS);
        assertThat(protocol.onWritableCalls.get()).as("the refused write's onWritable").isEqualTo(1);
    }
}
