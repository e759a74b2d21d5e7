package io.lws4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A JDK websocket client for the snippet tests: collects text messages, the sizes of binary
 * ones ({@code "binary N"}) and the close ({@code "close CODE REASON"}) in arrival order.
 *
 * <p>Thread-safe: the listener runs on the JDK client's threads and only adds to a
 * concurrent queue; {@link #next()} is for the test's thread.
 */
final class JdkClient implements WebSocket.Listener {
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    WebSocket ws;

    static JdkClient connect(String uri, String subprotocol) throws Exception {
        return connect(HttpClient.newHttpClient(), uri, subprotocol);
    }

    static JdkClient connect(HttpClient http, String uri, String subprotocol) throws Exception {
        JdkClient c = new JdkClient();
        c.ws = http.newWebSocketBuilder().subprotocols(subprotocol)
                .buildAsync(URI.create(uri), c).get(10, TimeUnit.SECONDS);
        assertThat(c.ws.getSubprotocol()).isEqualTo(subprotocol);
        return c;
    }

    void send(String text) throws Exception {
        ws.sendText(text, true).get(10, TimeUnit.SECONDS);
    }

    String next() throws InterruptedException {
        String message = received.poll(20, TimeUnit.SECONDS);
        assertThat(message).as("a message within the liveness bound").isNotNull();
        return message;
    }

    @Override
    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
        received.add(data.toString());
        w.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
        received.add("binary " + data.remaining());
        w.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
        received.add("close " + statusCode + " " + reason);
        return null;
    }
}
