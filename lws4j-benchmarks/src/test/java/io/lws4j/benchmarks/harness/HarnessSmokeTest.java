package io.lws4j.benchmarks.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lws4j.benchmarks.loadgen.EchoResult;
import io.lws4j.benchmarks.loadgen.EchoSpec;
import io.lws4j.benchmarks.loadgen.LoadGenerator;
import io.lws4j.benchmarks.loadgen.StreamResult;
import io.lws4j.benchmarks.loadgen.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The harness end to end on a tiny plan: floor and lws4j servers in their own JVMs, the
 * NIO load generator, the markdown report. No timing assertions: only that rows exist
 * and every message arrived exactly once, in order; over wss and with permessage-deflate,
 * also that TLS and the extension were really negotiated and messages came compressed.
 */
class HarnessSmokeTest {
    private static final Path LOGS = Path.of("target", "bench-logs-smoke");
    /** Whether this platform reports a process's CPU time (Linux does). */
    private static final boolean CPU_TIME_KNOWN =
            ProcessHandle.current().info().totalCpuDuration().isPresent();

    @Test
    void smokePassReportsRowsEveryMessageExactlyOnceInOrderAndTheCpuItCost() throws Exception {
        Harness harness = new Harness(Plan.named("smoke"), 1, LOGS, null, System.err);

        String report = harness.run(List.of("stream", "echo"));

        assertThat(harness.streamRows).extracting(Harness.StreamRow::server).contains("floor", "lws4j");
        for (Harness.StreamRow row : harness.streamRows) {
            StreamResult r = row.result();
            assertThat(r).as(row.server() + " started").isNotNull();
            assertThat(r.exactlyOnce()).as(row.server() + ": " + r.check()).isTrue();
            assertThat(r.delivered()).isEqualTo(r.expected()).isPositive();
            if (CPU_TIME_KNOWN) { // measured, if only to the clock tick: a smoke run may cost 0 ticks
                assertThat(row.cpu().server()).as(row.server() + " server CPU per message").isNotNegative();
                assertThat(row.cpu().client()).as(row.server() + " client CPU per message").isNotNegative();
            }
        }
        assertThat(harness.echoRows).extracting(Harness.EchoRow::server).contains("floor", "lws4j");
        for (Harness.EchoRow row : harness.echoRows) {
            assertEchoesCameBackIntact(row);
        }
        assertThat(report).contains("| lws4j |", "| floor |", "exactly-once");
        System.out.print(report);
    }

    @Test
    void wssStreamAndDeflateEchoRowsNegotiateWhatTheyNameAndPassTheirChecks() throws Exception {
        Plan plan = Plan.named("smoke").withTransports(Transport.parseList("wss,ws+deflate"));
        Harness harness = new Harness(plan, 1, LOGS, null, System.err);

        String report = harness.run(List.of("stream", "echo"));

        assertThat(harness.streamRows).extracting(row -> row.transport().label() + " " + row.server())
                .contains("wss floor-batch", "wss lws4j", "ws+deflate floor-batch", "ws+deflate lws4j");
        for (Harness.StreamRow row : harness.streamRows) {
            StreamResult r = row.result();
            assertThat(r).as(row.server() + " started").isNotNull();
            assertThat(r.exactlyOnce()).as(row.transport() + " " + row.server() + ": " + r.check()).isTrue();
            assertNegotiated(row.transport(), r.wire());
        }
        assertThat(harness.echoRows).extracting(row -> row.transport().label() + " " + row.server())
                .contains("wss floor", "wss lws4j", "ws+deflate floor", "ws+deflate lws4j");
        for (Harness.EchoRow row : harness.echoRows) {
            assertEchoesCameBackIntact(row);
            assertNegotiated(row.transport(), row.result().wire());
        }
        assertThat(report).contains("sync-stream over wss (TLS)", "echo over ws with permessage-deflate",
                "| lws4j |", "compressed");
        System.out.print(report);
    }

