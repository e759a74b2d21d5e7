package io.lws4j.micrometer;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.threadpool.CreateArgs;
import io.lws4j.threadpool.Task;
import io.lws4j.threadpool.TaskArgs;
import io.lws4j.threadpool.TaskReturn;
import io.lws4j.threadpool.TaskStatus;
import io.lws4j.threadpool.ThreadPool;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.RejectedExecutionException;

/**
 * A websocket server that exposes its lws4j meters on {@code /metrics} in the Prometheus
 * text format, through the context's dynamic HTTP handler. Each client gets a pool task
 * that streams {@code count} numbered messages through SYNC ({@code ws://host:port/stream}),
 * then the connection closes with 1000.
 *
 * <pre>
 * ./mvnw -B -q -pl lws4j-micrometer -am test-compile exec:java \
 *     -Dexec.mainClass=io.lws4j.micrometer.PrometheusMetricsExample \
 *     -Dexec.classpathScope=test
 * curl http://127.0.0.1:7681/metrics
 * </pre>
 *
 * <p>Threading: the protocol's callbacks run on the service loop; the task on the pool's
 * workers; the handler scrapes on the service loop (the registry is thread-safe).
 */
public final class PrometheusMetricsExample implements AutoCloseable {
    /** How many messages each client's task streams. */
    static final int COUNT = 100;

    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Context context;
    private final ThreadPool pool;
    private final ThreadPoolMetrics poolMetrics;

    /**
     * Starts the server.
     *
     * @param port the port, 0 for any
     */
    public PrometheusMetricsExample(int port) {
        Streamer streamer = new Streamer();
        context = Context.builder().name("example").bindAddress("127.0.0.1").port(port)
                .protocol("stream", streamer)
                .http("/metrics", (request, exchange) -> exchange.respond(200,
                        "text/plain; version=0.0.4; charset=utf-8", registry.scrape()))
                .build();
        pool = ThreadPool.create(context, new CreateArgs(4, 16), "streamers");
        streamer.pool = pool;
        new ContextMetrics(context).bindTo(registry);
        poolMetrics = new ThreadPoolMetrics(pool);
        poolMetrics.bindTo(registry);
    }

    /**
     * Binds this server's context and pool to another registry as well.
     *
     * @param other the registry
     */
    void bindTo(io.micrometer.core.instrument.MeterRegistry other) {
        new ContextMetrics(context).bindTo(other);
        poolMetrics.bindTo(other);
    }

    /** Stops feeding the pool's timers, in every registry. */
    void closePoolMetrics() {
        poolMetrics.close();
    }

    /** @return the bound port */
    public int port() {
        return context.port();
    }

    @Override
    public void close() {
        poolMetrics.close();
        context.close();
    }

    /** The task's user object: the next number and the text for the service thread. */
    static final class Count {
        int next;
        String out;
    }

    static TaskReturn step(Count c, TaskStatus status) {
        if (status == TaskStatus.STOPPING) {
            return TaskReturn.STOPPED;
        }
        if (c.next == COUNT) {
            return TaskReturn.FINISHED;
        }
        c.out = "n " + c.next++;
        return TaskReturn.SYNC;
    }

    /** Starts a task per connection and writes its output in onWritable. */
    static final class Streamer implements Protocol {
        volatile ThreadPool pool;

        @Override
        public void onEstablished(Connection c) {
            try {
                pool.enqueue(TaskArgs.builder(c, new Count(), PrometheusMetricsExample::step)
                        .build(), "stream");
            } catch (RejectedExecutionException busy) {
                c.close(CloseCodes.TRY_AGAIN_LATER, "busy");
            }
        }

        @Override
        public void onWritable(Connection c) {
            Task<?> task = ThreadPool.taskOf(c);
            if (task == null) {
                return;
            }
            TaskStatus status = task.status();
            if (status.isTerminal()) {
                c.close(CloseCodes.NORMAL, "done");
            } else if (status == TaskStatus.SYNCING) {
                if (c.writeText(((Count) task.user()).out)) {
                    task.sync(false);
                } else {
                    c.callbackOnWritable();
                }
            }
        }
    }

    /**
     * Runs the example until the process is stopped.
     *
     * @param args optionally the port (default 7681)
     * @throws InterruptedException when interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 7681;
        try (PrometheusMetricsExample example = new PrometheusMetricsExample(port)) {
            System.out.println("ws://127.0.0.1:" + example.port() + "/stream, metrics on http://127.0.0.1:"
                    + example.port() + "/metrics");
            Thread.currentThread().join();
        }
    }
}
