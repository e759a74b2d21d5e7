package io.lws4j.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.client.ClientOptions;
import io.lws4j.client.WebSocketClient;
import io.lws4j.client.WebSocketConnectException;
import io.lws4j.client.WebSocketConnectException.Reason;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The TLS start-up work that must stay off the service loops: a client engine is created and
 * begins its handshake on the off-loop executor (with the host lookup), so the races of that
 * hand-off are pinned here; a server context's first-use set-up happens when the
 * {@code Context} is built.
 */
class TlsStartOffLoopTest {
    private Context server;
    private Context clients;

    @AfterEach
    void closeContexts() {
        if (clients != null) {
            clients.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theClientEngineStartsOnTheOffLoopExecutor_andTheConnectionOpens() throws Exception {
        server = Context.builder().bindAddress("127.0.0.1").port(0)
                .tls(TestCertificate.get().serverContext()).protocol("p", new Protocol() { })
                .build();
        clients = Context.builder().noListener().build();
        Watching spi = new Watching(TestCertificate.get().clientContext(), null);
        Connection c = WebSocketClient.connect(clients, ClientOptions.builder(
                URI.create("wss://127.0.0.1:" + server.port() + "/"), new Protocol() { })
                .sslContext(spi.context()).build()).get(10, TimeUnit.SECONDS);
        assertThat(c).isNotNull();
        assertThat(spi.clientEngineThreads).hasSize(1)
                .allSatisfy(name -> assertThat(name).startsWith("lws4j-offloop-"));
    }

    @Test
    void aConnectTimeoutWhileTheEngineStartsOffLoop_failsOnceWithTimeoutAndNeverConnects()
            throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Watching spi = new Watching(TestCertificate.get().clientContext(), release);
        clients = Context.builder().noListener().build();
        try (ServerSocket target = new ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            CompletableFuture<Connection> f = WebSocketClient.connect(clients,
                    ClientOptions.builder(URI.create("wss://127.0.0.1:" + target.getLocalPort()
                            + "/"), new Protocol() { }).sslContext(spi.context())
                            .connectTimeout(Duration.ofMillis(200)).build());
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> f.get(10, TimeUnit.SECONDS));
            assertThat(e.getCause()).isInstanceOf(WebSocketConnectException.class);
            assertThat(((WebSocketConnectException) e.getCause()).reason())
                    .isEqualTo(Reason.TIMEOUT);
            release.countDown();
            assertThat(spi.created.await(10, TimeUnit.SECONDS)).isTrue();
            // the late engine is dropped: the attempt ended, so no socket may reach the server
            target.setSoTimeout(1000);
            assertThrows(SocketTimeoutException.class, target::accept);
            assertThat(f.isCompletedExceptionally()).isTrue();
        } finally {
            release.countDown();
        }
    }

    @Test
    void aClientEngineThatCannotStart_failsTheConnectWithTls() throws Exception {
        clients = Context.builder().noListener().build();
        SSLContext broken = SSLContext.getInstance("TLS"); // never initialised: no engines
        try (ServerSocket target = new ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            CompletableFuture<Connection> f = WebSocketClient.connect(clients,
                    ClientOptions.builder(URI.create("wss://127.0.0.1:" + target.getLocalPort()
                            + "/"), new Protocol() { }).sslContext(broken).build());
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> f.get(10, TimeUnit.SECONDS));
            assertThat(e.getCause()).isInstanceOf(WebSocketConnectException.class);
            assertThat(((WebSocketConnectException) e.getCause()).reason())
                    .isEqualTo(Reason.TLS_FAILED);
            assertThat(e.getCause().getMessage()).contains("cannot start TLS");
        }
    }

    @Test
    void buildingAWssContext_setsUpItsTlsContextOnTheBuildersThread() throws Exception {
        Watching spi = new Watching(TestCertificate.get().serverContext(), null);
        server = Context.builder().bindAddress("127.0.0.1").port(0).tls(spi.context())
                .protocol("p", new Protocol() { }).build();
        assertThat(spi.serverEngineThreads).containsExactly(Thread.currentThread().getName());
    }

    @Test
    void aWssContextWhoseTlsContextWasNotInitialised_failsToBuild() throws Exception {
        SSLContext uninitialised = SSLContext.getInstance("TLS");
        Context.Builder builder = Context.builder().bindAddress("127.0.0.1").port(0)
                .tls(uninitialised).protocol("p", new Protocol() { });
        assertThrows(IllegalStateException.class, builder::build);
    }

    /**
     * Hands out the engines of a real context and records on which thread each was created;
     * client engines may wait for a latch first (and count down {@code created} after).
     */
    private static final class Watching extends SSLContextSpi {
        final List<String> clientEngineThreads = new CopyOnWriteArrayList<>();
        final List<String> serverEngineThreads = new CopyOnWriteArrayList<>();
        final CountDownLatch created = new CountDownLatch(1);
        private final SSLContext real;
        private final CountDownLatch release;

        Watching(SSLContext real, CountDownLatch release) {
            this.real = real;
            this.release = release;
        }

        SSLContext context() {
            return new SSLContext(this, real.getProvider(), real.getProtocol()) { };
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) {
            throw new UnsupportedOperationException("already initialised");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return real.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return real.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            serverEngineThreads.add(Thread.currentThread().getName());
            return real.createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            clientEngineThreads.add(Thread.currentThread().getName());
            try {
                if (release != null && !release.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never released the engine");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            SSLEngine engine = real.createSSLEngine(host, port);
            created.countDown();
            return engine;
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return real.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return real.getClientSessionContext();
        }
    }
}
