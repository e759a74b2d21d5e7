package io.lws4j.tests.send;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.BroadcastResult;
import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.OutboundMessage;
import io.lws4j.Protocol;
import io.lws4j.SendOverflow;
import io.lws4j.tests.support.NodeScripts;
import io.lws4j.tests.support.ProcessRun;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sends from non-service threads and broadcasts against Node {@code ws} clients
 * (node/send-check.mjs checks every sender's numbers arrive once and in order), with
 * clients that stop reading: Node sockets that pause, and raw sockets with a small receive
 * window that never read.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class NodeCrossThreadSendTest {
    private static final String PROTOCOL = "lws-send";

    /** Records connections and closes; sends nothing by itself. */
    private static final class Recording implements Protocol {
        final BlockingQueue<Connection> established = new LinkedBlockingQueue<>();
        final BlockingQueue<Integer> closeCodes = new LinkedBlockingQueue<>();

        @Override
        public void onEstablished(Connection connection) {
            established.add(connection);
        }

        @Override
        public void onClosed(Connection connection, int closeCode, String reason) {
            closeCodes.add(closeCode);
        }
    }

    private static CompletableFuture<ProcessRun.Result> node(Context server, String... args) {
        List<String> all = new ArrayList<>(List.of("--url", "ws://127.0.0.1:" + server.port() + "/",
                "--protocol", PROTOCOL, "--timeout", "240000"));
        all.addAll(List.of(args));
        return CompletableFuture.supplyAsync(() -> NodeScripts.run("send-check.mjs",
                Duration.ofSeconds(260), all.toArray(String[]::new)));
    }

    private static String padded(int sender, int seq, int length) {
        StringBuilder sb = new StringBuilder(length).append(sender).append(':').append(seq).append(' ');
        while (sb.length() < length) {
            sb.append('x');
        }
        return sb.toString();
    }

    private static void awaitDrained(List<Connection> readers) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (Connection c : readers) {
            while (c.isOpen() && c.queuedBytes() > 0) {
                assertThat(System.nanoTime()).as("reader %s drains", c).isLessThan(deadline);
                Thread.sleep(1);
            }
        }
    }

    @Test
    void sixteenThreadsSendingToOneConnectionKeepEachThreadsOrder() throws Exception {
        Recording protocol = new Recording();
        try (Context server = Context.builder().bindAddress("127.0.0.1").port(0)
                .maxOutboundBytes(64 * 1024 * 1024).protocol(PROTOCOL, protocol).build()) {
            int threads = 16;
            int perThread = 400;
            CompletableFuture<ProcessRun.Result> run = node(server, "--expect",
                    String.valueOf(threads * perThread));
            Connection c = protocol.established.poll(60, TimeUnit.SECONDS);
            assertThat(c).as("node connected").isNotNull();
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Void>> stages = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int sender = t;
                Thread thread = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < perThread; i++) {
                        stages.add(c.sendText(sender + ":" + i).toCompletableFuture());
                    }
                });
                thread.start();
                senders.add(thread);
            }
            go.countDown();
            for (Thread thread : senders) {
                thread.join();
            }
            CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            ProcessRun.Result result = run.get(120, TimeUnit.SECONDS);
            assertThat(result.succeeded()).as(result::describe).isTrue();
            assertThat(result.stdout()).as(result::describe).contains("\"messages\":6400");
        }
    }

    @Test
    void nodeClientsThatStopReadingAreClosedAsSlowConsumersAndTheOthersGetEverything()
            throws Exception {
        Recording protocol = new Recording();
        int readers = 10;
        int stalled = 5;
        // enough to fill what the kernel buffers for a paused node socket (its receive
        // buffer and our send buffer, which grows to MiBs) and then the 16 KiB bound
        int messages = 1500;
        try (Context server = Context.builder().bindAddress("127.0.0.1").port(0)
                .maxOutboundBytes(16 * 1024).sendOverflow(SendOverflow.CLOSE_POLICY_VIOLATION)
                .protocol(PROTOCOL, protocol).build()) {
            CompletableFuture<ProcessRun.Result> run = node(server, "--connections",
                    String.valueOf(readers), "--stalled", String.valueOf(stalled), "--expect",
                    String.valueOf(messages), "--concurrency", "1");
            // node opens the stalled connections first, one at a time
            List<Connection> all = new ArrayList<>();
            for (int i = 0; i < readers + stalled; i++) {
                Connection c = protocol.established.poll(60, TimeUnit.SECONDS);
                assertThat(c).as("connection %d", i).isNotNull();
                all.add(c);
            }
            List<Connection> stalledOnes = all.subList(0, stalled);
            List<Connection> readerOnes = all.subList(stalled, all.size());
            int refused = 0;
            for (int i = 0; i < messages; i++) {
                String text = padded(0, i, 4096);
                for (Connection c : all) {
                    if (c.sendText(text).toCompletableFuture().isCompletedExceptionally()) {
                        refused++;
                    }
                }
                awaitDrained(readerOnes);
            }
            ProcessRun.Result result = run.get(240, TimeUnit.SECONDS);
            assertThat(result.succeeded()).as(result::describe).isTrue();
            assertThat(refused).as("refused sends to the stalled clients").isGreaterThanOrEqualTo(stalled);
            List<Integer> codes = new ArrayList<>();
            for (int i = 0; i < stalled + readers; i++) {
                codes.add(protocol.closeCodes.poll(30, TimeUnit.SECONDS));
            }
            // the slow consumers' close handshakes end by the close timeout (they read
            // nothing), after or before the readers' normal closes
            assertThat(codes.stream().filter(code -> code == CloseCodes.POLICY_VIOLATION).count())
                    .as("close codes %s", codes).isEqualTo(stalled);
            assertThat(codes.stream().filter(code -> code == CloseCodes.NORMAL).count())
                    .as("close codes %s", codes).isEqualTo(readers);
            for (Connection c : stalledOnes) {
                assertThat(c.isOpen()).as("slow consumer closed").isFalse();
            }
        }
    }

    @Test
    void deflateConnectionsCompressTheirOwnCopyOfABroadcastAndOfSendsFromAnyThread()
            throws Exception {
        Recording protocol = new Recording();
        int clients = 8;
        int broadcasts = 50;
        try (Context server = Context.builder().bindAddress("127.0.0.1").port(0)
                .serviceThreads(2).compressionThreshold(0).protocol(PROTOCOL, protocol).build()) {
            CompletableFuture<ProcessRun.Result> run = node(server, "--connections",
                    String.valueOf(clients), "--deflate", "--expect", String.valueOf(2 * broadcasts));
            List<Connection> all = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                Connection c = protocol.established.poll(60, TimeUnit.SECONDS);
                assertThat(c).as("connection %d", i).isNotNull();
                all.add(c);
            }
            Thread other = new Thread(() -> {
                for (int i = 0; i < broadcasts; i++) {
                    for (Connection c : all) {
                        c.sendText(padded(1, i, 2000));
                    }
                }
            });
            other.start();
            for (int i = 0; i < broadcasts; i++) {
                BroadcastResult r = server.broadcast(PROTOCOL, OutboundMessage.text(padded(0, i, 3000)),
                        SendOverflow.FAIL).toCompletableFuture().get(60, TimeUnit.SECONDS);
                assertThat(r).isEqualTo(new BroadcastResult(clients, 0, 0));
            }
            other.join();
            ProcessRun.Result result = run.get(120, TimeUnit.SECONDS);
            assertThat(result.succeeded()).as(result::describe).isTrue();
            assertThat(result.stdout()).as(result::describe)
                    .contains("\"messages\":" + clients * 2 * broadcasts);
        }
    }

    /** A raw client that completes the handshake with a small receive window and never reads. */
    private static Socket stalledRawClient(int port) throws Exception {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(30_000);
        OutputStream out = s.getOutputStream();
        out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: " + PROTOCOL + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        int matched = 0;
        StringBuilder head = new StringBuilder();
        while (matched < 4) {
            int b = in.read();
            assertThat(b).as("response head").isNotNegative();
            head.append((char) b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 101");
        return s;
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void broadcastTo2000ConnectionsOf200StopReadingKeepsTheOthersWholeAndTheHeapBounded()
            throws Exception {
        Recording protocol = new Recording();
        int readers = 1800;
        int stalled = 200;
        int broadcasts = 60;
        List<Socket> raw = new ArrayList<>();
        try (Context server = Context.builder().bindAddress("127.0.0.1").port(0)
                .serviceThreads(2).maxOutboundBytes(16 * 1024).protocol(PROTOCOL, protocol)
                .build()) {
            Set<Integer> stalledPorts = new HashSet<>();
            for (int i = 0; i < stalled; i++) {
                Socket s = stalledRawClient(server.port());
                raw.add(s);
                stalledPorts.add(s.getLocalPort());
            }
            CompletableFuture<ProcessRun.Result> run = node(server, "--connections",
                    String.valueOf(readers), "--expect", String.valueOf(broadcasts + 1));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (server.connections(PROTOCOL).size() < readers + stalled) {
                assertThat(System.nanoTime()).as("2,000 connections open; node: %s",
                        run.isDone() ? run.join().describe() : "running").isLessThan(deadline);
                Thread.sleep(20);
            }
            List<Connection> readerOnes = new ArrayList<>();
            List<Connection> stalledOnes = new ArrayList<>();
            for (Connection c : server.connections(PROTOCOL)) {
                (stalledPorts.contains(c.remoteAddress().getPort()) ? stalledOnes : readerOnes).add(c);
            }
            assertThat(stalledOnes).hasSize(stalled);
            // Fill what the kernel buffers for each stalled one (our send buffer grows to MiBs
            // however small their window) until its queue stays over the bound: only the
            // stalled ones get these bytes, so the readers' traffic stays small.
            // the filler's frame is as long as a broadcast's, so a queue that refuses it
            // refuses a broadcast too; rounds over all of them, as each takes MiBs
            OutboundMessage filler = OutboundMessage.text(padded(9, 0, 1024));
            long full = 16 * 1024 - (filler.payloadLength() + 4);
            // The kernel's send buffer keeps growing for a while even towards a closed window,
            // so fill until every queue stays full over a pause.
            long fillDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            List<Connection> filling = new ArrayList<>(stalledOnes);
            while (!filling.isEmpty()) {
                while (!filling.isEmpty()) {
                    assertThat(System.nanoTime()).as("%d stalled queues still filling",
                            filling.size()).isLessThan(fillDeadline);
                    for (Connection c : filling) {
                        for (int i = 0; i < 16; i++) {
                            c.send(filler);
                        }
                    }
                    Thread.sleep(2);
                    filling.removeIf(c -> c.queuedBytes() > full);
                }
                Thread.sleep(200);
                for (Connection c : stalledOnes) {
                    if (c.queuedBytes() <= full) {
                        filling.add(c);
                    }
                }
            }
            long heapBefore = usedHeapAfterGc();
            int refused = 0;
            for (int i = 0; i < broadcasts; i++) {
                BroadcastResult r = server.broadcast(PROTOCOL, OutboundMessage.text(padded(0, i, 1024)),
                        SendOverflow.FAIL).toCompletableFuture().get(60, TimeUnit.SECONDS);
                assertThat(r.recipients()).isEqualTo(readers + stalled);
                assertThat(r.closed()).isZero();
                // only stalled ones: a refused reader would miss a message, which node reports
                assertThat(r.refused()).isLessThanOrEqualTo(stalled);
                refused += r.refused();
                awaitDrained(readerOnes);
            }
            long heapGrowth = usedHeapAfterGc() - heapBefore;
            assertThat(refused).as("the stalled ones were skipped").isGreaterThanOrEqualTo(stalled);
            for (Connection c : stalledOnes) {
                assertThat(c.isOpen()).as("skipped, not closed").isTrue();
                assertThat(c.queuedBytes()).as("bounded: the bound plus one message")
                        .isLessThanOrEqualTo(16 * 1024 + 64 * 1024 + 16);
            }
            // 200 queues over their bound refuse every broadcast: nothing grows with them
            assertThat(heapGrowth).as("heap growth with 200 slow consumers").isLessThan(64L << 20);

            BroadcastResult last = server.broadcast(PROTOCOL,
                    OutboundMessage.text(padded(0, broadcasts, 1024)),
                    SendOverflow.CLOSE_TRY_AGAIN_LATER).toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertThat(last.refused()).as("stalled ones still over their bound").isPositive()
                    .isLessThanOrEqualTo(stalled);
            assertThat(last.queued()).isEqualTo(readers + stalled - last.refused());
            ProcessRun.Result result = run.get(240, TimeUnit.SECONDS);
            assertThat(result.succeeded()).as(result::describe).isTrue();
            assertThat(result.stdout()).as(result::describe).contains("\"completed\":1800");
            // the readers close with 1000 once they have every message; the refused ones'
            // close handshakes end by the close timeout, as they read nothing
            java.util.Map<Integer, Integer> codes = new java.util.HashMap<>();
            for (int i = 0; i < readers + last.refused(); i++) {
                Integer code = protocol.closeCodes.poll(60, TimeUnit.SECONDS);
                assertThat(code).as("close %d; so far %s", i, codes).isNotNull();
                codes.merge(code, 1, Integer::sum);
            }
            assertThat(codes).isEqualTo(java.util.Map.of(CloseCodes.NORMAL, readers,
                    CloseCodes.TRY_AGAIN_LATER, last.refused()));
        } finally {
            for (Socket s : raw) {
                s.close();
            }
        }
    }
}
