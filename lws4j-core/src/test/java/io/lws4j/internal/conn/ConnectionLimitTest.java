package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code Context.Builder.maxConnections}: the listener pauses at the limit, never past it. */
class ConnectionLimitTest {
    private Context server;
    private final List<RawClient> clients = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (RawClient c : clients) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void atMaxConnectionsANewPeerWaitsInTheBacklogUntilOneCloses() throws Exception {
        AtomicInteger open = new AtomicInteger();
        AtomicInteger mostOpen = new AtomicInteger();
        server = Context.builder().bindAddress("127.0.0.1").port(0).serviceThreads(2)
                .maxConnections(3)
                .protocol("chat", new Protocol() {
                    @Override
                    public void onEstablished(Connection c) {
                        mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                    }

                    @Override
                    public void onClosed(Connection c, int closeCode, String reason) {
                        open.decrementAndGet();
                    }
                }).build();
        for (int i = 0; i < 3; i++) {
            RawClient c = connect();
            assertThat(c.handshake()).startsWith("HTTP/1.1 101");
        }

        RawClient waiting = connect(); // the kernel completes the TCP handshake (backlog)
        waiting.setReadTimeout(300);
        waiting.send(RawClient.upgradeRequest("").getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(waiting::readHead).as("a 4th connection is not served at the limit")
                .isInstanceOf(SocketTimeoutException.class);
        assertThat(open.get()).isEqualTo(3);

        clients.get(0).close(); // the server sees the end of stream and closes its side
        waiting.setReadTimeout(5_000);
        assertThat(waiting.readHead()).startsWith("HTTP/1.1 101");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (open.get() != 3 && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
        }
        assertThat(open.get()).isEqualTo(3);
        assertThat(mostOpen.get()).as("never more than maxConnections at once").isEqualTo(3);
    }

    @Test
    void aBurstBeyondTheLimitIsServedInTurnsAndNeverPastIt() throws Exception {
        AtomicInteger open = new AtomicInteger();
        AtomicInteger mostOpen = new AtomicInteger();
        server = Context.builder().bindAddress("127.0.0.1").port(0).serviceThreads(2)
                .maxConnections(5)
                .protocol("chat", new Protocol() {
                    @Override
                    public void onEstablished(Connection c) {
                        mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                        c.close(1000, "next"); // short-lived: the others get their turn
                    }

                    @Override
                    public void onClosed(Connection c, int closeCode, String reason) {
                        open.decrementAndGet();
                    }
                }).build();
        // Every request goes out before any answer is read, so many wait at once.
        for (int i = 0; i < 40; i++) {
            RawClient c = connect();
            c.send(RawClient.upgradeRequest("").getBytes(StandardCharsets.US_ASCII));
        }
        for (RawClient c : clients) {
            assertThat(c.readHead()).startsWith("HTTP/1.1 101");
            c.close();
        }
        assertThat(mostOpen.get()).isBetween(1, 5);
    }

    @Test
    void theBuilderRefusesANonPositiveLimit() {
        assertThatThrownBy(() -> Context.builder().maxConnections(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxConnections");
    }

    private RawClient connect() throws Exception {
        RawClient c = new RawClient(server.port());
        clients.add(c);
        return c;
    }
}
