package io.lws4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.TlsContexts;
import java.io.InputStream;
import java.net.URI;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code java} block of docs/recipes.md compiles against the current lws4j-core and
 * does what the page says.
 *
 * <p>Threading: JUnit's thread; the servers and the recipe client run on service threads and
 * report to the test through concurrent queues and atomics.
 */
class RecipesTest {
    @TempDir
    static Path work;
    private static URLClassLoader loader;

    @BeforeAll
    static void compileTheRecipes() throws Exception {
        loader = MarkdownSnippets.compile("docs/recipes.md", work,
                "ReportStream", "PemServer", "ReconnectingClient", "BehindProxy",
                "MetricsEndpoint");
    }

    @Test
    void reportStreamSendsEveryLineInOrderThenItsEnd() throws Exception {
        try (Context ctx = (Context) loader.loadClass("ReportStream")
                .getMethod("start", int.class).invoke(null, 0)) {
            JdkClient client = JdkClient.connect("ws://127.0.0.1:" + ctx.port() + "/", "report");
            client.send("report 300");
            for (int i = 0; i < 300; i++) {
                assertThat(client.next()).isEqualTo("line " + i + " of 300");
            }
            assertThat(client.next()).isEqualTo("end of report");
            client.send("report please");
            assertThat(client.next()).isEqualTo("close 1008 expected: report N");
        }
    }

    @Test
    void metricsEndpointServesTheContextsFiguresInPrometheusText() throws Exception {
        try (Context ctx = (Context) loader.loadClass("MetricsEndpoint")
                .getMethod("start", int.class).invoke(null, 0)) {
            JdkClient client = JdkClient.connect("ws://127.0.0.1:" + ctx.port() + "/", "echo");
            client.send("one");
            assertThat(client.next()).isEqualTo("one");
            client.send("two");
            assertThat(client.next()).isEqualTo("two");
            String body = HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + ctx.port() + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertThat(body).contains("lws4j_connections_open 1\n",
                    "lws4j_messages_total{direction=\"in\"} 2\n",
                    "lws4j_messages_total{direction=\"out\"} 2\n",
                    "lws4j_pool_tasks_total{state=\"accepted\"} 0\n");
            assertThat(ctx.statistics().getName()).isEqualTo("app");
        }
    }

    @Test
    void behindProxyGreetsTheForwardedClientFromATrustedPeerOnly() throws Exception {
        Class<?> recipe = loader.loadClass("BehindProxy");
        for (String trusted : new String[] {"127.0.0.1", "10.0.0.0/8"}) {
            try (Context ctx = (Context) recipe.getMethod("start", int.class, String[].class)
                    .invoke(null, 0, new String[] {trusted})) {
                JdkClient client = new JdkClient();
                client.ws = HttpClient.newHttpClient().newWebSocketBuilder()
                        .header("X-Forwarded-For", "192.0.2.44")
                        .header("X-Forwarded-Proto", "https").subprotocols("greet")
                        .buildAsync(URI.create("ws://127.0.0.1:" + ctx.port() + "/"), client)
                        .get(10, TimeUnit.SECONDS);
                assertThat(client.next()).isEqualTo(trusted.equals("127.0.0.1")
                        ? "hello 192.0.2.44 over wss" : "hello 127.0.0.1 over ws");
            }
        }
    }

    @Test
    void behindProxyWithTheProxyProtocolGreetsTheHeadersSource() throws Exception {
        try (Context ctx = (Context) loader.loadClass("BehindProxy")
                .getMethod("startWithProxyProtocol", int.class, String[].class)
                .invoke(null, 0, new String[] {"127.0.0.1"});
                java.net.Socket raw = new java.net.Socket("127.0.0.1", ctx.port())) {
            raw.setSoTimeout(10_000);
            raw.getOutputStream().write(("PROXY TCP4 198.51.100.3 192.0.2.1 50000 443\r\n"
                    + "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: greet\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = raw.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                assertThat(b).as("the response head before the end of stream").isNotNegative();
                head.append((char) b);
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 101");
            byte[] frameHead = in.readNBytes(2);
            assertThat(frameHead[0] & 0xff).isEqualTo(0x81); // a final text frame
            byte[] text = in.readNBytes(frameHead[1] & 0x7f);
            assertThat(new String(text, StandardCharsets.UTF_8))
                    .isEqualTo("hello 198.51.100.3 over ws");
        }
    }

    @Test
    void pemServerServesWssWithKeyFilesMadeByKeytool() throws Exception {
        Path chain = work.resolve("fullchain.pem");
        Path key = work.resolve("key.pem");
        writePemPair(chain, key);
        try (Context ctx = (Context) loader.loadClass("PemServer")
                .getMethod("start", int.class, Path.class, Path.class).invoke(null, 0, chain, key)) {
            HttpClient https = HttpClient.newBuilder().sslContext(TlsContexts.trusting(chain)).build();
            JdkClient client = JdkClient.connect(https, "wss://127.0.0.1:" + ctx.port() + "/", "secure");
            client.send("hi");
            assertThat(client.next()).isEqualTo("over TLS: hi");
        }
    }

    @Test
    void reconnectingClientComesBackAfterTheServerClosesItTwice() throws Exception {
        AtomicInteger established = new AtomicInteger();
        BlockingQueue<String> greetings = new LinkedBlockingQueue<>();
        Protocol kickTwice = new Protocol() {
            @Override
            public void onEstablished(Connection c) {
                if (established.incrementAndGet() <= 2) {
                    c.close(CloseCodes.GOING_AWAY, "restarting");
                }
            }

            @Override
            public void onText(Connection c, String text) {
                greetings.add(established.get() + ": " + text);
            }
        };
        try (Context server = Context.builder().bindAddress("127.0.0.1").port(0)
                     .protocol("echo", kickTwice).build();
             Context clients = Context.builder().noListener().build()) {
            Object client = loader.loadClass("ReconnectingClient")
                    .getConstructor(Context.class, URI.class)
                    .newInstance(clients, URI.create("ws://127.0.0.1:" + server.port() + "/"));
            client.getClass().getMethod("connect").invoke(client);
            assertThat(greetings.poll(30, TimeUnit.SECONDS)).isEqualTo("3: hello again");
        }
    }

    /** A self-signed EC certificate for 127.0.0.1 from keytool, written as PEM chain and PKCS#8 key. */
    private static void writePemPair(Path chain, Path key) throws Exception {
        Path p12 = work.resolve("server.p12");
        Process keytool = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", p12.toString(), "-storepass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).as("keytool ended").isTrue();
        assertThat(keytool.exitValue()).as("keytool: %s", output).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            store.load(in, "changeit".toCharArray());
        }
        Files.writeString(chain, pem("CERTIFICATE", store.getCertificate("server").getEncoded()));
        PrivateKey privateKey = (PrivateKey) store.getKey("server", "changeit".toCharArray());
        Files.writeString(key, pem("PRIVATE KEY", privateKey.getEncoded()));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
