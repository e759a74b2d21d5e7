package io.lws4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Context;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EchoServerTest {

    @Test
    void shouldEchoTextAndBinaryOverLwsEcho() throws Exception {
        try (Context context = EchoServer.start("127.0.0.1", 0)) {
            BlockingQueue<Object> received = new LinkedBlockingQueue<>();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .subprotocols("lws-echo")
                    .buildAsync(URI.create("ws://127.0.0.1:" + context.port() + "/"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            received.add(data.toString());
                            w.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                            received.add(data.remaining());
                            w.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            assertThat(ws.getSubprotocol()).isEqualTo("lws-echo");
            ws.sendText("echo me", true).get(5, TimeUnit.SECONDS);
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("echo me");
            ws.sendBinary(ByteBuffer.allocate(1000), true).get(5, TimeUnit.SECONDS);
            int total = 0;
            while (total < 1000) {
                Object part = received.poll(10, TimeUnit.SECONDS);
                assertThat(part).isInstanceOf(Integer.class);
                total += (Integer) part;
            }
            assertThat(total).isEqualTo(1000);
        }
    }
}
