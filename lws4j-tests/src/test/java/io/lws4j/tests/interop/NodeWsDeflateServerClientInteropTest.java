package io.lws4j.tests.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Connection;
import io.lws4j.Context;
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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lws4j client with permessage-deflate against a Node {@code ws} server
 * (node/echo-server.mjs {@code --deflate on}: context takeover both ways; {@code --deflate
 * no-takeover}: both no_context_takeover flags and {@code server_max_window_bits=10}): the
 * negotiated header as ws reports it, repeated text, a large compressible message, random
 * binary, fragments, close. Skips (or fails under {@code -Dlws4j.requireExternal=true}) when
 * node or its packages are missing.
 */
class NodeWsDeflateServerClientInteropTest {
    private Process node;
    private Context clients;

    @AfterEach
    void stop() throws Exception {
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

    private int startNode(String deflateMode) throws Exception {
        Path nodeExe = ExternalTools.requireNode();
        Path dir = ExternalTools.requireNodeModules(NodeScripts.directory());
        node = new ProcessBuilder(List.of(nodeExe.toString(), "echo-server.mjs", "--lifetime",
                "60000", "--deflate", deflateMode)).directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(),
                StandardCharsets.UTF_8));
        String first = out.readLine();
        Matcher m = Pattern.compile("\"port\":(\\d+)").matcher(String.valueOf(first));
        assertThat(m.find()).as("echo-server.mjs printed its port: " + first).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static String ticker(int length) {
        StringBuilder sb = new StringBuilder(length);
        int i = 0;
        while (sb.length() < length) {
            sb.append("{\"sym\":\"LWS\",\"px\":").append(100 + i % 13).append(",\"n\":\"gr\u00fc\u00df\"}");
            i++;
        }
        return sb.substring(0, length);
    }

    @ParameterizedTest(name = "--deflate {0}")
    @ValueSource(strings = {"on", "no-takeover"})
    void echoesCompressedMessagesWithNodeWs(String mode) throws Exception {
        int port = startNode(mode);
        clients = Context.builder().noListener().maxMessageSize(32 << 20).build();
        NodeWsServerClientInteropTest.Events events = new NodeWsServerClientInteropTest.Events();
        Connection c = WebSocketClient.connect(clients, ClientOptions.builder(
                URI.create("ws://127.0.0.1:" + port + "/"), events).permessageDeflate(true)
                .build()).get(10, TimeUnit.SECONDS);

        c.execute(() -> c.writeText("extensions?"));
        String extensions = (String) events.next();
        assertThat(extensions).startsWith("extensions=permessage-deflate");
        if (mode.equals("no-takeover")) {
            assertThat(extensions).contains("server_no_context_takeover")
                    .contains("client_no_context_takeover").contains("server_max_window_bits=10");
        }
        String text = ticker(4000); // above ws's 1 KiB threshold: node compresses its echo
        for (int i = 0; i < 20; i++) {
            c.execute(() -> c.writeText(text));
            assertThat(events.next()).isEqualTo(text);
        }
        c.execute(() -> c.writeText("short \ud83d\ude00"));
        assertThat(events.next()).isEqualTo("short \ud83d\ude00");
        byte[] large = ticker(12 << 20).getBytes(StandardCharsets.UTF_8);
        c.execute(() -> c.writeBinary(ByteBuffer.wrap(large)));
        Object echoed = events.messages.poll(30, TimeUnit.SECONDS);
        assertThat(echoed).isInstanceOf(byte[].class);
        assertThat((byte[]) echoed).isEqualTo(large);
        byte[] random = new byte[2 << 20];
        new Random(3).nextBytes(random);
        c.execute(() -> c.writeBinary(ByteBuffer.wrap(random)));
        assertThat((byte[]) events.next()).isEqualTo(random);
        c.execute(() -> c.writeText("fragments:5"));
        assertThat(events.next()).isEqualTo("abcabcabcabcabc");
        c.execute(() -> c.close(4100, "client done"));
        assertThat(events.closed.get(10, TimeUnit.SECONDS)[0]).isEqualTo(4100);
    }
}
