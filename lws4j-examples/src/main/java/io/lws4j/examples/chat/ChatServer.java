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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

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
 * 0). With a lookup delay, every token is looked up on a worker thread after that delay and
 * the handshake decided from there (see {@link ChatProtocol}). Prints
 * {@code listening on HOST:PORT} and runs until SIGINT/SIGTERM.
 *
 * <p>Thread-safe: {@link #start} and {@link #close} may be called from any thread.
 */
public final class ChatServer implements AutoCloseable {
    /** The page's files, next to this class on the class path (no inline script: CSP). */
    private static final java.util.List<String> PAGE_FILES = java.util.List.of("index.html",
            "chat.js", "chat.css");
    private final Context context;
    private final Path page;
    private final ExecutorService lookups;
    private final ChatRooms rooms;

    private ChatServer(Context context, Path page, ExecutorService lookups, ChatRooms rooms) {
        this.context = context;
        this.page = page;
        this.lookups = lookups;
        this.rooms = rooms;
    }

    /**
     * Starts a chat server.
     *
     * @param bind the host to listen on
     * @param port the port, 0 for ephemeral
     * @param tokens the accepted tokens
     * @param serviceThreads the number of service loops
     * @param lookupDelayMillis 0 to check tokens in the handshake hook itself, else the
     *     simulated duration of a lookup on a worker thread
     * @return the running server
     */
    public static ChatServer start(String bind, int port, Set<String> tokens, int serviceThreads,
            long lookupDelayMillis) {
        Path page = extractPage();
        ExecutorService lookups = null;
        if (lookupDelayMillis > 0) {
            AtomicInteger n = new AtomicInteger();
            lookups = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "chat-lookup-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        ChatRooms rooms = new ChatRooms();
        try {
            Context context = Context.builder()
                    .bindAddress(bind)
                    .port(port)
                    .serviceThreads(serviceThreads)
                    .protocol("chat", new ChatProtocol(tokens, rooms, lookups, lookupDelayMillis))
                    .bindPath("/chat/*", "chat")
                    // a probe for load balancers: answered on the service thread, beside
                    // the static page and the websocket paths
                    .http("/health", (request, exchange) -> exchange.respond(200,
                            "application/json", "{\"status\":\"ok\",\"rooms\":"
                                    + rooms.roomCount() + "}"))
                    .mount("/", page)
                    .build();
            return new ChatServer(context, page, lookups, rooms);
        } catch (RuntimeException e) {
            if (lookups != null) {
                lookups.shutdownNow();
            }
            deletePage(page);
            throw e;
        }
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

    /** Closes the context (1001 to every member), stops the lookups, deletes the page. */
    @Override
    public void close() {
        context.close();
        if (lookups != null) {
            lookups.shutdownNow();
        }
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
