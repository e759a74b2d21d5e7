package io.lws4j.internal.conn;

import static io.lws4j.internal.conn.ConnectionState.CLOSED;
import static io.lws4j.internal.conn.ConnectionState.CLOSE_FLUSH;
import static io.lws4j.internal.conn.ConnectionState.CLOSE_SENT;
import static io.lws4j.internal.conn.ConnectionState.HANDSHAKE;
import static io.lws4j.internal.conn.ConnectionState.HTTP;
import static io.lws4j.internal.conn.ConnectionState.HTTP_RESPONSE;
import static io.lws4j.internal.conn.ConnectionState.LINGER;
import static io.lws4j.internal.conn.ConnectionState.OPEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConnectionStateTest {

    @Test
    void onlyTheDocumentedTransitionsAreAllowedAndClosedIsAbsorbing() {
        java.util.Map<ConnectionState, Set<ConnectionState>> documented = java.util.Map.of(
                HTTP, EnumSet.of(HTTP_RESPONSE, HANDSHAKE, OPEN, CLOSED),
                HANDSHAKE, EnumSet.of(OPEN, HTTP_RESPONSE, CLOSED),
                HTTP_RESPONSE, EnumSet.of(HTTP, LINGER, CLOSED),
                OPEN, EnumSet.of(CLOSE_SENT, CLOSE_FLUSH, CLOSED),
                CLOSE_SENT, EnumSet.of(CLOSE_FLUSH, CLOSED),
                CLOSE_FLUSH, EnumSet.of(LINGER, CLOSED),
                LINGER, EnumSet.of(CLOSED),
                CLOSED, EnumSet.noneOf(ConnectionState.class));
        for (ConnectionState from : ConnectionState.values()) {
            for (ConnectionState to : ConnectionState.values()) {
                assertThat(from.canMoveTo(to)).as(from + " -> " + to)
                        .isEqualTo(documented.get(from).contains(to));
            }
        }
    }
}
