package io.lws4j.internal.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lws4j.Context;
import io.lws4j.Request;
import io.lws4j.client.ClientOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ArgsTest {

    @Test
    void boundsAreCheckedAtTheEdge() {
        assertThat(Args.atLeast(125, 125, "x")).isEqualTo(125);
        assertThatThrownBy(() -> Args.atLeast(124, 125, "maxMessageSize"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxMessageSize must be >= 125: 124");
        assertThat(Args.positive(Duration.ofNanos(1), "t")).isEqualTo(Duration.ofNanos(1));
        assertThatThrownBy(() -> Args.positive(Duration.ZERO, "t"))
                .hasMessage("t must be positive: PT0S");
        assertThat(Args.notNegative(Duration.ZERO, "t")).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> Args.notNegative(Duration.ofSeconds(-1), "t"))
                .hasMessage("t must not be negative: PT-1S");
        assertThatThrownBy(() -> Args.positive(null, "t")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void tokensFollowRfc7230() {
        assertThat(Args.isToken("lws-minimal")).isTrue();
        assertThat(Args.isToken("a.b_c~1")).isTrue();
        assertThat(Args.isToken("")).isFalse();
        assertThat(Args.isToken("a b")).isFalse();
        assertThat(Args.isToken("a/b")).isFalse();
        assertThat(Args.isToken("caf\u00e9")).isFalse();
    }

    @Test
    void everyBuilderRefusesWithTheSameWording() {
        assertThatThrownBy(() -> Context.builder().maxCookies(-1))
                .hasMessage("maxCookies must be >= 0: -1");
        assertThatThrownBy(() -> Request.builder().maxCookies(-1))
                .hasMessage("maxCookies must be >= 0: -1");
        assertThatThrownBy(() -> Context.builder().maxQueryParameters(-2))
                .hasMessage("maxQueryParameters must be >= 0: -2");
        assertThatThrownBy(() -> Request.builder().maxQueryParameters(-2))
                .hasMessage("maxQueryParameters must be >= 0: -2");
        assertThatThrownBy(() -> Context.builder().compressionThreshold(-1))
                .hasMessage("compressionThreshold must be >= 0: -1");
        assertThatThrownBy(() -> ClientOptions.builder(java.net.URI.create("ws://127.0.0.1:1/"),
                new io.lws4j.Protocol() { }).compressionThreshold(-1))
                .hasMessage("compressionThreshold must be >= 0: -1");
        assertThatThrownBy(() -> Context.builder().maxOutboundBytes(1023))
                .hasMessage("maxOutboundBytes must be >= 1024: 1023");
        assertThatThrownBy(() -> Context.builder().protocol("bad name", new io.lws4j.Protocol() { }))
                .hasMessage("protocol name is not a token: bad name");
        assertThatThrownBy(() -> Context.builder().handshakeTimeout(Duration.ZERO))
                .hasMessage("handshakeTimeout must be positive: PT0S");
    }
}
