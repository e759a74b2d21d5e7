package io.lws4j.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The example's {@code /metrics} endpoint, served by the context's own HTTP handler,
 * answers in the Prometheus text format with the lws4j meters of the run so far.
 */
class PrometheusEndpointTest {

    @Test
    void metricsEndpointAnswersInPrometheusFormat() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (PrometheusMetricsExample server = new PrometheusMetricsExample(0)) {
            StreamingClients.Client c = StreamingClients.open(http, server.port(), "/stream");
            assertThat(c.closed.get(60, TimeUnit.SECONDS)).isEqualTo(1000);
            URI metrics = URI.create("http://127.0.0.1:" + server.port() + "/metrics");
            // the task ends before the close handshake, which the server counts when it ends
            Await.until(() -> {
                String body = scrape(http, metrics).body();
                return body.contains("lws4j_pool_tasks_total{pool=\"streamers\",state=\"finished\"} 1.0")
                        && body.contains("lws4j_connections_open{context=\"example\"} 0.0");
            });
            HttpResponse<String> r = scrape(http, metrics);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue(
                    "text/plain; version=0.0.4; charset=utf-8");
            assertThat(r.body())
                    .contains("# TYPE lws4j_connections_open gauge")
                    .contains("lws4j_messages_total{context=\"example\",direction=\"out\"} "
                            + PrometheusMetricsExample.COUNT + ".0")
                    .contains("lws4j_closes_total{code=\"1000\",context=\"example\"} 1.0")
                    .contains("lws4j_pool_sync_wait_seconds_count{acknowledged=\"true\",pool=\"streamers\"} "
                            + PrometheusMetricsExample.COUNT)
                    .contains("lws4j_pool_task_duration_seconds_count{outcome=\"finished\",pool=\"streamers\"} 1");
        }
    }

    private static HttpResponse<String> scrape(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
