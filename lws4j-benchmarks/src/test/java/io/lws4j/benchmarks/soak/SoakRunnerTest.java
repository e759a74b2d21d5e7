package io.lws4j.benchmarks.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The soak for 60 s at a connection count a shared 2-core CI machine carries: the server in
 * its own JVM, echo, chat and stream clients over ws, wss and permessage-deflate, every
 * fault kind and pool re-creation; then the pass criteria: no connection or message lost,
 * every fault answered as it should, heap, descriptors and threads back at their baseline
 * and every accepted task cleaned up exactly once. No timing assertion: the figures the
 * checks compare are counts and sizes.
 */
class SoakRunnerTest {

    @Test
    void sixtySecondsOfMixedLoadAndFaultsLeaveTheServerAtItsBaselineWithNothingLost() throws Exception {
        Path out = Path.of("target", "soak-ci");
        SoakConfig config = SoakConfig.parse(new String[] {"--connections", "400", "--duration", "60",
                "--faults", "2", "--recreate", "15", "--interval", "2", "--sample", "5", "--idle", "10",
                "--settle", "60", "--wss-share", "0.15", "--out", out.toString()});
        SoakRunner runner = new SoakRunner(config, System.err);

        SoakResult result = runner.run();

        System.out.println(result.summary());
        for (SoakResult.Check check : result.checks()) {
            assertThat(check.ok()).as(check.name() + ": " + check.detail()).isTrue();
        }
        SoakClientLoop.Totals t = result.clients();
        assertThat(t.planned()).isEqualTo(400);
        assertThat(t.echoReceived()).as("echoes").isPositive();
        assertThat(t.chatReceived()).as("chat deliveries").isPositive();
        assertThat(t.streamMessages()).as("stream messages").isPositive();
        assertThat(t.compressed()).as("compressed messages").isPositive();
        for (Faults.Kind kind : Faults.Kind.values()) {
            assertThat(result.faultsOk().get(kind).get()).as(kind + " faults answered as expected").isPositive();
        }
        assertThat(result.recreates()).as("pools re-created").isGreaterThanOrEqualTo(3);
        assertThat(result.last().get("closed1002")).as("bad frames closed 1002").isPositive();
        assertThat(result.last().get("closed1009")).as("bombs closed 1009").isPositive();
        assertThat(result.last().get("accepted")).as("stream tasks accepted").isPositive();
        assertThat(result.samples()).extracting(SoakSample::phase).contains("baseline", "load", "drained", "settle");
        assertThat(Files.readString(out.resolve("soak.svg"))).startsWith("<svg").contains("polyline");
        assertThat(Files.readString(out.resolve("summary.md"))).contains("## Soak PASSED");
    }
}
