package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.internal.conn.Liveness.Due;
import io.lws4j.internal.loop.ContextImpl;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Durations too long for {@code Duration.toNanos()} (or whose deadline would wrap) are valid
 * settings: they saturate, so a context with them serves and closes like any other, and a
 * user timeout that long neither throws nor fires.
 */
class ContextHugeDurationsTest {

    private final RecordingProtocol protocol = new RecordingProtocol();
    private Context context;

    @AfterEach
    void closeContext() {
        if (context != null) {
            context.close();
        }
    }

    static Stream<Duration> hugeDurations() {
        return Stream.of(Duration.ofDays(1_000_000), ChronoUnit.FOREVER.getDuration(),
                Duration.ofSeconds(Long.MAX_VALUE / 1_000_000_000L));
    }

    private Context start(Duration huge) {
        context = Context.builder().bindAddress("127.0.0.1").port(0)
                .idleTimeout(huge).pingInterval(huge).handshakeTimeout(huge)
                .protocol("echo", protocol).build();
        return context;
    }

    @ParameterizedTest
    @MethodSource("hugeDurations")
    void aContextWithHugeIdleTimeoutPingIntervalAndHandshakeTimeoutServesAndClosesNormally(
            Duration huge) throws Exception {
        start(huge);
        JdkClient client = JdkClient.connect(context.port(), "echo");
        client.socket.sendText("hello", true).get(10, TimeUnit.SECONDS);
        assertThat(client.nextMessage()).isEqualTo("hello");
        Connection c = protocol.awaitEstablished();
        assertThat(c.isOpen()).isTrue();
        client.socket.sendClose(CloseCodes.NORMAL, "bye").get(10, TimeUnit.SECONDS);
        assertThat(client.awaitClose().code()).isEqualTo(CloseCodes.NORMAL);
        RecordingProtocol.Closed closed = protocol.awaitClosed();
        assertThat(closed.code()).isEqualTo(CloseCodes.NORMAL);
        assertThat(closed.reason()).isEqualTo("bye");
        assertThat(client.pongs).isEmpty(); // no ping fell due (a pong would answer it)
        context.close();
        assertThat(context.isClosed()).isTrue();
        context = null;
    }

    @ParameterizedTest
    @MethodSource("hugeDurations")
    void hugeLivenessSettingsFallDueFarAheadWhateverTheClockReads(Duration huge) {
        start(huge);
        ConnectionSettings settings = new ConnectionSettings(context,
                ((ContextImpl) context).config(), List.of("echo"), null, null);
        Liveness liveness = settings.liveness();
        assertThat(liveness.isEnabled()).isTrue();
        long day = TimeUnit.DAYS.toNanos(1);
        // nanoTime may read anything, near the wrap included: only differences count
        for (long now : new long[] {0, Long.MAX_VALUE - day, Long.MIN_VALUE + day, -day}) {
            assertThat(liveness.nextCheck(now, now) - now).isGreaterThan(day * 365 * 70);
            assertThat(liveness.check(now + day * 365, now, now)).isEqualTo(Due.NOTHING);
        }
    }

    @ParameterizedTest
    @MethodSource("hugeDurations")
    void setTimeoutWithAHugeDurationNeitherThrowsNorFires(Duration huge) throws Exception {
        context = Context.builder().bindAddress("127.0.0.1").port(0)
                .protocol("echo", protocol).build();
        protocol.textHandler = (c, text) -> {
            if (text.equals("arm")) {
                String outcome;
                try {
                    c.setTimeout(huge);
                    outcome = "armed";
                } catch (RuntimeException e) {
                    outcome = "threw " + e;
                }
                c.writeText(outcome);
            } else {
                c.writeText(text);
            }
        };
        JdkClient client = JdkClient.connect(context.port(), "echo");
        client.socket.sendText("arm", true).get(10, TimeUnit.SECONDS);
        assertThat(client.nextMessage()).isEqualTo("armed");
        // a timeout that fired would have closed with POLICY_VIOLATION "timeout" by now or
        // soon; the connection still echoes, then closes with the client's code
        Thread.sleep(200);
        client.socket.sendText("still open", true).get(10, TimeUnit.SECONDS);
        assertThat(client.nextMessage()).isEqualTo("still open");
        client.socket.sendClose(CloseCodes.NORMAL, "bye").get(10, TimeUnit.SECONDS);
        assertThat(client.awaitClose().code()).isEqualTo(CloseCodes.NORMAL);
        assertThat(protocol.awaitClosed().code()).isEqualTo(CloseCodes.NORMAL);
    }

    @Test
    void aNegativeOrZeroLivenessSettingStaysDisabled() {
        context = Context.builder().bindAddress("127.0.0.1").port(0)
                .idleTimeout(Duration.ZERO).pingInterval(Duration.ZERO)
                .protocol("echo", protocol).build();
        ConnectionSettings settings = new ConnectionSettings(context,
                ((ContextImpl) context).config(), List.of("echo"), null, null);
        assertThat(settings.liveness().isEnabled()).isFalse();
    }
}
