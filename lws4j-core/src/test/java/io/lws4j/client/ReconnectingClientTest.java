package io.lws4j.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import java.net.URI;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ReconnectPolicy}'s delays and limits, and {@link ReconnectingClient} against a
 * server that goes away (closed, then refusing TCP connections, then draining with 503) and
 * comes back on the same port.
 */
class ReconnectingClientTest {
    private static final long LIVENESS_SECONDS = 20;

    private Context clients;
    private Context server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (clients != null) {
            clients.close();
        }
    }

    @Test
    void delaysGrowExponentiallyWithinTheirJitterBandAndAreCapped() {
        ReconnectPolicy policy = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(100))
                .maxDelay(Duration.ofSeconds(2)).multiplier(2).jitter(0.5).build();
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            assertThat(policy.delay(1, random)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
            assertThat(policy.delay(4, random)).isBetween(Duration.ofMillis(400), Duration.ofMillis(800));
            assertThat(policy.delay(30, random)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
        }
        ReconnectPolicy exact = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(10))
                .jitter(0).multiplier(3).build();
        assertThat(exact.delay(3, random)).isEqualTo(Duration.ofMillis(90));
    }

    @Test
    void limitsOnAttemptsAndTimeAreApplied() {
        ReconnectPolicy attempts = ReconnectPolicy.builder().maxAttempts(3).build();
        assertThat(attempts.allows(3, Duration.ofHours(1), Duration.ofSeconds(1))).isTrue();
        assertThat(attempts.allows(4, Duration.ZERO, Duration.ofMillis(1))).isFalse();
        ReconnectPolicy time = ReconnectPolicy.builder().maxElapsed(Duration.ofSeconds(10)).build();
        assertThat(time.allows(100, Duration.ofSeconds(9), Duration.ofSeconds(1))).isTrue();
        assertThat(time.allows(1, Duration.ofSeconds(9), Duration.ofMillis(1001))).isFalse();
        assertThatThrownBy(() -> ReconnectPolicy.builder().jitter(1.5).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReconnectPolicy.builder().initialDelay(Duration.ofSeconds(5))
                .maxDelay(Duration.ofSeconds(1)).build()).isInstanceOf(IllegalArgumentException.class);
    }

    private Context echoServer(int port) {
        return Context.builder().bindAddress("127.0.0.1").port(port)
                .protocol("echo", new Protocol() {
                    @Override
                    public void onText(Connection connection, String text) {
                        connection.writeText("echo:" + text);
                    }
                }).build();
    }

    /** Records what the client sees, in order. */
    private static final class Events implements Protocol, ReconnectingClient.Listener {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        final CompletableFuture<Throwable> gaveUp = new CompletableFuture<>();

        @Override
        public void onText(Connection connection, String text) {
            events.add(text);
        }

        @Override
        public void onClosed(Connection connection, int closeCode, String reason) {
            events.add("closed " + closeCode);
        }

        @Override
        public void onConnected(Connection connection, boolean reconnect) {
            events.add(reconnect ? "reconnected" : "connected");
            connection.writeText("hello");
        }

        @Override
        public void onRetry(int attempt, Duration delay, Throwable cause) {
            events.add("retry " + (cause == null ? "after close" : "after failure"));
        }

        @Override
        public void onGaveUp(Throwable lastFailure) {
            gaveUp.complete(lastFailure);
        }

        /** Skips retry lines; returns the next other event. */
        String next() throws InterruptedException {
            while (true) {
                String e = events.poll(LIVENESS_SECONDS, TimeUnit.SECONDS);
                if (e == null || !e.startsWith("retry after failure")) {
                    return e;
                }
            }
        }
    }

    @Test
    void aServerThatGoesAwayAndComesBackIsReconnectedTo() throws Exception {
        server = echoServer(0);
        int port = server.port();
        clients = Context.builder().noListener().build();
        Events events = new Events();
        ReconnectingClient client = ReconnectingClient.start(clients,
                ClientOptions.builder(URI.create("ws://127.0.0.1:" + port + "/"), events).build(),
                ReconnectPolicy.builder().initialDelay(Duration.ofMillis(20))
                        .maxDelay(Duration.ofMillis(200)).build(), events);

        assertThat(events.next()).isEqualTo("connected");
        assertThat(events.next()).isEqualTo("echo:hello");

        server.close();
        assertThat(events.next()).isEqualTo("closed " + CloseCodes.GOING_AWAY);
        assertThat(events.events.poll(LIVENESS_SECONDS, TimeUnit.SECONDS)).isEqualTo("retry after close");
        // while nothing listens, attempts fail (connection refused) and are retried
        assertThat(events.events.poll(LIVENESS_SECONDS, TimeUnit.SECONDS)).isEqualTo("retry after failure");
        assertThat(client.current()).isNull();

        server = echoServer(port);
        assertThat(events.next()).isEqualTo("reconnected");
        assertThat(events.next()).isEqualTo("echo:hello");
        assertThat(client.current()).isNotNull();

        // a drain: the connection is closed with 1001 and upgrades get 503 until it ends
        server.drain(Duration.ZERO);
        assertThat(events.next()).isEqualTo("closed " + CloseCodes.GOING_AWAY);
        server.close();
        server = echoServer(port);
        assertThat(events.next()).isEqualTo("retry after close");
        assertThat(events.next()).isEqualTo("reconnected");
        assertThat(events.next()).isEqualTo("echo:hello");

        client.close();
        assertThat(events.next()).isEqualTo("closed " + CloseCodes.NORMAL);
        assertThat(events.events.poll(300, TimeUnit.MILLISECONDS)).isNull();
        assertThat(events.gaveUp).isNotDone();
    }

    @Test
    void thePolicyGivesUpAfterItsAttempts() throws Exception {
        Context gone = echoServer(0);
        int port = gone.port();
        gone.close();
        clients = Context.builder().noListener().build();
        Events events = new Events();
        ReconnectingClient.start(clients,
                ClientOptions.builder(URI.create("ws://127.0.0.1:" + port + "/"), events).build(),
                ReconnectPolicy.builder().initialDelay(Duration.ofMillis(10)).maxAttempts(3)
                        .build(), events);
        Throwable last = events.gaveUp.get(LIVENESS_SECONDS, TimeUnit.SECONDS);
        assertThat(last).isInstanceOf(WebSocketConnectException.class);
        assertThat(events.events).containsOnly("retry after failure").hasSize(3);
    }
}
