package io.lws4j.micrometer;

import io.lws4j.threadpool.PoolListener;
import io.lws4j.threadpool.TaskStatus;
import io.lws4j.threadpool.ThreadPool;
import io.lws4j.threadpool.ThreadPoolMXBean;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Binds a thread pool's figures to a Micrometer registry: its {@code diagnose()} figures
 * and counters ({@link ThreadPool#statistics()}), read when the registry asks, and timers
 * fed as tasks and SYNC waits end, through a {@link PoolListener} that {@link #bindTo}
 * registers and {@link #close()} removes.
 *
 * <table class="striped">
 * <caption>Meters (all tagged {@code pool=<name>})</caption>
 * <tr><th>Name</th><th>Type</th><th>Tags</th></tr>
 * <tr><td>{@code lws4j.pool.tasks.ongoing}, {@code lws4j.pool.workers},
 *     {@code lws4j.pool.queue.depth}, {@code lws4j.pool.tasks.unreaped}</td><td>gauge</td>
 *     <td></td></tr>
 * <tr><td>{@code lws4j.pool.queue.oldest}</td><td>time gauge</td><td></td></tr>
 * <tr><td>{@code lws4j.pool.tasks}</td><td>counter</td><td>{@code state=accepted|rejected|
 *     finished|stopped|failed}</td></tr>
 * <tr><td>{@code lws4j.pool.syncs}</td><td>counter</td><td>{@code state=entered|late|
 *     abandoned}</td></tr>
 * <tr><td>{@code lws4j.pool.task.duration}</td><td>timer: time on a worker</td>
 *     <td>{@code outcome=finished|stopped|failed}</td></tr>
 * <tr><td>{@code lws4j.pool.task.queued}</td><td>timer: time in the queue</td><td></td></tr>
 * <tr><td>{@code lws4j.pool.sync.wait}</td><td>timer: SYNC to acknowledgement</td>
 *     <td>{@code acknowledged=true|false}</td></tr>
 * </table>
 *
 * <p>The timers cost a few adder updates on the worker per SYNC and per task; the rest is
 * read on demand.
 *
 * <p>Thread-safe: {@link #bindTo} and {@link #close()} may be called from any thread; the
 * listener is called on the pool's workers.
 */
public final class ThreadPoolMetrics implements MeterBinder, AutoCloseable {
    private final ThreadPool pool;
    private final ThreadPoolMXBean stats;
    private final Iterable<Tag> tags;
    /** Guarded by itself: the listeners {@link #bindTo} registered. */
    private final List<PoolListener> listeners = new ArrayList<>();

    /**
     * A binder with no tags beyond {@code pool}.
     *
     * @param pool the pool
     */
    public ThreadPoolMetrics(ThreadPool pool) {
        this(pool, Tags.empty());
    }

    /**
     * A binder that adds {@code tags} to every meter.
     *
     * @param pool the pool
     * @param tags extra tags, such as the context's name
     */
    public ThreadPoolMetrics(ThreadPool pool, Iterable<Tag> tags) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.stats = pool.statistics();
        this.tags = Tags.concat(Objects.requireNonNull(tags, "tags"), "pool", pool.name());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(registry, "lws4j.pool.tasks.ongoing", "tasks on a worker",
                ThreadPoolMXBean::getOngoing);
        gauge(registry, "lws4j.pool.workers", "live worker threads",
                ThreadPoolMXBean::getPossible);
        gauge(registry, "lws4j.pool.queue.depth", "tasks waiting for a worker",
                ThreadPoolMXBean::getQueueDepth);
        gauge(registry, "lws4j.pool.tasks.unreaped", "ended tasks not yet reaped",
                ThreadPoolMXBean::getDoneUnreaped);
        TimeGauge.builder("lws4j.pool.queue.oldest", stats, TimeUnit.MILLISECONDS,
                ThreadPoolMXBean::getOldestWaitMillis)
                .description("how long the oldest waiting task has waited").tags(tags)
                .register(registry);
        counter(registry, "lws4j.pool.tasks", "accepted", ThreadPoolMXBean::getAccepted);
        counter(registry, "lws4j.pool.tasks", "rejected", ThreadPoolMXBean::getRejected);
        counter(registry, "lws4j.pool.tasks", "finished", ThreadPoolMXBean::getFinished);
        counter(registry, "lws4j.pool.tasks", "stopped", ThreadPoolMXBean::getStopped);
        counter(registry, "lws4j.pool.tasks", "failed", ThreadPoolMXBean::getFailed);
        counter(registry, "lws4j.pool.syncs", "entered", ThreadPoolMXBean::getSyncWaits);
        counter(registry, "lws4j.pool.syncs", "late", ThreadPoolMXBean::getLateSyncs);
        counter(registry, "lws4j.pool.syncs", "abandoned", ThreadPoolMXBean::getAbandonedSyncs);

        Timer finished = taskTimer(registry, "finished");
        Timer stopped = taskTimer(registry, "stopped");
        Timer failed = taskTimer(registry, "failed");
        Timer queued = Timer.builder("lws4j.pool.task.queued")
                .description("time a task waited in the queue").tags(tags).register(registry);
        Timer acknowledged = syncTimer(registry, true);
        Timer unacknowledged = syncTimer(registry, false);
        PoolListener listener = new PoolListener() {
            @Override
            public void taskEnded(TaskStatus status, boolean threw, long queuedNanos,
                                  long workerNanos) {
                Timer t = threw ? failed : status == TaskStatus.FINISHED ? finished : stopped;
                t.record(workerNanos, TimeUnit.NANOSECONDS);
                queued.record(queuedNanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void syncWaitEnded(long waitNanos, boolean ack) {
                (ack ? acknowledged : unacknowledged).record(waitNanos, TimeUnit.NANOSECONDS);
            }
        };
        synchronized (listeners) {
            listeners.add(listener);
        }
        pool.addListener(listener);
    }

    /** Stops feeding the timers of every registry this binder was bound to. */
    @Override
    public void close() {
        synchronized (listeners) {
            for (PoolListener l : listeners) {
                pool.removeListener(l);
            }
            listeners.clear();
        }
    }

    private Timer taskTimer(MeterRegistry registry, String outcome) {
        return Timer.builder("lws4j.pool.task.duration")
                .description("time a task spent on its worker: calls and SYNC waits")
                .tags(tags).tag("outcome", outcome).register(registry);
    }

    private Timer syncTimer(MeterRegistry registry, boolean ack) {
        return Timer.builder("lws4j.pool.sync.wait")
                .description("time from a task's SYNC to its acknowledgement or stop")
                .tags(tags).tag("acknowledged", Boolean.toString(ack)).register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description,
            ToDoubleFunction<ThreadPoolMXBean> read) {
        Gauge.builder(name, stats, read).description(description).tags(tags).register(registry);
    }

    private void counter(MeterRegistry registry, String name, String state,
            ToDoubleFunction<ThreadPoolMXBean> read) {
        FunctionCounter.builder(name, stats, read).description("tasks and SYNC waits by state")
                .tags(tags).tag("state", state).register(registry);
    }
}