    @Test
    void ioThreadsStartsEveryEchoServerWithThatManyThreadsAndTheReportSaysSo() throws Exception {
        Harness harness = new Harness(Plan.named("smoke"), 1, LOGS, null, System.err);
        harness.ioThreads(2);

        assertThat(harness.serverArgs(Transport.WS)).containsSubsequence("--io-threads", "2");
        String report = harness.run(List.of("echo"));

        // A server that refused the option would not have started, and its row would fail.
        assertThat(harness.echoRows).extracting(Harness.EchoRow::server).contains("floor", "lws4j");
        for (Harness.EchoRow row : harness.echoRows) {
            assertEchoesCameBackIntact(row);
        }
        assertThat(report).contains("- Selector / service threads per stream and echo server: 2");
    }

    @Test
    void xsendClientSendersAndBroadcastSmokeRunsHaveARowPerServerAndEveryMessageArrived() throws Exception {
        MessagingBench bench = new MessagingBench("smoke", LOGS, System.err);

        String report = bench.run(List.of("xsend", "xsend-client", "broadcast"));

        assertThat(bench.xsendRows).extracting(MessagingBench.XsendRow::server)
                .containsExactlyInAnyOrderElementsOf(MessagingBench.SERVERS);
        for (MessagingBench.XsendRow row : bench.xsendRows) {
            var r = row.result();
            assertThat(r.expected()).isEqualTo((long) bench.xsendThreads * bench.xsendMessages);
            assertThat(r.exactlyOnceInOrder()).as(row.server() + ": " + r).isTrue();
        }
        assertThat(bench.clientRows).extracting(MessagingBench.ClientRow::client)
                .containsExactlyInAnyOrderElementsOf(MessagingBench.CLIENTS);
        for (MessagingBench.ClientRow row : bench.clientRows) {
            // the receiver answers "done" only once it counted every message
            assertThat(row.result().nanos()).as(row.client() + " client: receiver counted every message")
                    .isPositive();
        }
        assertThat(bench.broadcastRows).extracting(MessagingBench.BroadcastRow::server)
                .containsExactlyInAnyOrderElementsOf(MessagingBench.SERVERS);
        for (MessagingBench.BroadcastRow row : bench.broadcastRows) {
            assertThat(row.nanos()).as(row.server() + " broadcasts").hasSize(bench.broadcastRounds);
            assertThat(row.allReceived()).as(row.server() + ": every connection got every broadcast").isTrue();
            assertThat(row.unexpected()).as(row.server() + ": unexpected frames or closes").isZero();
            assertThat(row.heapBytes()).as(row.server() + " heap").isPositive();
        }
        for (String server : MessagingBench.SERVERS) {
            assertThat(report).contains("| " + server + " | ");
        }
        assertThat(report).contains("### xsend: ", "### xsend-client: ", "| jdk | ", "### broadcast: ")
                .doesNotContain("| NO |");
        System.out.print(report);
    }

    @Test
    void idleDeflateRowsNegotiateTheExtensionAndEchoEveryConnectionsMessage() throws Exception {
        Plan plan = Plan.named("quick").onlyServers(List.of("lws4j", "netty")).withIdleConnections(50);
        Harness harness = new Harness(plan, 1, LOGS, null, System.err);
        harness.idleMessageBytes = List.of(20, 2048);

        String report = harness.run(List.of("idle-deflate"));

        assertThat(harness.idleRows).extracting(r -> r.server() + " " + r.transport().label() + " " + r.messageBytes())
                .containsExactly("lws4j ws+deflate 20", "netty ws+deflate 20", "lws4j ws+deflate 2048",
                        "netty ws+deflate 2048");
        for (IdleBench.Row row : harness.idleRows) {
            String what = row.server() + " " + row.messageBytes() + " B: " + row.check();
            assertThat(row.ok()).as(what).isTrue();
            assertThat(row.opened()).as(what).isEqualTo(50);
            assertThat(row.echoed()).as(what).isEqualTo(50);
            assertThat(row.negotiated()).as(what).contains("permessage-deflate");
            assertThat(row.heap()[1]).as(what + ", heap").isPositive();
            assertThat(row.anonRss()[1]).as(what + ", anonymous RSS").isPositive();
            if (row.messageBytes() > 1024) { // over lws4j's compression threshold: every server compresses
                assertThat(row.compressedEchoes()).as(what).isEqualTo(50);
            }
        }
        assertThat(report).contains("idle connections after one echoed text message each",
                "| lws4j | ws+deflate | 20 | 50 |", "| netty | ws+deflate | 2048 | 50 |")
                .doesNotContain("FAILED");
        System.out.print(report);
    }

