package io.lws4j.tests.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.client.ClientOptions;
import io.lws4j.client.WebSocketClient;
import io.lws4j.tests.support.ExternalTools;
import io.lws4j.tests.support.NodeScripts;
import io.lws4j.tests.support.ProcessRun;
import io.lws4j.internal.tls.TestCertificate;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * wss between lws4j's {@code SSLEngine} transport and Node's OpenSSL, both ways, with a
 * certificate generated at test time: Node {@code ws} clients (stream-client.mjs, trusting
 * the certificate through {@code NODE_EXTRA_CA_CERTS}) against an lws4j wss server, and the
 * lws4j client against a Node {@code ws} wss server (echo-server.mjs --cert/--key).
 */
class NodeWssInteropTest {
    private static final int MESSAGES = 300;

    /** Streams "seq 0" .. "seq 299" on each connection, then closes with 1000. */
    static final class Counter implements Protocol {
        @Override
        public void onEstablished(Connection c) {
            c.userData(new int[1]);
            c.callbackOnWritable();
        }

        @Override
        public void onWritable(Connection c) {
            int[] next = c.userData();
            while (next[0] < MESSAGES) {
                if (!c.writeText("seq " + next[0])) {
                    c.callbackOnWritable();
                    return;
                }
                next[0]++;
            }
            c.close(CloseCodes.NORMAL, "done");
        }
    }

    @Test
    void nodeClientsReadEveryNumberOnceInOrderFromAWssServer() {
        TestCertificate cert = TestCertificate.get();
        Path node = ExternalTools.requireNode();
        Path dir = ExternalTools.requireNodeModules(NodeScripts.directory());
        try (Context server = Context.builder().bindAddress("127.0.0.1").port(0)
                .tls(cert.serverContext()).protocol("lws-count", new Counter()).build()) {
            ProcessRun.Result run = ProcessRun.run(List.of(node.toString(), "stream-client.mjs",
                    "--url", "wss://127.0.0.1:" + server.port() + "/", "--protocol", "lws-count",
                    "--pattern", "^seq (\\d+)$", "--connections", "12", "--timeout", "60000"),
                    dir, Duration.ofSeconds(90),
                    Map.of("NODE_EXTRA_CA_CERTS", cert.certificatePem().toString()));
            assertThat(run.succeeded()).as(run::describe).isTrue();
            assertThat(run.stdout()).as(run::describe).contains("\"ok\":true")
                    .contains("\"completed\":12");
        }
    }

    @Test
    void theLws4jClientEchoesThroughANodeWssServer() throws Exception {
        TestCertificate cert = TestCertificate.get();
        Path nodeExe = ExternalTools.requireNode();
        Path dir = ExternalTools.requireNodeModules(NodeScripts.directory());
        Process node = new ProcessBuilder(List.of(nodeExe.toString(), "echo-server.mjs",
                "--lifetime", "60000", "--cert", cert.certificatePem().toString(), "--key",
                cert.keyPem().toString())).directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (Context clients = Context.builder().noListener().build()) {
            BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(),
                    StandardCharsets.UTF_8));
            String first = out.readLine();
            Matcher m = Pattern.compile("\"port\":(\\d+)").matcher(String.valueOf(first));
            assertThat(m.find()).as("echo-server.mjs printed its port: " + first).isTrue();
            int port = Integer.parseInt(m.group(1));
            NodeWsServerClientInteropTest.Events events = new NodeWsServerClientInteropTest.Events();
            Connection c = WebSocketClient.connect(clients, ClientOptions.builder(
                    URI.create("wss://localhost:" + port + "/"), events)
                    .sslContext(cert.clientContext()).subprotocols("tls-echo").build())
                    .get(10, TimeUnit.SECONDS);
            assertThat(c.protocolName()).isEqualTo("tls-echo");
            c.execute(() -> c.writeText("over openssl"));
            assertThat(events.next()).isEqualTo("over openssl");
            byte[] big = new byte[4 << 20];
            new Random(2).nextBytes(big);
            c.execute(() -> c.writeBinary(ByteBuffer.wrap(big)));
            Object echoed = events.messages.poll(30, TimeUnit.SECONDS);
            assertThat(echoed).isInstanceOf(byte[].class);
            assertThat((byte[]) echoed).isEqualTo(big);
            c.execute(() -> c.writeText("close:4200"));
            assertThat(events.closed.get(10, TimeUnit.SECONDS)[0]).isEqualTo(4200);
        } finally {
            node.getOutputStream().close();
            if (!node.waitFor(5, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        }
    }
}
