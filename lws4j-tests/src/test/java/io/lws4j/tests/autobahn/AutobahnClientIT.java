package io.lws4j.tests.autobahn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.client.ClientOptions;
import io.lws4j.client.WebSocketClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Autobahn|Testsuite 0.5.6 cases 1 to 10 against lws4j's websocket <em>client</em>: starts the
 * suite's {@code wstest -m fuzzingserver} (bundled in the Autobahn Maven plugin, run under
 * Jython as a separate process), drives every case with an echoing {@link WebSocketClient}
 * connection, has the suite write its report and holds the report's {@code index.json} to
 * {@code autobahn-client-expected.txt} (same format and rules as the server's list).
 *
 * <p>The suite runs through {@link AutobahnWstest}.
 *
 * <p>Not thread-safe: instances must not be shared.
 */
class AutobahnClientIT {
    /** Categories 1 to 10 of Autobahn|Testsuite 0.5.6 (12.* and 13.* are excluded). */
    private static final int EXPECTED_CASES = 301;
    /** Autobahn's largest message is 16 MiB; the echo must take it in and send it back. */
    private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024 + 64 * 1024;
    /**
     * Jython's start-up (importing twisted) usually takes seconds; on a shared 2-core machine
     * at a load of 30 it took over 90 s. A liveness bound, not a speed check.
     */
    private static final Duration SERVER_START = Duration.ofMinutes(5);
    /** A case that has not closed by then is reported as such (Autobahn's own limits are lower). */
    private static final Duration PER_CASE = Duration.ofSeconds(120);
    private static final Duration WHOLE_RUN = Duration.ofMinutes(25);
    private static final String AGENT = "lws4j";

    private static Path clientDir() {
        return Path.of(System.getProperty("lws4j.autobahn.clientDir", "target/autobahn-client"));
    }

    private static Path expectedFile() {
        return Path.of(System.getProperty("lws4j.autobahn.clientExpected",
                "autobahn-client-expected.txt"));
    }

    private static String casePattern() {
        return System.getProperty("lws4j.autobahn.cases", "*");
    }

    @Test
    void everyClientCaseMatchesTheCheckedInExpectations() throws Exception {
        Path dir = clientDir();
        Path reports = dir.resolve("reports");
        AutobahnWstest.deleteTree(reports);
        Files.createDirectories(reports);
        int port = freePort();
        Path spec = dir.resolve("fuzzingserver.json");
        Files.writeString(spec, """
                {"url": "ws://127.0.0.1:%d", "outdir": "%s",
                 "cases": ["%s"], "exclude-cases": ["12.*", "13.*"], "exclude-agent-cases": {},
                 "options": {"failByDrop": false}}
                """.formatted(port, AutobahnWstest.jsonString(reports.toAbsolutePath().toString()),
                AutobahnWstest.jsonString(casePattern())));
        Path log = dir.resolve("fuzzingserver.log");
        Process server = AutobahnWstest.start("fuzzingserver", spec, log);
        long started = System.nanoTime();
        List<String> driverProblems = new ArrayList<>();
        try (Context context = Context.builder().noListener()
                .maxMessageSize(MAX_MESSAGE_BYTES)
                .maxOutboundBytes(2 * MAX_MESSAGE_BYTES)
                .build()) {
            awaitListening(port, server, log);
            URI base = URI.create("ws://127.0.0.1:" + port);
            int count = Integer.parseInt(caseCount(context, base).strip());
            long deadline = System.nanoTime() + WHOLE_RUN.toNanos();
            for (int n = 1; n <= count; n++) {
                if (System.nanoTime() > deadline) {
                    driverProblems.add("whole run over " + WHOLE_RUN + ": stopped before case "
                            + n + " of " + count);
                    break;
                }
                String problem = runCase(context, base.resolve("/runCase?case=" + n + "&agent="
                        + AGENT));
                if (problem != null) {
                    driverProblems.add("case number " + n + ": " + problem);
                }
            }
            String update = awaitClose(context, base.resolve("/updateReports?agent=" + AGENT),
                    new Protocol() { }, Duration.ofMinutes(2));
            if (update != null) {
                driverProblems.add("updateReports: " + update);
            }
        } finally {
            server.descendants().forEach(ProcessHandle::destroy);
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        check(reports, driverProblems, elapsedMs);
    }

    private static void check(Path reports, List<String> driverProblems, long elapsedMs)
            throws IOException {
        Path index = reports.resolve("index.json");
        assertTrue(Files.isRegularFile(index), "the fuzzingserver wrote no " + index
                + "; driver problems: " + driverProblems);
        List<AutobahnReportIT.CaseResult> results = AutobahnReportIT.read(index);
        AutobahnExpectations expectations = AutobahnExpectations.parse(expectedFile());
        String table = "client side, whole run " + elapsedMs / 1000 + " s; "
                + AutobahnReportIT.table(results)
                + (driverProblems.isEmpty() ? "" : "  driver: " + String.join("\n  driver: ",
                        driverProblems) + "\n");
        System.out.println(table);
        Files.writeString(reports.resolve("summary.txt"), table);

        boolean fullRun = casePattern().equals("*");
        List<String> problems = new ArrayList<>(driverProblems);
        problems.addAll(AutobahnReportIT.differences(results, expectations, expectedFile(),
                reports, fullRun));
        if (fullRun) {
            assertEquals(EXPECTED_CASES, results.size(), "cases in the report\n" + table);
        } else {
            assertTrue(!results.isEmpty(), "no cases in the report\n" + table);
        }
        assertTrue(problems.isEmpty(), "Autobahn client results differ from "
                + expectedFile().toAbsolutePath() + ":\n  " + String.join("\n  ", problems)
                + "\n" + table);
    }

    /** {@code /getCaseCount}: the server sends the count as one text message, then closes. */
    private static String caseCount(Context context, URI base) throws Exception {
        CompletableFuture<String> count = new CompletableFuture<>();
        String problem = awaitClose(context, base.resolve("/getCaseCount"), new Protocol() {
            @Override
            public void onText(Connection connection, String text) {
                count.complete(text);
            }
        }, Duration.ofSeconds(30));
        assertTrue(count.isDone(), "no case count from the fuzzingserver: " + problem);
        return count.get();
    }

    /** One case with the echo protocol; null when it ran to a close, else what went wrong. */
    private static String runCase(Context context, URI uri) throws InterruptedException {
        return awaitClose(context, uri, new EchoProtocol(), PER_CASE);
    }

    /** Connects with {@code protocol} and waits for the connection to close. */
    private static String awaitClose(Context context, URI uri, Protocol protocol,
            Duration limit) throws InterruptedException {
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        Protocol watched = new Protocol() {
            @Override
            public void onText(Connection connection, String text) {
                protocol.onText(connection, text);
            }

            @Override
            public void onBinary(Connection connection, ByteBuffer data) {
                protocol.onBinary(connection, data);
            }

            @Override
            public void onClosed(Connection connection, int closeCode, String reason) {
                closed.complete(closeCode);
            }
        };
        Connection connection;
        try {
            connection = WebSocketClient.connect(context,
                    ClientOptions.builder(uri, watched).build()).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return "connect failed: " + e;
        }
        try {
            closed.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (TimeoutException e) {
            connection.close(CloseCodes.GOING_AWAY, "case timed out");
            return "not closed within " + limit;
        } catch (ExecutionException e) {
            return "close watcher failed: " + e.getCause();
        }
    }

    /**
     * Echoes every message back as received. A refused write (outbound buffer full) would
     * change the message stream Autobahn checks, so it closes with 1011 instead: that case
     * then fails visibly in the report.
     */
    private static final class EchoProtocol implements Protocol {
        @Override
        public void onText(Connection connection, String text) {
            if (!connection.writeText(text)) {
                connection.close(CloseCodes.INTERNAL_ERROR, "echo refused by outbound buffer");
            }
        }

        @Override
        public void onBinary(Connection connection, ByteBuffer data) {
            if (!connection.writeBinary(data)) {
                connection.close(CloseCodes.INTERNAL_ERROR, "echo refused by outbound buffer");
            }
        }
    }

    private static void awaitListening(int port, Process server, Path log)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + SERVER_START.toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new AssertionError("the fuzzingserver exited with " + server.exitValue()
                        + ":\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException notYet) {
                Thread.sleep(250);
            }
        }
        throw new AssertionError("the fuzzingserver did not listen on port " + port + " within "
                + SERVER_START + ":\n" + Files.readString(log, StandardCharsets.UTF_8));
    }

    /**
     * A port free now, for the fuzzingserver to bind some seconds later (Jython starts
     * slowly). Taken below Linux's ephemeral range (32768-60999): a port the kernel hands out
     * for port 0 can be handed to another process's socket in between (seen: the
     * fuzzingserver failed with "Address already in use" and the driver reached whatever held
     * the port).
     */
    private static int freePort() throws IOException {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = 20_000 + random.nextInt(12_000);
            try (ServerSocket socket = new ServerSocket(candidate, 1,
                    java.net.InetAddress.getByName("127.0.0.1"))) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port in 20000-31999 after 100 tries");
    }
}
