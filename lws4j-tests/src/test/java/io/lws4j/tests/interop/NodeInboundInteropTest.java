package io.lws4j.tests.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.tests.support.NodeScripts;
import io.lws4j.tests.support.ProcessRun;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Node {@code ws} client (node/inbound-check.mjs) against lws4j's inbound controls: pings
 * both ways (the server's round trip and onPing), pause and resume from another thread with
 * every message in order, messages streamed in fragments (compressed, as ws offers
 * permessage-deflate) eight times past the server's message limit, and a peer's reset reaching
 * Protocol.onError before onClosed 1006.
 */
class NodeInboundInteropTest {
    private static final int MAX_MESSAGE = 1024 * 1024;

    /** Per connection: what its pongs and pings showed. */
    static final class Seen {
        String pong = "no pong";
        String ping = "no ping";
    }

    static final class Inbound implements Protocol {
        final ScheduledExecutorService resumer = Executors.newSingleThreadScheduledExecutor();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final List<String> closes = new CopyOnWriteArrayList<>();

        @Override
        public void onEstablished(Connection c) {
            c.userData(new Seen());
            c.writePing(ByteBuffer.wrap("srv".getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public void onPong(Connection c, ByteBuffer payload, Duration roundTrip) {
            Seen seen = c.userData();
            seen.pong = "pong " + StandardCharsets.UTF_8.decode(payload)
                    + (roundTrip != null ? " with rtt" : " without rtt");
        }

        @Override
        public void onPing(Connection c, ByteBuffer payload) {
            Seen seen = c.userData();
            seen.ping = "ping " + StandardCharsets.UTF_8.decode(payload);
        }

        @Override
        public void onText(Connection c, String text) {
            switch (text) {
                case "report" -> {
                    Seen seen = c.userData();
                    c.writeText(seen.pong + "; " + seen.ping);
                }
                case "pause" -> {
                    c.pauseReading();
                    c.writeText("paused");
                    resumer.schedule(c::resumeReading, 300, TimeUnit.MILLISECONDS);
                }
                default -> c.writeText(text);
            }
        }

        @Override
        public void onError(Connection c, Throwable cause) {
            errors.add(cause);
        }

        @Override
        public void onClosed(Connection c, int code, String reason) {
            closes.add(code + (errors.isEmpty() ? "" : " after an error"));
        }
    }

    /** Streams: a SHA-256 of each message, answered with its length and digest. */
    static final class Streaming implements Protocol {
        @Override
        public boolean streamingReceive() {
            return true;
        }

        private static MessageDigest digest(Connection c) {
            Object[] state = c.userData() instanceof Object[] s ? s : null;
            if (state == null) {
                try {
                    state = new Object[] {MessageDigest.getInstance("SHA-256"), new long[1]};
                } catch (NoSuchAlgorithmException e) {
                    throw new AssertionError(e);
                }
                c.userData(state);
            }
            return (MessageDigest) state[0];
        }

        private static void take(Connection c, ByteBuffer chunk, boolean last, String kind) {
            MessageDigest d = digest(c);
            long[] length = (long[]) ((Object[]) c.userData())[1];
            length[0] += chunk.remaining();
            d.update(chunk);
            if (last) {
                c.writeText(kind + " " + length[0] + " " + HexFormat.of().formatHex(d.digest()));
                c.userData(null);
            }
        }

        @Override
        public void onBinaryFragment(Connection c, ByteBuffer data, boolean last) {
            take(c, data, last, "binary");
        }

        @Override
        public void onTextFragment(Connection c, ByteBuffer utf8, boolean last) {
            take(c, utf8, last, "text");
        }
    }

    @Test
    void nodeWsPassesEveryInboundCheck() throws Exception {
        Inbound inbound = new Inbound();
        try (Context server = Context.builder().bindAddress("127.0.0.1").port(0)
                .maxMessageSize(MAX_MESSAGE).protocol("inbound", inbound)
                .protocol("stream", new Streaming()).build()) {
            ProcessRun.Result run = NodeScripts.run("inbound-check.mjs", Duration.ofMinutes(3),
                    "--url", "ws://127.0.0.1:" + server.port() + "/",
                    "--stream-bytes", String.valueOf(8 * MAX_MESSAGE), "--timeout", "60000");
            assertThat(run.succeeded()).as(run::describe).isTrue();
            assertThat(run.stdout()).as(run::describe).contains("\"ok\":true");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (inbound.closes.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            // two connections closed normally, then the reset one after its error
            assertThat(inbound.closes).containsExactly(String.valueOf(CloseCodes.NORMAL),
                    String.valueOf(CloseCodes.NORMAL), CloseCodes.ABNORMAL + " after an error");
            assertThat(inbound.errors).hasSize(1);
            assertThat(inbound.errors.get(0)).isInstanceOf(IOException.class);
        } finally {
            inbound.resumer.shutdownNow();
        }
    }
}
