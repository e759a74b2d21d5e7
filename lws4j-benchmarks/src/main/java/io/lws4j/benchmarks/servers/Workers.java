package io.lws4j.benchmarks.servers;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded executor the peer servers use for streaming tasks: {@code threads} fixed
 * workers and a wait queue of {@code queue}, rejecting beyond it (as lws4j's pool does).
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
final class Workers {
    private Workers() {
    }

    static ThreadPoolExecutor bounded(String name, int threads, int queue) {
        AtomicInteger index = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(Math.max(1, queue)), r -> {
                    Thread t = new Thread(r, name + "-" + index.getAndIncrement());
                    t.setDaemon(true);
                    return t;
                });
    }
}
