package io.lws4j.tests.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.examples.chat.ChatServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ChatServer}'s command line in its own JVM: it starts with no argument but a port
 * (the default token), and SIGTERM drains it: a member is closed with 1001 and the process
 * says it drained before it exits.
 */
class ChatServerSignalTest {

    @Test
    void sigtermDrainsTheServerAndItsMembersAreClosedWith1001() throws Exception {
        try (DemoProcess chat = DemoProcess.startMain(ChatServer.class, "--port", "0")) {
            String listening = chat.awaitLine(l -> l.startsWith("listening on "),
                    Duration.ofSeconds(60));
            assertThat(listening).as(chat::output).isNotNull();
            String port = listening.substring(listening.lastIndexOf(':') + 1);

            CompletableFuture<String> closed = new CompletableFuture<>();
            HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/chat/lobby?token=demo"),
                            new WebSocket.Listener() {
                                @Override
                                public CompletionStage<?> onClose(WebSocket ws, int code,
                                        String reason) {
                                    closed.complete(code + " " + reason);
                                    return null;
                                }
                            })
                    .get(30, TimeUnit.SECONDS);

            chat.terminate();
            assertThat(closed.get(60, TimeUnit.SECONDS)).as(chat::output)
                    .isEqualTo("1001 instance draining; reconnect");
            assertThat(chat.awaitExit(Duration.ofSeconds(60))).as(chat::output).isNotEqualTo(-1);
            assertThat(chat.output()).contains("draining (up to 10 s)", "drained and closed");
        }
    }
}
