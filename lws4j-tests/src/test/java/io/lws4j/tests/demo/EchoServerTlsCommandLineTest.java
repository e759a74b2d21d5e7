package io.lws4j.tests.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.TlsContexts;
import io.lws4j.client.ClientOptions;
import io.lws4j.examples.EchoClient;
import io.lws4j.examples.EchoServer;
import io.lws4j.internal.tls.TestCertificate;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The TLS echo server as the README runs it: {@code EchoServer --cert CHAIN.pem --key KEY.pem}
 * in its own JVM serves wss, and {@code EchoClient}, trusting that certificate and verifying
 * the host name, gets its messages back; SIGTERM ends the process.
 */
class EchoServerTlsCommandLineTest {

    @Test
    void echoServerServesWssFromPemFilesGivenOnTheCommandLine() throws Exception {
        TestCertificate cert = TestCertificate.get();
        try (DemoProcess server = DemoProcess.startMain(EchoServer.class, "--port", "0",
                "--bind", "127.0.0.1", "--cert", cert.certificatePem().toString(),
                "--key", cert.keyPem().toString())) {
            String listening = server.awaitLine(l -> l.startsWith("listening on "),
                    Duration.ofSeconds(60));
            assertThat(listening).as(server::output).isNotNull();
            assertThat(server.output()).contains("wss with the certificate chain in");
            String port = listening.substring(listening.lastIndexOf(':') + 1);

            List<String> messages = List.of("over TLS", "zw\u00f6lf");
            EchoClient client = EchoClient.forMessages(messages);
            List<String> echoed = EchoClient.exchange(client, ClientOptions.builder(
                    URI.create("wss://127.0.0.1:" + port + "/"), client)
                    .subprotocols("lws-echo")
                    .sslContext(TlsContexts.trusting(cert.certificatePem()))
                    .build());
            assertThat(echoed).isEqualTo(messages);

            server.terminate();
            assertThat(server.awaitExit(Duration.ofSeconds(60))).as(server::output)
                    .isNotEqualTo(-1);
        }
    }
}
