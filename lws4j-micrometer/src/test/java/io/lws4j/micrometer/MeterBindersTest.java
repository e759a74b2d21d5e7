package io.lws4j.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The context and pool binders on a {@link SimpleMeterRegistry} while real clients stream
 * through the pool: counters and gauges read the context and pool, timers count every
 * SYNC wait and task.
 */
class MeterBindersTest {
    private static final int CLIENTS = 3;

    @Test
    void bindersReportTheRunInTheRegistry() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        HttpClient http = HttpClient.newHttpClient();
        try (PrometheusMetricsExample server = new PrometheusMetricsExample(0)) {
            // the example binds to its own Prometheus registry; bind this one too
            server.bindTo(registry);
            List<StreamingClients.Client> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(StreamingClients.open(http, server.port(), "/stream"));
            }
            for (StreamingClients.Client c : clients) {
                assertThat(c.closed.get(60, TimeUnit.SECONDS)).isEqualTo(1000);
                assertThat(c.texts.get()).isEqualTo(PrometheusMetricsExample.COUNT);
            }
            long messages = (long) CLIENTS * PrometheusMetricsExample.COUNT;
            awaitCount(registry, CLIENTS);
            // the server counts a close when the close handshake ends, after the client saw it
            Await.until(() -> registry.get("lws4j.connections.open").gauge().value() == 0);

            assertThat(registry.get("lws4j.messages").tag("direction", "out").tag("context", "example")
                    .functionCounter().count()).isEqualTo(messages);
            assertThat(registry.get("lws4j.bytes").tag("direction", "out").functionCounter().count())
                    .isGreaterThan(messages * "n 1".length());
            assertThat(registry.get("lws4j.connections.opened").functionCounter().count())
                    .isEqualTo(CLIENTS);
            assertThat(registry.get("lws4j.closes").tag("code", "1000").functionCounter().count())
                    .isEqualTo(CLIENTS);
            assertThat(registry.get("lws4j.closes").tag("code", "other").functionCounter().count())
                    .isZero();
            assertThat(registry.get("lws4j.handshakes.refused").tag("reason", "no-endpoint")
                    .functionCounter().count()).isZero();
            assertThat(registry.get("lws4j.pool.tasks").tag("state", "accepted").tag("pool", "streamers")
                    .functionCounter().count()).isEqualTo(CLIENTS);
            assertThat(registry.get("lws4j.pool.syncs").tag("state", "entered")
                    .functionCounter().count()).isEqualTo(messages);
            assertThat(registry.get("lws4j.pool.workers").gauge().value()).isEqualTo(4);

            Timer syncs = registry.get("lws4j.pool.sync.wait").tag("acknowledged", "true").timer();
            assertThat(syncs.count()).isEqualTo(messages);
            assertThat(syncs.totalTime(TimeUnit.NANOSECONDS)).isPositive();
            assertThat(registry.get("lws4j.pool.sync.wait").tag("acknowledged", "false").timer()
                    .count()).isZero();
            Timer tasks = registry.get("lws4j.pool.task.duration").tag("outcome", "finished").timer();
            assertThat(tasks.count()).isEqualTo(CLIENTS);
            // a task's time on its worker holds all its SYNC waits
            assertThat(tasks.totalTime(TimeUnit.NANOSECONDS))
                    .isGreaterThanOrEqualTo(syncs.totalTime(TimeUnit.NANOSECONDS));
            assertThat(registry.get("lws4j.pool.task.queued").timer().count()).isEqualTo(CLIENTS);
            assertThat(registry.get("lws4j.outbound.queued").gauge().value()).isZero();
            // the JDK's client offers no permessage-deflate: nothing compressed, nothing limited
            assertThat(registry.get("lws4j.compression.memory").gauge().value()).isZero();
            assertThat(registry.get("lws4j.compression.uncompressed").functionCounter().count()).isZero();
            assertThat(registry.get("lws4j.compression.offers.declined").functionCounter().count())
                    .isZero();
        }
    }

    @Test
    void closeStopsFeedingTheTimers() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        HttpClient http = HttpClient.newHttpClient();
        try (PrometheusMetricsExample server = new PrometheusMetricsExample(0)) {
            server.bindTo(registry);
            server.closePoolMetrics();
            StreamingClients.Client c = StreamingClients.open(http, server.port(), "/stream");
            assertThat(c.closed.get(60, TimeUnit.SECONDS)).isEqualTo(1000);
            awaitCount(registry, 1);
            assertThat(registry.get("lws4j.pool.syncs").tag("state", "entered")
                    .functionCounter().count()).isEqualTo(PrometheusMetricsExample.COUNT);
            assertThat(registry.get("lws4j.pool.sync.wait").tag("acknowledged", "true").timer()
                    .count()).isZero();
        }
    }

    private static void awaitCount(SimpleMeterRegistry registry, int tasks) throws Exception {
        Await.until(() -> registry.get("lws4j.pool.tasks").tag("state", "finished")
                .functionCounter().count() == tasks);
    }
}
