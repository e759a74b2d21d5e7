package io.lws4j.tests.autobahn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lws4j.Context;
import io.lws4j.examples.EchoServer;
import io.lws4j.internal.tls.TestCertificate;
import io.lws4j.tests.support.TlsOriginatingRelay;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Autobahn|Testsuite 0.5.6 cases 1 to 10 against lws4j's echo server over <em>wss</em>. The
 * suite's Jython {@code wstest -m fuzzingclient} cannot speak TLS, so it fuzzes a
 * {@link TlsOriginatingRelay} on 127.0.0.1, which carries every connection over TLS to
 * {@link EchoServer} started with the test certificate (the same server the plain run fuzzes).
 * The report is held to the same kind of checked-in list as the plain run's
 * ({@code autobahn-expected.txt} unless {@code lws4j.autobahn.tlsExpected} names another).
 *
 * <p>The run cannot pass without TLS: the server accepts only TLS, the relay verifies the
 * server's certificate against the test certificate alone, and the test requires one
 * completed handshake per case in the report (the fuzzingclient opens exactly one connection
 * per case) and no failed one.
 *
 * <p>Not thread-safe: instances must not be shared.
 */
class AutobahnTlsServerIT {
    /** Categories 1 to 10 of Autobahn|Testsuite 0.5.6 (12.* and 13.* are excluded). */
    private static final int EXPECTED_CASES = 301;
    /** The plain run takes about 150 s on an idle machine; this is a liveness bound only. */
    private static final Duration WHOLE_RUN = Duration.ofMinutes(20);
    private static final String AGENT = "lws4j-wss";

    private static Path runDir() {
        return Path.of(System.getProperty("lws4j.autobahn.tlsDir", "target/autobahn-tls"));
    }

    private static Path expectedFile() {
        return Path.of(System.getProperty("lws4j.autobahn.tlsExpected", "autobahn-expected.txt"));
    }

    private static String casePattern() {
        return System.getProperty("lws4j.autobahn.cases", "*");
    }

    @Test
    void everyCaseOverWssMatchesTheCheckedInExpectations_eachOnItsOwnTlsHandshake()
            throws Exception {
        Path dir = runDir();
        Path reports = dir.resolve("reports");
        AutobahnWstest.deleteTree(reports);
        Files.createDirectories(reports);
        Path log = dir.resolve("fuzzingclient.log");
        long started = System.nanoTime();
        String relayFigures;
        int handshakes;
        int accepted;
        int handshakeFailures;
        List<String> relayProblems;
        Map<String, Integer> negotiated;
        try (Context server = EchoServer.start("127.0.0.1", 0,
                    TestCertificate.get().serverContext());
                TlsOriginatingRelay relay = TlsOriginatingRelay.start(
                    new InetSocketAddress("127.0.0.1", server.port()),
                    TestCertificate.get().clientContext())) {
            Path spec = dir.resolve("fuzzingclient.json");
            Files.writeString(spec, """
                    {"outdir": "%s",
                     "servers": [{"agent": "%s", "url": "ws://127.0.0.1:%d"}],
                     "cases": ["%s"], "exclude-cases": ["12.*", "13.*"],
                     "exclude-agent-cases": {},
                     "options": {"failByDrop": false}}
                    """.formatted(AutobahnWstest.jsonString(reports.toAbsolutePath().toString()), AGENT,
                    relay.port(), AutobahnWstest.jsonString(casePattern())));
            Process fuzzer = AutobahnWstest.start("fuzzingclient", spec, log);
            try {
                if (!fuzzer.waitFor(WHOLE_RUN.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("the fuzzingclient did not finish within "
                            + WHOLE_RUN + "; last output:\n" + tail(log));
                }
            } finally {
                fuzzer.descendants().forEach(ProcessHandle::destroy);
                fuzzer.destroy();
                if (!fuzzer.waitFor(10, TimeUnit.SECONDS)) {
                    fuzzer.destroyForcibly();
                }
            }
            assertEquals(0, fuzzer.exitValue(), "fuzzingclient exit code; output:\n" + tail(log));
            accepted = relay.accepted();
            handshakes = relay.handshakes();
            handshakeFailures = relay.handshakeFailures();
            negotiated = relay.negotiated();
            relayProblems = relay.problems();
            relayFigures = "  relay: " + accepted + " connections, " + handshakes
                    + " TLS handshakes (" + negotiated + "), " + handshakeFailures
                    + " failed; " + relay.bytesToTarget() + " bytes to the server, "
                    + relay.bytesToClient() + " back; " + relay.resets() + " resets relayed\n"
                    + relayProblems.stream().map(p -> "  relay problem: " + p + "\n")
                            .reduce("", String::concat);
        }
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        Path index = reports.resolve("index.json");
        assertTrue(Files.isRegularFile(index), "the fuzzingclient wrote no " + index
                + "; output:\n" + tail(log));
        List<AutobahnReportIT.CaseResult> results = AutobahnReportIT.read(index);
        String table = "server side over wss, whole run " + elapsedMs / 1000 + " s; "
                + AutobahnReportIT.table(results) + relayFigures;
        System.out.println(table);
        Files.writeString(reports.resolve("summary.txt"), table);

        boolean fullRun = casePattern().equals("*");
        if (fullRun) {
            assertEquals(EXPECTED_CASES, results.size(), "cases in the report\n" + table);
        } else {
            assertTrue(!results.isEmpty(), "no cases in the report\n" + table);
        }
        assertEquals(0, handshakeFailures, "failed TLS connections\n" + table);
        assertEquals(results.size(), handshakes,
                "one TLS handshake per case (every case crossed TLS)\n" + table);
        assertEquals(handshakes, accepted, "every relayed connection on its own handshake\n"
                + table);
        assertTrue(relayProblems.isEmpty(), "the relay met errors other than resets\n"
                + table);
        assertTrue(negotiated.keySet().stream().allMatch(k -> k.startsWith("TLSv1.")),
                "negotiated protocols " + negotiated + "\n" + table);

        List<String> problems = AutobahnReportIT.differences(results,
                AutobahnExpectations.parse(expectedFile()), expectedFile(), reports, fullRun);
        assertTrue(problems.isEmpty(), "Autobahn results over wss differ from "
                + expectedFile().toAbsolutePath() + ":\n  " + String.join("\n  ", problems)
                + "\n" + table);
    }

    private static String tail(Path log) throws IOException {
        if (!Files.isRegularFile(log)) {
            return "(no output)";
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
