package io.lws4j.benchmarks.servers;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The opening-handshake check every server applies in the handshake workload, in its own
 * library's hook: lws4j's {@code Protocol.onHandshake}, Jetty's {@code WebSocketCreator}
 * (the upgrade mapping), a Netty handler in front of {@code WebSocketServerProtocolHandler}.
 * {@code none}: no check. {@code token}: the request's query must carry
 * {@code token=}{@link #TOKEN}, else 401; decided in the hook, on the I/O or dispatch thread.
 * {@code deferred}: the same check run on one of {@link #DECIDERS} threads of a shared
 * executor (a token service or database stand-in), the answer handed back to the library the
 * way it allows: lws4j completes its {@code HandshakeDecision} from there, Netty resumes the
 * pipeline on the channel's event loop, and Jetty's creator, which must answer before it
 * returns, waits for it on its dispatch thread.
 *
 * <p>Thread-safe: immutable constants and a thread-safe executor.
 */
final class HandshakeFilter {
    static final String NONE = "none";
    static final String TOKEN_CHECK = "token";
    static final String DEFERRED = "deferred";
    /** The token the load generator sends ({@code ?token=bench-token}). */
    static final String TOKEN = "bench-token";
    /** Threads deciding deferred checks. */
    static final int DECIDERS = 2;

    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Deferred checks run here; daemon threads, they die with the server's JVM. */
    static final ExecutorService DECIDER_POOL = Executors.newFixedThreadPool(DECIDERS, r -> {
        Thread t = new Thread(r, "handshake-decider-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private HandshakeFilter() {
    }

    /**
     * @param value a {@code --filter} value
     * @return it, when known
     * @throws IllegalArgumentException otherwise
     */
    static String check(String value) {
        if (!value.equals(NONE) && !value.equals(TOKEN_CHECK) && !value.equals(DEFERRED)) {
            throw new IllegalArgumentException("--filter none|token|deferred, not " + value);
        }
        return value;
    }

    /**
     * @param rawQuery the request's query string, undecoded (null for none)
     * @return true when one of its parameters is {@code token=}{@link #TOKEN}
     */
    static boolean admits(String rawQuery) {
        if (rawQuery == null) {
            return false;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.equals("token=" + TOKEN)) {
                return true;
            }
        }
        return false;
    }
}
