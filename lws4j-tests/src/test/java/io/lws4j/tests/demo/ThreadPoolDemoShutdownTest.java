package io.lws4j.tests.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.tests.support.ExternalTools;
import io.lws4j.tests.support.NodeScripts;
import io.lws4j.tests.support.ProcessRun;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The demo as its own process, streaming to Node {@code ws} clients, gets SIGTERM mid-run:
 * it finishes and destroys the pool, closes every connection with 1001 (running and queued
 * alike), prints its shutdown lines and exits 0.
 */
class ThreadPoolDemoShutdownTest {
    private static final int CLIENTS = 6;

    @Test
    void sigtermMidRunClosesEveryClientWith1001AndExitsZero() throws Exception {
        ExternalTools.requireNodeModules(NodeScripts.directory());
        int port = freePort();
        // 3 workers for 6 clients: 3 tasks run and 3 wait when SIGTERM comes. Each task
        // sleeps 100 x 300 ms (30 s at the least), far longer than the clients take to connect.
        // Positions grow by 100,000 per message; the stream client checks each arrives once
        // and in order.
        try (DemoProcess demo = DemoProcess.start("--port", String.valueOf(port),
                "--bind", "127.0.0.1", "--threads", "3", "--queue", "8",
                "--end", "10000000", "--step", "100000", "--sleep-ms", "300",
                "--sync-every", "100000")) {
            assertThat(demo.awaitLine(l -> l.startsWith("lws4j threadpool demo: http://"),
                    Duration.ofSeconds(30))).as(demo::output).isNotNull();

            CompletableFuture<ProcessRun.Result> clients = CompletableFuture.supplyAsync(
                    () -> NodeScripts.run("stream-client.mjs", Duration.ofSeconds(60),
                            "--url", "ws://127.0.0.1:" + port + "/",
                            "--protocol", "lws-minimal",
                            "--connections", String.valueOf(CLIENTS),
                            "--pattern", "^pos (\\d+)$",
                            "--first", "0",
                            "--step", "100000",
                            "--min-messages", "0",
                            "--close-codes", "1001",
                            "--timeout", "50000"));

            String busy = demo.awaitLine(
                    l -> l.startsWith("DIAG: ongoing 3, possible 3, queue 3 ")
                            && !l.contains("messages 0"),
                    Duration.ofSeconds(30));
            assertThat(busy).as("3 running and 3 waiting before SIGTERM:\n%s", demo.output())
                    .isNotNull();
            demo.terminate();

            int exit = demo.awaitExit(Duration.ofSeconds(30));
            String out = demo.output();
            assertThat(exit).as(out).isZero();
            assertThat(out).contains("shutting down (SIGTERM): finishing the pool",
                    "pool destroyed;", "context closed; tasks accepted 6, cleaned up 6",
                    "exiting cleanly");

            ProcessRun.Result r = clients.get(60, TimeUnit.SECONDS);
            assertThat(r.succeeded()).as(r::describe).isTrue();
            assertThat(r.stdout()).contains("\"serverClosed\":" + CLIENTS,
                    "\"connections\":" + CLIENTS, "\"errorCount\":0");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
