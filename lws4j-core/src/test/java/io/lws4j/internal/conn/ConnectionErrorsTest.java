package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.internal.tls.TestCertificate;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Protocol.onError is the one place a connection's I/O failure reaches the application: once,
 * right before onClosed with 1006; a clean close handshake calls only onClosed.
 */
class ConnectionErrorsTest {
    /** Records onError and onClosed in order, each with the thread's role. */
    static final class ErrorRecorder implements Protocol {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final CountDownLatch established = new CountDownLatch(1);
        final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public void onEstablished(Connection connection) {
            established.countDown();
        }

        @Override
        public void onText(Connection connection, String text) {
            connection.writeText(text);
        }

        @Override
        public void onError(Connection connection, Throwable cause) {
            errors.add(cause);
            events.add("error open=" + connection.isOpen() + " role=" + connection.inServiceThread());
        }

        @Override
        public void onClosed(Connection connection, int closeCode, String reason) {
            events.add("closed " + closeCode);
            closed.countDown();
        }

        void await() throws InterruptedException {
            assertThat(closed.await(10, TimeUnit.SECONDS)).as("onClosed within 10 s").isTrue();
        }
    }

    private final ErrorRecorder protocol = new ErrorRecorder();
    private Context context;

    @AfterEach
    void closeContext() {
        if (context != null) {
            context.close();
        }
    }

    private void start(Context.Builder builder) {
        context = builder.bindAddress("127.0.0.1").port(0).protocol("echo", protocol).build();
    }

    @Test
    void aPeerResetReachesOnErrorOnceBeforeOnClosedWith1006() throws Exception {
        start(Context.builder());
        RawClient client = new RawClient(context.port());
        assertThat(client.handshake()).startsWith("HTTP/1.1 101");
        client.sendText("hello");
        assertThat(client.readFrame().text()).isEqualTo("hello");
        client.abort(); // SO_LINGER 0: a RST
        protocol.await();
        assertThat(protocol.events).containsExactly("error open=false role=true",
                "closed " + CloseCodes.ABNORMAL);
        assertThat(protocol.errors.get(0)).isInstanceOf(IOException.class);
    }

    @Test
    void aStreamThatEndsWithoutACloseFrameIsAnEofError() throws Exception {
        start(Context.builder());
        RawClient client = new RawClient(context.port());
        assertThat(client.handshake()).startsWith("HTTP/1.1 101");
        client.close(); // a FIN, no close frame
        protocol.await();
        assertThat(protocol.events).containsExactly("error open=false role=true",
                "closed " + CloseCodes.ABNORMAL);
        assertThat(protocol.errors.get(0)).isInstanceOf(EOFException.class);
    }

    @Test
    void aCleanCloseHandshakeCallsNoOnError() throws Exception {
        start(Context.builder());
        try (RawClient client = new RawClient(context.port())) {
            assertThat(client.handshake()).startsWith("HTTP/1.1 101");
            client.sendClose(CloseCodes.NORMAL, "bye");
            assertThat(client.readUntilClose().closeCode()).isEqualTo(CloseCodes.NORMAL);
            protocol.await();
        }
        assertThat(protocol.events).containsExactly("closed " + CloseCodes.NORMAL);
    }

    @Test
    void aProtocolViolationIsItsCloseCodeNotAnError() throws Exception {
        start(Context.builder());
        try (RawClient client = new RawClient(context.port())) {
            assertThat(client.handshake()).startsWith("HTTP/1.1 101");
            client.sendFrame(0x3, true, new byte[0]); // reserved opcode
            assertThat(client.readUntilClose().closeCode()).isEqualTo(CloseCodes.PROTOCOL_ERROR);
            protocol.await();
        }
        assertThat(protocol.events).containsExactly("closed " + CloseCodes.PROTOCOL_ERROR);
    }

    @Test
    void aTlsFailureOnAnEstablishedConnectionReachesOnErrorAsAnSslException() throws Exception {
        start(Context.builder().tls(TestCertificate.get().serverContext()));
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", context.port()), 5_000);
            SSLSocket tls = (SSLSocket) TestCertificate.get().clientContext().getSocketFactory()
                    .createSocket(plain, "127.0.0.1", context.port(), false);
            RawClient client = new RawClient(tls, 5_000);
            assertThat(client.handshake()).startsWith("HTTP/1.1 101");
            assertThat(protocol.established.await(10, TimeUnit.SECONDS)).isTrue();
            // not a TLS record: an application-data header with a bad version and length
            plain.getOutputStream().write(new byte[] {23, 9, 9, 0x7f, 0x7f, 1, 2, 3, 4, 5});
            plain.getOutputStream().flush();
            protocol.await();
        }
        assertThat(protocol.events).containsExactly("error open=false role=true",
                "closed " + CloseCodes.ABNORMAL);
        assertThat(protocol.errors.get(0)).isInstanceOf(SSLException.class);
    }
}
