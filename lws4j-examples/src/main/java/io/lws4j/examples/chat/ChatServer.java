package io.lws4j.examples.chat;

import io.lws4j.Context;
import io.lws4j.TrustedProxies;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;
import io.lws4j.threadpool.CreateArgs;
import io.lws4j.threadpool.ThreadPool;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A chat server. Rooms at {@code ws://HOST:PORT/chat/{room}?token=T}: a missing or unknown
 * token is refused with 401 before the upgrade, any other websocket path with 404, and every
 * text message is relayed unchanged to every member of its room, the sender included, and to
 * no other room, whichever service loop each member is on. {@code http://HOST:PORT/} serves
 * a small page to chat from a browser, and {@code /health} answers
 * {@code {"status":"ok","rooms":N}} from a dynamic HTTP handler.
 *
 * <p>Command line: {@code ChatServer [--port N] [--bind HOST] [--tokens t1,t2,...]
 * [--service-threads N] [--lookup-delay-ms N] [--redis HOST:PORT] [--instance-id NAME]
 * [--trusted-proxies CIDR,...] [--drain-seconds N]} (defaults 7682, 127.0.0.1,
 * {@code demo}, 2, 0, no Redis, HOST:PORT, none, 10). With a lookup delay, every token is
 * looked up by a task on an lws4j {@link ThreadPool} ({@value #LOOKUP_WORKERS} workers, at
 * most {@value #LOOKUP_QUEUE} waiting; beyond that 503) that takes that long, and the
 * handshake is decided from the pool worker (see {@link ChatProtocol}). With
 * {@code --redis}, the instance is one of a cluster: rooms are shared with every instance
 * using the same Redis ({@link RedisRelay}). Behind a reverse proxy,
 * {@code --trusted-proxies} names it so that members' real addresses come through its
 * forwarding headers. {@code /members} tells the instance id, whether it is draining, and
 * its members' client and peer addresses. Prints {@code listening on HOST:PORT} and runs
 * until SIGINT/SIGTERM, which drain the instance ({@link #drain}).
 *
 * <p>Thread-safe: {@link #start} and {@link #close} may be called from any thread.
 */
public final class ChatServer implements AutoCloseable {
    /** The page's files, next to this class on the class path (no inline script: CSP). */
    private static final java.util.List<String> PAGE_FILES = java.util.List.of("index.html",
            "chat.js", "chat.css");
    /** Workers of the lookup pool. */
    static final int LOOKUP_WORKERS = 2;
    /** Lookups that may wait for a worker. */
    static final int LOOKUP_QUEUE = 64;
    /**
     * The prefix of the Redis channel of each room in a cluster: room R's messages are
     * published on {@code lws4j-chat.R}.
     */
    public static final String REDIS_CHANNEL_PREFIX = RedisRelay.CHANNEL_PREFIX;
    /** How often an idle member is pinged; a proxy's read timeout must be longer. */
    public static final Duration PING_INTERVAL = Duration.ofSeconds(30);
    private final Context context;
    private final Path page;
    private final ThreadPool lookups;
    private final ChatRooms rooms;
    private final LinkedBlockingQueue<TokenLookup> lookupsSeen;
    private final ChatRelay relay;
    /**
     * Set by the first of close() and the drain's end, which release what the context does
     * not own.
     */
    private final java.util.concurrent.atomic.AtomicBoolean released =
            new java.util.concurrent.atomic.AtomicBoolean();

    private ChatServer(Context context, Path page, ThreadPool lookups, ChatRooms rooms,
            LinkedBlockingQueue<TokenLookup> lookupsSeen, ChatRelay relay) {
        this.context = context;
        this.page = page;
        this.lookups = lookups;
        this.rooms = rooms;
        this.lookupsSeen = lookupsSeen;
        this.relay = relay;
    }

    /**
     * How an instance takes part in a cluster; {@link #standalone()} for a single server.
     *
     * @param instanceId a name for this instance, shown by {@code /members}
     * @param redis the Redis server relaying room messages between instances, null for none
     * @param trustedProxies the reverse proxies whose forwarding headers name the real
     *     client (see {@link io.lws4j.Context.Builder#trustedProxies}); empty for none
     */
    public record Cluster(String instanceId, InetSocketAddress redis, List<String> trustedProxies) {
        /**
         * Checks and copies.
         *
         * @param instanceId not null
         * @param redis null for none
         * @param trustedProxies addresses or CIDR ranges
         */
        public Cluster {
            Objects.requireNonNull(instanceId, "instanceId");
            trustedProxies = List.copyOf(trustedProxies);
        }

        /**
         * @return a single server: no Redis, no trusted proxy
         */
        public static Cluster standalone() {
            return new Cluster("standalone", null, List.of());
        }
    }

    /**
     * Starts a chat server.
     *
     * @param bind the host to listen on
     * @param port the port, 0 for ephemeral
     * @param tokens the accepted tokens
     * @param serviceThreads the number of service loops
     * @param lookupDelayMillis 0 to check tokens in the handshake hook itself, else the
     *     simulated duration of a lookup on a threadpool worker
     * @return the running server
     */
    public static ChatServer start(String bind, int port, Set<String> tokens, int serviceThreads,
            long lookupDelayMillis) {
        return start(bind, port, tokens, serviceThreads, lookupDelayMillis, Cluster.standalone());
    }

    /**
     * Starts a chat server, possibly as one instance of a cluster: with a Redis server, room
     * messages go through it to the members of every instance ({@link RedisRelay}); the
     * subscription is up before this returns.
     *
     * @param bind the host to listen on
     * @param port the port, 0 for ephemeral
     * @param tokens the accepted tokens
     * @param serviceThreads the number of service loops
     * @param lookupDelayMillis 0 to check tokens in the handshake hook itself, else the
     *     simulated duration of a lookup on a worker thread
     * @param cluster the instance's part in a cluster
     * @return the running server
     * @throws java.io.UncheckedIOException when Redis cannot be reached
     */
    public static ChatServer start(String bind, int port, Set<String> tokens, int serviceThreads,
            long lookupDelayMillis, Cluster cluster) {
        Path page = extractPage();
        ChatRooms rooms = new ChatRooms();
        // the latest lookups, for diagnostics; bounded so a long-running server keeps few
        LinkedBlockingQueue<TokenLookup> seen = new LinkedBlockingQueue<>(LOOKUP_QUEUE);
        ChatProtocol protocol = new ChatProtocol(tokens, rooms, lookupDelayMillis, l -> {
            while (!seen.offer(l)) {
                seen.poll();
            }
        });
        ChatRelay relay = null;
        try {
            relay = cluster.redis() == null ? ChatRelay.local(rooms)
                    : RedisRelay.start(cluster.redis(), rooms);
            protocol.relay(relay);
            Context[] self = new Context[1];
            Context context = Context.builder()
                    .bindAddress(bind)
                    .port(port)
                    .serviceThreads(serviceThreads)
                    .trustedProxies(TrustedProxies.of(cluster.trustedProxies()))
                    // keeps idle members' connections alive through proxies with read
                    // timeouts (nginx: proxy_read_timeout above this)
                    .pingInterval(PING_INTERVAL)
                    .protocol("chat", protocol)
                    .bindPath("/chat/*", "chat")
                    // a probe for load balancers: answered on the service thread, beside
                    // the static page and the websocket paths
                    .http("/health", (request, exchange) -> exchange.respond(200,
                            "application/json", "{\"status\":\"ok\",\"rooms\":"
                                    + rooms.roomCount() + "}"))
                    // which instance this is, whether it drains, and who its members are
                    .http("/members", (request, exchange) -> exchange.respond(200,
                            "application/json", "{\"instance\":\"" + cluster.instanceId()
                                    + "\",\"draining\":"
                                    + (self[0] != null && self[0].isDraining())
                                    + ",\"members\":" + rooms.memberCount() + ","
                                    + rooms.addressesJson() + "}"))
                    .mount("/", page)
                    .build();
            ThreadPool lookups = null;
            if (lookupDelayMillis > 0) {
                // set before any client can be served: a handshake that arrived meanwhile
                // was decided in the hook (the field was null), which is still correct
                lookups = ThreadPool.create(context, new CreateArgs(LOOKUP_WORKERS, LOOKUP_QUEUE),
                        "chat-lookup");
                protocol.lookupPool(lookups);
            }
            self[0] = context;
            return new ChatServer(context, page, lookups, rooms, seen, relay);
        } catch (RuntimeException e) {
            if (relay != null) {
                relay.close();
            }
            deletePage(page);
            throw e;
        }
    }

    /**
     * @return the pool the token lookups run on, null without a lookup delay
     */
    public ThreadPool lookupPool() {
        return lookups;
    }

    /**
     * @return the threads that decided the latest lookups (at most {@value #LOOKUP_QUEUE}),
     *     oldest first; a lookup still running has none yet
     */
    public java.util.List<Thread> lookupDeciders() {
        return lookupsSeen.stream().map(TokenLookup::decidedOn)
                .filter(java.util.Objects::nonNull).toList();
    }

    /**
     * @return the bound port
     */
    public int port() {
        return context.port();
    }

    /**
     * @param room a room name
     * @return how many members it has now
     */
    public int members(String room) {
        return rooms.size(room);
    }

    /**
     * @return how many members this instance has now, in all rooms
     */
    public int memberCount() {
        return rooms.memberCount();
    }

    /**
     * Closes the context (1001 to every member), stops the relay and the lookups, deletes the
     * page.
     */
    @Override
    public void close() {
        context.close();
        release();
    }

    /**
     * Drains, for a rolling restart ({@link Context#drain}): new members get 503 (a load
     * balancer retries them on another instance), every member is closed at once with 1001
     * (see {@link ChatProtocol#onDrain}) and reconnects elsewhere, then the server closes
     * as {@link #close()} does.
     *
     * @param deadline the longest wait for members to go before the context closes
     * @return completed once closed
     */
    public CompletionStage<Void> drain(Duration deadline) {
        return context.drain(deadline).thenRun(this::release);
    }

    private void release() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        relay.close(); // the context's close finished and destroyed the lookup pool
        deletePage(page);
    }

    /**
     * Runs the server until SIGINT/SIGTERM.
     *
     * @param args see the class documentation
     * @throws InterruptedException when interrupted while waiting for a signal
     */
    public static void main(String[] args) throws InterruptedException {
        int port = 7682;
        String bind = "127.0.0.1";
        Set<String> tokens = new LinkedHashSet<>(Set.of("demo"));
        int serviceThreads = 2;
        long lookupDelay = 0;
        String instanceId = null;
        InetSocketAddress redis = null;
        List<String> proxies = List.of();
        long drainSeconds = 10;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(value(args, ++i));
                case "--bind" -> bind = value(args, ++i);
                case "--tokens" -> tokens = new LinkedHashSet<>(Arrays.asList(value(args, ++i).split(",")));
                case "--service-threads" -> serviceThreads = Integer.parseInt(value(args, ++i));
                case "--lookup-delay-ms" -> lookupDelay = Long.parseLong(value(args, ++i));
                case "--instance-id" -> instanceId = value(args, ++i);
                case "--redis" -> redis = hostPort(value(args, ++i));
                case "--trusted-proxies" -> proxies = Arrays.asList(value(args, ++i).split(","));
                case "--drain-seconds" -> drainSeconds = Long.parseLong(value(args, ++i));
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]
                        + " (usage: ChatServer [--port N] [--bind HOST] [--tokens t1,t2]"
                        + " [--service-threads N] [--lookup-delay-ms N] [--redis HOST:PORT]"
                        + " [--instance-id NAME] [--trusted-proxies CIDR,...]"
                        + " [--drain-seconds N])");
            }
        }
        tokens.remove("");
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("--tokens needs at least one token");
        }
        ChatServer server = start(bind, port, tokens, serviceThreads, lookupDelay,
                new Cluster(instanceId == null ? bind + ":" + port : instanceId, redis, proxies));
        CountDownLatch stopped = new CountDownLatch(1);
        Duration drainDeadline = Duration.ofSeconds(drainSeconds);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // SIGINT/SIGTERM: drain, so members move to the other instances
            System.out.println("draining (up to " + drainDeadline.toSeconds() + " s)");
            server.drain(drainDeadline).toCompletableFuture().join();
            System.out.println("drained and closed");
            stopped.countDown();
        }, "chat-shutdown"));
        System.out.println("listening on " + bind + ":" + server.port());
        stopped.await();
    }

    private static InetSocketAddress hostPort(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("expected HOST:PORT, got " + value);
        }
        return new InetSocketAddress(value.substring(0, colon),
                Integer.parseInt(value.substring(colon + 1)));
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException("missing value after " + args[i - 1]);
        }
        return args[i];
    }

    /** The page lives on the class path; the static mount serves a directory. */
    private static Path extractPage() {
        try {
            Path dir = Files.createTempDirectory("lws4j-chat-page-");
            for (String name : PAGE_FILES) {
                try (InputStream in = ChatServer.class.getResourceAsStream(name)) {
                    if (in == null) {
                        throw new IOException(name + " missing from the class path");
                    }
                    Files.copy(in, dir.resolve(name));
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deletePage(Path dir) {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.getLogger(ChatServer.class.getName()).log(System.Logger.Level.DEBUG,
                    "cannot delete " + dir, e);
        }
    }
}
