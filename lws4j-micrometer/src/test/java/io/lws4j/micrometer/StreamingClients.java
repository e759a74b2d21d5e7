package io.lws4j.micrometer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** JDK websocket clients that count the texts they get and report the close code. */
final class StreamingClients {
    private StreamingClients() {
    }

    /** One client. */
    static final class Client implements WebSocket.Listener {
        final AtomicInteger texts = new AtomicInteger();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            if (last) {
                texts.incrementAndGet();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "");
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }

    static Client open(HttpClient http, int port, String path) {
        Client c = new Client();
        http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + path), c)
                .orTimeout(30, TimeUnit.SECONDS).join();
        return c;
    }
}
