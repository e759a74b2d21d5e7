package io.lws4j.examples.chat;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.HandshakeDecision;
import io.lws4j.Protocol;
import io.lws4j.Request;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;

/**
 * Protocol {@code chat}: one room per connection, named by the path {@code /chat/{room}}; the
 * query's {@code token} must be one of the server's tokens, checked in the opening handshake.
 *
 * <p>Handshake (lws FILTER_PROTOCOL_CONNECTION): a path without a room name is 404, a missing
 * or unknown token 401 with {@code WWW-Authenticate: Bearer}; nothing reaches
 * {@link #onEstablished} unless accepted. With a lookup executor, the token is checked there
 * after a simulated delay (a database, an identity service) and the decision completed from
 * that thread, while the service loop goes on serving everyone else.
 *
 * <p>Thread-safe: the token set is immutable, the rooms are {@link ChatRooms}; per-connection
 * state (the room name) is the connection's user data, touched on its service thread.
 */
final class ChatProtocol implements Protocol {
    private final Set<String> tokens;
    private final ChatRooms rooms;
    /** Where members' messages go: this instance's rooms, or Redis in a cluster. */
    private volatile ChatRelay relay;
    /** Where slow lookups run, null to decide on the service thread. */
    private final Executor lookups;
    private final long lookupDelayMillis;

    ChatProtocol(Set<String> tokens, ChatRooms rooms, Executor lookups, long lookupDelayMillis) {
        this.tokens = Set.copyOf(tokens);
        this.rooms = rooms;
        this.relay = ChatRelay.local(rooms);
        this.lookups = lookups;
        this.lookupDelayMillis = lookupDelayMillis;
    }

    /**
     * Sets where messages go; called before the context starts serving.
     *
     * @param relay the relay
     */
    void relay(ChatRelay relay) {
        this.relay = relay;
    }

    /**
     * @param request a request to this protocol's path
     * @return the room it names, empty when none
     */
    static Optional<String> roomOf(Request request) {
        String path = request.path();
        String room = path.startsWith("/chat/") ? path.substring("/chat/".length()) : "";
        return room.isEmpty() || room.contains("/") ? Optional.empty() : Optional.of(room);
    }

    @Override
    public void onHandshake(Request request, HandshakeDecision decision) {
        if (roomOf(request).isEmpty()) {
            decision.refuse(404, "no room: connect to /chat/{room}?token=T");
            return;
        }
        Optional<String> token = request.queryParam("token");
        if (lookups == null) {
            decide(token, decision);
            return;
        }
        // The decision is completed on the lookup thread; nothing here blocks the loop.
        CompletableFuture.delayedExecutor(lookupDelayMillis, TimeUnit.MILLISECONDS, lookups)
                .execute(() -> decide(token, decision));
    }

    private void decide(Optional<String> token, HandshakeDecision decision) {
        if (token.isPresent() && tokens.contains(token.get())) {
            decision.accept();
        } else {
            decision.header("WWW-Authenticate", "Bearer realm=\"chat\"")
                    .refuse(401, token.isEmpty() ? "token required" : "unknown token");
        }
    }

    @Override
    public void onEstablished(Connection connection) {
        String room = roomOf(connection.request()).orElseThrow();
        connection.userData(room);
        rooms.join(room, connection);
    }

    @Override
    public void onText(Connection connection, String text) {
        if (!relay.publish(connection.userData(), text)) {
            connection.close(CloseCodes.TRY_AGAIN_LATER, "the room relay is overloaded");
        }
    }

    /**
     * The instance is draining (a rolling restart): a chat member has nothing to finish, so
     * it is closed at once with 1001, and its client reconnects, through the load balancer,
     * to another instance.
     */
    @Override
    public void onDrain(Connection connection) {
        connection.close(CloseCodes.GOING_AWAY, "instance draining; reconnect");
    }

    @Override
    public void onClosed(Connection connection, int closeCode, String reason) {
        String room = connection.userData();
        if (room != null) {
            rooms.leave(room, connection);
        }
    }
}
