package io.lws4j.tests.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The demo as its own process with a JDK websocket client streaming from it: SIGINT (what
 * Ctrl-C sends, here {@code kill -INT}) and SIGTERM ({@link ProcessHandle#destroy()}) each
 * make it shut down in order: the connected client sees close 1001, the demo prints its
 * shutdown lines naming the signal and exits 0.
 */
class ThreadPoolDemoSignalTest {

    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM"})
    void aSignalMidStreamClosesTheClientWith1001AndTheDemoExitsZero(String signal)
            throws Exception {
        int port = freePort();
        // One task that would run for hours: it is mid-stream whenever the signal comes.
        try (DemoProcess demo = DemoProcess.start("--port", String.valueOf(port),
                "--bind", "127.0.0.1", "--threads", "1", "--queue", "1",
                "--end", "100000000", "--step", "100000", "--sleep-ms", "100",
                "--sync-every", "100000", "--quiet")) {
            assertThat(demo.awaitLine(l -> l.startsWith("lws4j threadpool demo: http://"),
                    Duration.ofSeconds(60))).as(demo::output).isNotNull();
            assertThat(demo.ignoresSigint()).as("the demo process ignores SIGINT").isFalse();

            Client client = new Client();
            HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("lws-minimal")
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), client)
                    .get(30, TimeUnit.SECONDS);
            assertThat(client.messages.poll(30, TimeUnit.SECONDS)).isEqualTo("pos 0");
            assertThat(client.messages.poll(30, TimeUnit.SECONDS)).isEqualTo("pos 100000");

            if (signal.equals("INT")) {
                demo.interrupt();
            } else {
                demo.terminate();
            }

            assertThat(client.closed.get(60, TimeUnit.SECONDS)).as(demo::output)
                    .isEqualTo("1001 server shutting down");
            int exit = demo.awaitExit(Duration.ofSeconds(60));
            String out = demo.output();
            assertThat(exit).as(out).isZero();
            assertThat(out).contains("shutting down (SIG" + signal + "): finishing the pool",
                    "context closed; tasks accepted 1, cleaned up 1", "exiting cleanly");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Records every text message and how the connection closed. */
    private static final class Client implements WebSocket.Listener {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete("error " + List.of(error));
        }
    }
}
