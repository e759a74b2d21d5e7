package io.lws4j.internal.tls;

import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.client.ClientOptions;
import io.lws4j.client.WebSocketClient;
import io.lws4j.internal.loop.ContextImpl;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A measuring harness, not a test: opens a burst of wss connections at once from our client
 * to our server (two loops each) in a fresh JVM and prints the longest loop cycle of the
 * server's and the client's loops during the burst, then again for further bursts in the same
 * JVM (warm). Run it a few times; figures on a shared machine vary.
 *
 * <pre>
 * ./mvnw -B -q -pl lws4j-core test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -ea -cp lws4j-core/target/classes:lws4j-core/target/test-classes:$(cat /tmp/cp.txt) \
 *     io.lws4j.internal.tls.TlsHandshakeBurst [connections=64] [bursts=3]
 * </pre>
 *
 * <p>Not thread-safe: a main program.
 */
public final class TlsHandshakeBurst {
    private TlsHandshakeBurst() {
    }

    /**
     * @param args connections per burst, bursts
     * @throws Exception when a connection fails
     */
    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int bursts = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        TestCertificate cert = TestCertificate.get();
        // one client SSLContext for all connections, as an application would have
        javax.net.ssl.SSLContext clientSsl = cert.clientContext();
        long built0 = System.nanoTime();
        Context server = Context.builder().bindAddress("127.0.0.1").port(0).serviceThreads(2)
                .tls(cert.serverContext()).protocol("burst", new Protocol() { })
                .build();
        Context client = Context.builder().noListener().serviceThreads(2).build();
        System.out.printf("contexts built in %.1f ms%n", (System.nanoTime() - built0) / 1e6);
        try {
            for (int b = 0; b < bursts; b++) {
                ((ContextImpl) server).resetLoopWorkNanos();
                ((ContextImpl) client).resetLoopWorkNanos();
                resetProbe();
                long t0 = System.nanoTime();
                List<CompletableFuture<Connection>> opened = new ArrayList<>();
                for (int i = 0; i < connections; i++) {
                    opened.add(WebSocketClient.connect(client, ClientOptions.builder(
                            URI.create("wss://127.0.0.1:" + server.port() + "/"),
                            new Protocol() { })
                            .sslContext(clientSsl).subprotocols("burst").build()));
                }
                List<Connection> all = new ArrayList<>();
                for (CompletableFuture<Connection> c : opened) {
                    all.add(c.get(60, TimeUnit.SECONDS));
                }
                long took = System.nanoTime() - t0;
                System.out.printf("burst %d: %d connections in %.0f ms; longest loop cycle:"
                        + " server %.1f ms, client %.1f ms%n", b, connections, took / 1e6,
                        ((ContextImpl) server).maxLoopWorkNanos() / 1e6,
                        ((ContextImpl) client).maxLoopWorkNanos() / 1e6);
                System.out.print(probeReport());
                for (Connection c : all) {
                    c.execute(() -> c.close(1000, "done"));
                }
                Thread.sleep(300);
            }
        } finally {
            client.close();
            server.close();
        }
    }

    // the per-step breakdown exists only while the temporary probe is compiled in
    private static void resetProbe() throws Exception {
        try {
            Class.forName("io.lws4j.internal.loop.LoopProbe").getMethod("reset").invoke(null);
        } catch (ClassNotFoundException e) {
            // no probe in this build
        }
    }

    private static String probeReport() throws Exception {
        try {
            return (String) Class.forName("io.lws4j.internal.loop.LoopProbe")
                    .getMethod("report").invoke(null);
        } catch (ClassNotFoundException e) {
            return "";
        }
    }
}
