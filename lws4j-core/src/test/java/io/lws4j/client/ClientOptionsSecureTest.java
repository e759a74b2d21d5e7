package io.lws4j.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Protocol;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** {@link ClientOptions#isSecure()} and the default port it implies, per URI scheme. */
class ClientOptionsSecureTest {
    private static ClientOptions options(String uri) {
        return ClientOptions.builder(URI.create(uri), new Protocol() { }).build();
    }

    @Test
    void wsIsNotSecureAndDefaultsToPort80() {
        ClientOptions o = options("ws://example.test/chat");
        assertThat(o.isSecure()).isFalse();
        assertThat(o.port()).isEqualTo(80);
    }

    @Test
    void wssIsSecureAndDefaultsToPort443() {
        ClientOptions o = options("wss://example.test/chat");
        assertThat(o.isSecure()).isTrue();
        assertThat(o.port()).isEqualTo(443);
    }

    @Test
    void theSchemeIsCaseInsensitive() {
        assertThat(options("WSS://example.test/").isSecure()).isTrue();
        assertThat(options("Ws://example.test/").isSecure()).isFalse();
    }

    @Test
    void anExplicitPortWinsOverTheSchemesDefault() {
        assertThat(options("wss://example.test:8443/").port()).isEqualTo(8443);
        assertThat(options("ws://example.test:443/").port()).isEqualTo(443);
        assertThat(options("ws://example.test:443/").isSecure()).isFalse();
    }
}
