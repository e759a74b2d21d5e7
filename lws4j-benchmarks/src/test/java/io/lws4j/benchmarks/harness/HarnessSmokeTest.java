package io.lws4j.benchmarks.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.benchmarks.loadgen.EchoResult;
import io.lws4j.benchmarks.loadgen.StreamResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The harness end to end on a tiny plan: floor and lws4j servers in their own JVMs, the
 * NIO load generator, the markdown report. No timing assertions: only that rows exist
 * and every message arrived exactly once, in order.
 */
class HarnessSmokeTest {

    @Test
    void smokePassReportsRowsAndEveryMessageExactlyOnceInOrder() throws Exception {
        Harness harness = new Harness(Plan.named("smoke"), 1, Path.of("target", "bench-logs-smoke"), null, System.err);

        String report = harness.run(List.of("stream", "echo"));

        assertThat(harness.streamRows).extracting(Harness.StreamRow::server).contains("floor", "lws4j");
        for (Harness.StreamRow row : harness.streamRows) {
            StreamResult r = row.result();
            assertThat(r).as(row.server() + " started").isNotNull();
            assertThat(r.exactlyOnce()).as(row.server() + ": " + r.check()).isTrue();
            assertThat(r.delivered()).isEqualTo(r.expected()).isPositive();
        }
        assertThat(harness.echoRows).extracting(Harness.EchoRow::server).contains("floor", "lws4j");
        for (Harness.EchoRow row : harness.echoRows) {
            EchoResult r = row.result();
            assertThat(r.ok()).as(row.server() + ": " + r.check()).isTrue();
        }
        assertThat(report).contains("| lws4j |", "| floor |", "exactly-once");
        System.out.print(report);
    }
}
