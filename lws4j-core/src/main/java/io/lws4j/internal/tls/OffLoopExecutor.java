package io.lws4j.internal.tls;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shared executor for the little blocking or CPU-heavy work a service loop must not do
 * itself: {@code SSLEngine} delegated handshake tasks and client host name lookups. At most
 * one daemon thread per CPU (2 to 8), named {@code lws4j-offloop-<n>}, which end after
 * {@value #KEEP_ALIVE_SECONDS} s idle. Its queue has no bound of its own: every entry belongs
 * to a connection in its TLS handshake (at most one task each, and {@code maxConnections}
 * bounds them, the handshake timeout ends them) or to a connect attempt the application
 * started.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class OffLoopExecutor {
    static final int MAX_THREADS = Math.max(2, Math.min(8,
            Runtime.getRuntime().availableProcessors()));
    static final int KEEP_ALIVE_SECONDS = 30;
    private static final AtomicInteger THREAD_COUNT = new AtomicInteger();
    private static final ThreadPoolExecutor EXECUTOR = create();

    private OffLoopExecutor() {
    }

    private static ThreadPoolExecutor create() {
        ThreadPoolExecutor e = new ThreadPoolExecutor(MAX_THREADS, MAX_THREADS,
                KEEP_ALIVE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "lws4j-offloop-" + THREAD_COUNT.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        e.allowCoreThreadTimeOut(true);
        return e;
    }

    /**
     * @return the shared executor
     */
    public static Executor get() {
        return EXECUTOR;
    }
}
