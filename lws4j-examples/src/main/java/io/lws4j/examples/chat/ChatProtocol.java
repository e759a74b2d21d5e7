package io.lws4j.examples.chat;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.HandshakeDecision;
import io.lws4j.Protocol;
import io.lws4j.Request;
import io.lws4j.threadpool.Task;
import io.lws4j.threadpool.TaskArgs;
import io.lws4j.threadpool.ThreadPool;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Protocol {@code chat}: one room per connection, named by the path {@code /chat/{room}}; the
 * query's {@code token} must be one of the server's tokens, checked in the opening handshake.
 *
 * <p>Handshake (lws FILTER_PROTOCOL_CONNECTION): a path without a room name is 404, a missing
 * or unknown token 401 with {@code WWW-Authenticate: Bearer}; nothing reaches
 * {@link #onEstablished} unless accepted. With a lookup pool, the token is checked by a
 * {@link TokenLookup} task on a {@link ThreadPool} worker, bound to the connection being
 * opened ({@link HandshakeDecision#connection()}), after a simulated delay (a database, an
 * identity service); the worker completes the decision while the service loop goes on
 * serving everyone else. A full pool queue is refused at once with 503 and
 * {@code Retry-After}; a client that leaves stops its lookup (the pool's close hooks). The
 * ended task is reaped in {@link #onEstablished}, or in {@link #onWritable} when it ended
 * just after the connection opened; a refused connection's task is cleaned when it closes.
 *
 * <p>Thread-safe: the token set is immutable, the rooms are {@link ChatRooms}, the pool is
 * set once before the context serves anyone (a volatile field); per-connection state (the
 * room name) is the connection's user data, touched on its service thread.
 */
final class ChatProtocol implements Protocol {
    private final Set<String> tokens;
    private final ChatRooms rooms;
    /** Where members' messages go: this instance's rooms, or Redis in a cluster. */
    private volatile ChatRelay relay;
    /** Where slow lookups run, null to decide on the service thread. */
    private volatile ThreadPool lookups;
    private final long lookupDelayMillis;
    /** Sees every lookup enqueued (diagnostics and tests); never null. */
    private final Consumer<TokenLookup> lookupWatcher;

    ChatProtocol(Set<String> tokens, ChatRooms rooms, long lookupDelayMillis,
            Consumer<TokenLookup> lookupWatcher) {
        this.tokens = Set.copyOf(tokens);
        this.rooms = rooms;
        this.relay = ChatRelay.local(rooms);
        this.lookupDelayMillis = lookupDelayMillis;
        this.lookupWatcher = lookupWatcher;
    }

    /**
     * @param pool where lookups run from now on; set before the context serves anyone
     */
    void lookupPool(ThreadPool pool) {
        this.lookups = pool;
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
        ThreadPool pool = lookups;
        if (pool == null) {
            decide(token, tokens, decision);
            return;
        }
        // The decision is completed on a pool worker; nothing here blocks the loop.
        TokenLookup lookup = new TokenLookup(token, tokens, decision, lookupDelayMillis);
        try {
            pool.enqueue(TaskArgs.builder(decision.connection(), lookup,
                    (TokenLookup l, io.lws4j.threadpool.TaskStatus s) -> l.step(s)).build(),
                    "lookup %s", request.path());
        } catch (RejectedExecutionException full) {
            decision.header("Retry-After", "1").refuse(503, "too many lookups; try again");
            return;
        }
        lookupWatcher.accept(lookup);
    }

    /** Reaps the connection's ended lookup task, if any (its status() does). */
    private static void reapLookup(Connection connection) {
        Task<?> task = ThreadPool.taskOf(connection);
        if (task != null) {
            task.status();
        }
    }

    static void decide(Optional<String> token, Set<String> tokens, HandshakeDecision decision) {
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
        reapLookup(connection);
    }

    @Override
    public void onWritable(Connection connection) {
        reapLookup(connection); // a lookup that ended just after the connection opened
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
