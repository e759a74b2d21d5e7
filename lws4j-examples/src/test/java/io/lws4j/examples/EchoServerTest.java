package io.lws4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Context;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The echo server returns every message unchanged, byte for byte: multibyte UTF-8 text (two-,
 * three- and four-byte sequences, the last as surrogate pairs on the Java side), patterned and
 * random binary of several sizes (below and above the 125 and 65,535 byte length forms), and
 * messages the client sends in fragments.
 */
class EchoServerTest {

    /** Every character class UTF-8 encodes differently, plus NUL. */
    private static final String MULTIBYTE = "a\u0000é\u00ff€\u4e2d\u6587\ud83d\ude00\ud800\udf48z";

    @Test
    void shouldEchoTextAndBinaryOverLwsEchoByteForByte() throws Exception {
        try (Context context = EchoServer.start("127.0.0.1", 0)) {
            EchoClient client = EchoClient.connect(context.port());
            assertThat(client.ws.getSubprotocol()).isEqualTo("lws-echo");

            client.roundTripText("echo me");
            client.roundTripText("");
            client.roundTripText(MULTIBYTE);
            // Over 65,535 bytes of UTF-8 (8-byte length form), mixing every sequence length.
            client.roundTripText(MULTIBYTE.repeat(5000));

            Random random = new Random(0x15E4L);
            for (int size : new int[] {0, 1, 125, 126, 65_535, 65_536, 300_000}) {
                byte[] noise = new byte[size];
                random.nextBytes(noise);
                client.roundTripBinary(noise);
            }
            byte[] everyValue = new byte[256 * 40];
            for (int i = 0; i < everyValue.length; i++) {
                everyValue[i] = (byte) (i * 7 + (i >>> 8));
            }
            client.roundTripBinary(everyValue);
        }
    }

    @Test
    void fragmentedMessagesComeBackWholeAndUnchanged() throws Exception {
        try (Context context = EchoServer.start("127.0.0.1", 0)) {
            EchoClient client = EchoClient.connect(context.port());

            // A four-byte sequence's two surrogates never straddle a fragment boundary here:
            // the JDK client encodes each fragment on its own.
            String[] textParts = {"first ", MULTIBYTE, " \u4e2d\u6587 last"};
            for (int i = 0; i < textParts.length; i++) {
                client.ws.sendText(textParts[i], i == textParts.length - 1)
                        .get(10, TimeUnit.SECONDS);
            }
            assertThat(client.nextText()).isEqualTo(String.join("", textParts));

            byte[] whole = new byte[100_000];
            new Random(17).nextBytes(whole);
            int[] cuts = {0, 1, 40_000, 40_126, 100_000};
            for (int i = 0; i + 1 < cuts.length; i++) {
                client.ws.sendBinary(ByteBuffer.wrap(Arrays.copyOfRange(whole, cuts[i],
                        cuts[i + 1])), i + 2 == cuts.length).get(10, TimeUnit.SECONDS);
            }
            assertThat(client.nextBinary()).isEqualTo(whole);
        }
    }

    /** A JDK websocket client that reassembles every message it receives. */
    private static final class EchoClient implements WebSocket.Listener {
        private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
        private WebSocket ws;

        static EchoClient connect(int port) throws Exception {
            EchoClient client = new EchoClient();
            client.ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .subprotocols("lws-echo")
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), client)
                    .get(10, TimeUnit.SECONDS);
            return client;
        }

        void roundTripText(String message) throws Exception {
            ws.sendText(message, true).get(10, TimeUnit.SECONDS);
            String echoed = nextText();
            assertThat(echoed.getBytes(StandardCharsets.UTF_8))
                    .as("UTF-8 of a %d-char text", message.length())
                    .isEqualTo(message.getBytes(StandardCharsets.UTF_8));
        }

        void roundTripBinary(byte[] message) throws Exception {
            ws.sendBinary(ByteBuffer.wrap(message), true).get(10, TimeUnit.SECONDS);
            assertThat(nextBinary()).as("%d-byte binary", message.length).isEqualTo(message);
        }

        String nextText() throws InterruptedException {
            Object m = messages.poll(20, TimeUnit.SECONDS);
            assertThat(m).as("an echoed text message").isInstanceOf(String.class);
            return (String) m;
        }

        byte[] nextBinary() throws InterruptedException {
            Object m = messages.poll(20, TimeUnit.SECONDS);
            assertThat(m).as("an echoed binary message").isInstanceOf(byte[].class);
            return (byte[]) m;
        }

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
            byte[] part = new byte[data.remaining()];
            data.get(part);
            binary.writeBytes(part);
            if (last) {
                messages.add(binary.toByteArray());
                binary.reset();
            }
            w.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket w, Throwable error) {
            messages.add(error);
        }
    }
}
