package io.lws4j.tests.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.client.ClientOptions;
import io.lws4j.client.WebSocketClient;
import io.lws4j.tests.support.ExternalTools;
import io.lws4j.tests.support.NodeScripts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lws4j websocket client against a Node {@code ws} server (node/echo-server.mjs):
 * subprotocol and headers, echo of text and a large binary, fragmented messages, close codes
 * in both directions. Skips (or fails under {@code -Dlws4j.requireExternal=true}) when node
 * or its packages are missing.
 */
class NodeWsServerClientInteropTest {
    private static Process node;
    private static int port;
    private static Context clients;

    /** Records what the client side receives. */
    static final class Events implements Protocol {
        final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<int[]> closed = new CompletableFuture<>();
        volatile String closeReason;

        @Override
        public void onText(Connection c, String text) {
            messages.add(text);
        }

        @Override
        public void onBinary(Connection c, ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            messages.add(b);
        }

        @Override
        public void onClosed(Connection c, int code, String reason) {
            closeReason = reason;
            closed.complete(new int[] {code});
        }

        Object next() throws InterruptedException {
            Object m = messages.poll(10, TimeUnit.SECONDS);
            assertThat(m).as("a message within 10 s").isNotNull();
            return m;
        }
    }

    @BeforeAll
    static void startNodeServer() throws Exception {
        Path nodeExe = ExternalTools.requireNode();
        Path dir = ExternalTools.requireNodeModules(NodeScripts.directory());
        node = new ProcessBuilder(List.of(nodeExe.toString(), "echo-server.mjs", "--lifetime",
                "120000")).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(),
                StandardCharsets.UTF_8));
        String first = out.readLine();
        Matcher m = Pattern.compile("\"port\":(\\d+)").matcher(String.valueOf(first));
        assertThat(m.find()).as("echo-server.mjs printed its port: " + first).isTrue();
        port = Integer.parseInt(m.group(1));
        clients = Context.builder().noListener().maxMessageSize(32 << 20).build();
    }

    @AfterAll
    static void stopNodeServer() throws Exception {
        if (clients != null) {
            clients.close();
        }
        if (node != null) {
            node.getOutputStream().close();
            if (!node.waitFor(5, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        }
    }

    private Connection connect(Events events, String... subprotocols) throws Exception {
        return WebSocketClient.connect(clients, ClientOptions.builder(
                URI.create("ws://127.0.0.1:" + port + "/path?q=1"), events)
                .subprotocols(subprotocols).origin("http://lws4j.test").header("X-Test", "yes")
                .build()).get(10, TimeUnit.SECONDS);
    }

    @Test
    void echoesTextAndA20MiBBinaryAndReportsTheChosenSubprotocol() throws Exception {
        Events events = new Events();
        Connection c = connect(events, "first", "second");
        assertThat(c.protocolName()).isEqualTo("first");
        c.execute(() -> c.writeText("protocol?"));
        assertThat(events.next()).isEqualTo("protocol=first origin=http://lws4j.test x=yes");
        c.execute(() -> c.writeText("gr\u00fc\u00df \ud83c\udf0d"));
        assertThat(events.next()).isEqualTo("gr\u00fc\u00df \ud83c\udf0d");
        byte[] big = new byte[20 << 20];
        new Random(11).nextBytes(big);
        c.execute(() -> c.writeBinary(ByteBuffer.wrap(big)));
        Object echoed = events.messages.poll(30, TimeUnit.SECONDS);
        assertThat(echoed).isInstanceOf(byte[].class);
        assertThat((byte[]) echoed).isEqualTo(big);
        c.execute(() -> c.close(4100, "client done"));
        assertThat(events.closed.get(10, TimeUnit.SECONDS)[0]).isEqualTo(4100);
    }

    @Test
    void reassemblesAMessageNodeSendsInFragments() throws Exception {
        Events events = new Events();
        Connection c = connect(events);
        assertThat(c.protocolName()).isNull();
        c.execute(() -> c.writeText("fragments:5"));
        assertThat(events.next()).isEqualTo("abcabcabcabcabc");
        c.execute(() -> c.close(1000, ""));
        assertThat(events.closed.get(10, TimeUnit.SECONDS)[0]).isEqualTo(1000);
    }

    @Test
    void nodesCloseCodeAndReasonReachTheClient() throws Exception {
        Events events = new Events();
        Connection c = connect(events);
        c.execute(() -> c.writeText("close:4007"));
        assertThat(events.closed.get(10, TimeUnit.SECONDS)[0]).isEqualTo(4007);
        assertThat(events.closeReason).isEqualTo("node says");
    }
}
