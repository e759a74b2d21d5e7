package io.lws4j.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.internal.tls.TestCertificate;
import java.net.Socket;
import java.net.URI;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/**
 * The certificate check of a wss handshake is one of the engine's delegated tasks: it must
 * run on the library's off-loop executor, never on a service thread.
 */
class TlsHandshakeTasksTest {

    /** Delegates to a real trust manager and records the threads that check. */
    static final class RecordingTrust extends X509ExtendedTrustManager {
        final List<String> threads = new CopyOnWriteArrayList<>();
        private final X509ExtendedTrustManager delegate;

        RecordingTrust(X509ExtendedTrustManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            threads.add(Thread.currentThread().getName());
            delegate.checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            delegate.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            delegate.checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            delegate.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType)
                throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType)
                throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }

    @Test
    void theCertificateCheckRunsOffTheServiceLoop() throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(TestCertificate.get().pkcs12())) {
            trusted.load(in, TestCertificate.PASSWORD);
        }
        TrustManagerFactory tmf =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        X509ExtendedTrustManager real = null;
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) {
                real = x;
            } else if (tm instanceof X509TrustManager) {
                throw new AssertionError("expected an extended trust manager");
            }
        }
        RecordingTrust trust = new RecordingTrust(real);
        SSLContext clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, new TrustManager[] {trust}, null);

        try (Context server = Context.builder().bindAddress("127.0.0.1").port(0)
                .tls(TestCertificate.get().serverContext())
                .protocol("echo", new WebSocketClientTest.EchoProtocol()).build();
                Context clients = Context.builder().noListener().build()) {
            ClientEvents events = new ClientEvents();
            Connection c = WebSocketClient.connect(clients, ClientOptions.builder(
                    URI.create("wss://127.0.0.1:" + server.port() + "/"), events)
                    .sslContext(clientTls).build()).get(10, TimeUnit.SECONDS);
            c.execute(() -> c.writeText("ping"));
            assertThat(events.nextMessage()).isEqualTo("ping");
        }
        assertThat(trust.threads).isNotEmpty()
                .allSatisfy(name -> assertThat(name).startsWith("lws4j-offloop-"));
    }
}