    @Test
    void idleDeflateRowFailsWhenTheServerDoesNotAcceptTheExtension() throws Exception {
        // The floor accepts permessage-deflate only when started with --deflate on.
        IdleBench bench = new IdleBench(new LoadGenerator(1), LOGS, System.err);

        IdleBench.Row row = bench.measure("floor", new Transport(false, true), 20, 4, List.of(),
                port -> Target.loopback(port).with(null, true));

        assertThat(row).isNotNull();
        assertThat(row.ok()).isFalse();
        assertThat(row.opened()).isZero();
        assertThat(row.check()).startsWith("FAILED").contains("did not accept permessage-deflate");
        assertThat(IdleBench.messageTable(List.of(row)).markdown()).contains("FAILED");
    }

    @Test
    void ioThreadsBelowOneIsRefused() {
        Harness harness = new Harness(Plan.named("smoke"), 1, LOGS, null, System.err);

        assertThatThrownBy(() -> harness.ioThreads(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--io-threads");
    }

    @Test
    void deflateRunFailsWhenTheServerDoesNotAcceptTheExtension() throws Exception {
        // The floor accepts permessage-deflate only when started with --deflate on.
        try (ServerProcess p = ServerProcess.start("floor", 0, 0, 1, List.of(), LOGS)) {
            Target target = Target.loopback(p.port()).with(null, true);

            EchoResult r = new LoadGenerator(1).echo(target,
                    new EchoSpec(2, 32, 1, Duration.ofMillis(50), Duration.ofMillis(100)));

            assertThat(r.ok()).isFalse();
            assertThat(r.failedConnections()).isEqualTo(2);
            assertThat(r.error()).contains("did not accept permessage-deflate");
        }
    }

    /**
     * The echo check without its timing part: on a loaded machine a smoke-sized measured
     * period (a few hundred ms) may see no complete round trip, so the test asks that
     * echoes came back at all (warm-up included), intact, on every connection.
     */
    private static void assertEchoesCameBackIntact(Harness.EchoRow row) {
        EchoResult r = row.result();
        String what = row.transport().label() + " " + row.server() + ": " + r.check();
        assertThat(r.failedConnections()).as(what).isZero();
        assertThat(r.corrupt()).as(what).isZero();
        assertThat(r.wire().messages()).as(what + ", echoes received").isPositive();
        if (CPU_TIME_KNOWN && r.messages() > 0) {
            assertThat(row.cpu().server()).as(what + ", server CPU per echo").isNotNegative();
            assertThat(row.cpu().client()).as(what + ", client CPU per echo").isNotNegative();
        }
    }

    private static void assertNegotiated(Transport t, io.lws4j.benchmarks.loadgen.WireStats wire) {
        assertThat(wire.negotiated()).startsWith(t.tls() ? "TLS" : "plain");
        if (t.deflate()) {
            assertThat(wire.negotiated()).contains("permessage-deflate");
            assertThat(wire.compressed()).as("compressed messages").isPositive();
        } else {
            assertThat(wire.negotiated()).doesNotContain("permessage-deflate");
            assertThat(wire.compressed()).isZero();
        }
    }
}
