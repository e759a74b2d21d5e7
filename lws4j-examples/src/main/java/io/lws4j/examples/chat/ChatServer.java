package io.lws4j.examples.chat;

import io.lws4j.Context;
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
 * [--service-threads N] [--lookup-delay-ms N]} (defaults 7682, 127.0.0.1, {@code demo}, 2,
 * 0). With a lookup delay, every token is looked up by a task on an lws4j
 * {@link ThreadPool} ({@value #LOOKUP_WORKERS} workers, at most {@value #LOOKUP_QUEUE} waiting;
 * beyond that 503) that takes that long, and the handshake is decided from the pool worker
 * (see {@link ChatProtocol}). Prints
 * {@code listening on HOST:PORT} and runs until SIGINT/SIGTERM.
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
    private final Context context;
    private final Path page;
    private final ThreadPool lookups;
    private final ChatRooms rooms;
    private final LinkedBlockingQueue<TokenLookup> lookupsSeen;

    private ChatServer(Context context, Path page, ThreadPool lookups, ChatRooms rooms,
            LinkedBlockingQueue<TokenLookup> lookupsSeen) {
        this.context = context;
        this.page = page;
        this.lookups = lookups;
        this.rooms = rooms;
        this.lookupsSeen = lookupsSeen;
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
        Path page = extractPage();
        ChatRooms rooms = new ChatRooms();
        // the latest lookups, for diagnostics; bounded so a long-running server keeps few
        LinkedBlockingQueue<TokenLookup> seen = new LinkedBlockingQueue<>(LOOKUP_QUEUE);
        ChatProtocol protocol = new ChatProtocol(tokens, rooms, lookupDelayMillis, l -> {
            while (!seen.offer(l)) {
                seen.poll();
            }
        });
        try {
            Context context = Context.builder()
                    .bindAddress(bind)
                    .port(port)
                    .serviceThreads(serviceThreads)
                    .protocol("chat", protocol)
                    .bindPath("/chat/*", "chat")
                    // a probe for load balancers: answered on the service thread, beside
                    // the static page and the websocket paths
                    .http("/health", (request, exchange) -> exchange.respond(200,
                            "application/json", "{\"status\":\"ok\",\"rooms\":"
                                    + rooms.roomCount() + "}"))
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
            return new ChatServer(context, page, lookups, rooms, seen);
        } catch (RuntimeException e) {
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

    /** Closes the context (1001 to every member) and its lookup pool, deletes the page. */
    @Override
    public void close() {
        context.close(); // finishes and destroys the pool too
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
        Set<String> tokens = Set.of("demo");
        int serviceThreads = 2;
        long lookupDelay = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(value(args, ++i));
                case "--bind" -> bind = value(args, ++i);
                case "--tokens" -> tokens = new LinkedHashSet<>(Arrays.asList(value(args, ++i).split(",")));
                case "--service-threads" -> serviceThreads = Integer.parseInt(value(args, ++i));
                case "--lookup-delay-ms" -> lookupDelay = Long.parseLong(value(args, ++i));
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]
                        + " (usage: ChatServer [--port N] [--bind HOST] [--tokens t1,t2]"
                        + " [--service-threads N] [--lookup-delay-ms N])");
            }
        }
        tokens.remove("");
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("--tokens needs at least one token");
        }
        ChatServer server = start(bind, port, tokens, serviceThreads, lookupDelay);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "chat-shutdown"));
        System.out.println("listening on " + bind + ":" + server.port());
        stopped.await();
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
