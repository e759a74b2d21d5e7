package io.lws4j.benchmarks.jmh;

import io.lws4j.Cancellable;
import io.lws4j.Context;
import io.lws4j.threadpool.CreateArgs;
import io.lws4j.threadpool.Task;
import io.lws4j.threadpool.TaskArgs;
import io.lws4j.threadpool.TaskReturn;
import io.lws4j.threadpool.TaskStatus;
import io.lws4j.threadpool.ThreadPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The threadpool's own cost, without sockets:
 * <ul>
 *   <li>{@code emptyTasksPool}: enqueue → run → reap of tasks that return FINISHED at once,
 *       reaped by {@code status()} on a simulated service thread (a single-thread
 *       executor standing in for the service loop), per task;</li>
 *   <li>{@code emptyTasksExecutor}: the same count of empty Runnables through a
 *       {@link ThreadPoolExecutor} with the same thread count, reaped by {@code Future.get};</li>
 *   <li>{@code syncRoundTripPool}: one task doing {@value #SYNCS} SYNCs, each answered with
 *       {@code sync(false)} from the simulated service thread's writable callback, per SYNC;</li>
 *   <li>{@code syncRoundTripExecutor}: the j.u.c. equivalent, a worker posting to the
 *       service thread and waiting on a {@link CompletableFuture}, per round trip.</li>
 * </ul>
 *
 * <p>Not thread-safe: instances must not be shared (JMH state, one benchmark thread).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PoolBenchmark {
    static final int TASKS = 256;
    static final int SYNCS = 1000;

    @Param({"3", "4"})
    public int threads;

    private ExecutorService service;
    private Thread serviceThread;
    private ThreadPool pool;
    private ThreadPoolExecutor executor;
    private ExecutorService juWorker;
    private final List<FakeConnection> connections = new ArrayList<>();
    private volatile CountDownLatch reaped;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        AtomicReference<Thread> t = new AtomicReference<>();
        service = Executors.newSingleThreadExecutor(r -> {
            Thread th = new Thread(r, "fake-service");
            th.setDaemon(true);
            t.set(th);
            return th;
        });
        service.submit(() -> { }).get();
        serviceThread = t.get();
        pool = ThreadPool.create(new InertContext(), new CreateArgs(threads, TASKS), "jmh-pool");
        executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new java.util.concurrent.LinkedBlockingQueue<>());
        juWorker = Executors.newSingleThreadExecutor();
        for (int i = 0; i < TASKS; i++) {
            connections.add(new FakeConnection(service, serviceThread, this::onWritable));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        executor.shutdownNow();
        juWorker.shutdownNow();
        service.shutdownNow();
    }

    /** The simulated service thread's writable callback: answer a SYNC or reap. */
    private void onWritable(FakeConnection c) {
        Task<?> task = ThreadPool.taskOf(c);
        if (task == null) {
            return;
        }
        TaskStatus s = task.status();
        if (s == TaskStatus.SYNCING) {
            task.sync(false);
        } else if (s == TaskStatus.FINISHED || s == TaskStatus.STOPPED) {
            reaped.countDown();
        }
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void emptyTasksPool() throws InterruptedException {
        reaped = new CountDownLatch(TASKS);
        for (FakeConnection c : connections) {
            pool.enqueue(TaskArgs.builder(c, c, (FakeConnection u, TaskStatus st) -> TaskReturn.FINISHED).build(),
                    "empty");
        }
        if (!reaped.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("tasks not reaped: " + pool.dump());
        }
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void emptyTasksExecutor() throws InterruptedException, ExecutionException {
        List<Future<?>> futures = new ArrayList<>(TASKS);
        for (int i = 0; i < TASKS; i++) {
            futures.add(executor.submit(() -> { }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
    }

    @Benchmark
    @OperationsPerInvocation(SYNCS)
    public void syncRoundTripPool() throws InterruptedException {
        reaped = new CountDownLatch(1);
        int[] left = {SYNCS};
        pool.enqueue(TaskArgs.builder(connections.get(0), left,
                (int[] u, TaskStatus st) -> u[0]-- > 0 ? TaskReturn.SYNC : TaskReturn.FINISHED).build(), "sync");
        if (!reaped.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("sync task not reaped: " + pool.dump());
        }
    }

    @Benchmark
    @OperationsPerInvocation(SYNCS)
    public void syncRoundTripExecutor() throws InterruptedException, ExecutionException {
        juWorker.submit(() -> {
            for (int i = 0; i < SYNCS; i++) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                service.execute(() -> done.complete(null));
                done.join();
            }
        }).get();
    }

    /** A context that is never used beyond being passed to {@link ThreadPool#create}. */
    private static final class InertContext implements Context {
        @Override
        public int port() {
            return 0;
        }

        @Override
        public boolean execute(Runnable command) {
            command.run();
            return true;
        }

        @Override
        public Cancellable schedule(Duration delay, Runnable action) {
            return () -> false;
        }

        @Override
        public boolean isClosed() {
            return false;
        }

        @Override
        public void close() {
        }
    }
}
