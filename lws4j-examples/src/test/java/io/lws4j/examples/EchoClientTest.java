package io.lws4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Context;
import io.lws4j.client.ClientOptions;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example client against the example echo server on 127.0.0.1. */
class EchoClientTest {
    @Test
    void theEchoClientGetsEveryMessageBackInOrder() throws Exception {
        try (Context server = EchoServer.start("127.0.0.1", 0)) {
            List<String> messages = List.of("one", "zw\u00f6lf", "\ud83d\ude80");
            EchoClient client = EchoClient.forMessages(messages);
            List<String> echoed = EchoClient.exchange(client, ClientOptions.builder(
                    URI.create("ws://127.0.0.1:" + server.port() + "/"), client)
                    .subprotocols("lws-echo").build());
            assertThat(echoed).isEqualTo(messages);
        }
    }
}
