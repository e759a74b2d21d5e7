package io.lws4j.threadpool;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake service loop: one thread running posted commands in order. Counts the commands it
 * ran, so tests can check that a loop with no affected connection did no per-task work.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
final class FakeLoop implements AutoCloseable {
    private static final AtomicInteger IDS = new AtomicInteger();
    private final ExecutorService executor;
    private volatile Thread thread;
    final AtomicInteger commandsRun = new AtomicInteger();

    FakeLoop() {
        String name = "fake-loop-" + IDS.incrementAndGet();
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            thread = t;
            return t;
        });
        call(() -> null); // start the thread now
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    Thread thread() {
        return thread;
    }

    boolean execute(Runnable r) {
        try {
            executor.execute(() -> {
                commandsRun.incrementAndGet();
                r.run();
            });
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Runs {@code c} on the loop and waits (5 s at most) for its result. */
    <T> T call(Callable<T> c) {
        if (inLoop()) {
            try {
                return c.call();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        Future<T> f = executor.submit(c);
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("loop call failed", e);
        }
    }

    void run(Runnable r) {
        call(() -> {
            r.run();
            return null;
        });
    }

    /** Waits until every command posted so far has run. */
    void drain() {
        run(() -> { });
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
