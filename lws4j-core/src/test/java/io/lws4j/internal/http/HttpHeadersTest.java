package io.lws4j.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HttpHeadersTest {

    @Test
    void shouldLookUpNamesCaseInsensitively() {
        HttpHeaders headers = HttpHeaders.of("Content-Type", "text/html", "X-A", "1", "x-a", "2");

        assertThat(headers.first("content-type")).isEqualTo("text/html");
        assertThat(headers.all("X-a")).containsExactly("1", "2");
        assertThat(headers.first("Missing")).isNull();
        assertThat(headers.all("Missing")).isEmpty();
        assertThat(headers.names()).containsExactly("content-type", "x-a");
        assertThat(headers.size()).isEqualTo(3);
    }

    @Test
    void shouldFindTokensInCommaListsAcrossFields() {
        HttpHeaders headers = HttpHeaders.of("Connection", "keep-alive,  Upgrade ", "Connection", "x");

        assertThat(headers.containsToken("connection", "upgrade")).isTrue();
        assertThat(headers.containsToken("connection", "KEEP-ALIVE")).isTrue();
        assertThat(headers.containsToken("connection", "x")).isTrue();
        assertThat(headers.containsToken("connection", "close")).isFalse();
        assertThat(headers.containsToken("Upgrade", "websocket")).isFalse();
    }

    @Test
    void shouldNotMatchTokensByPrefixOrSubstring() {
        HttpHeaders headers = HttpHeaders.of("Upgrade", "websocketx, h2c", "Connection", "upgraded");

        assertThat(headers.containsToken("Upgrade", "websocket")).isFalse();
        assertThat(headers.containsToken("Connection", "upgrade")).isFalse();
    }

    @Test
    void shouldSplitListElementsSkippingEmptyOnes() {
        HttpHeaders headers = HttpHeaders.of("P", "a, ,b,", "P", "c");

        assertThat(headers.listElements("p")).containsExactly("a", "b", "c");
    }

    @Test
    void shouldRejectUnpairedArguments() {
        assertThatThrownBy(() -> HttpHeaders.of("a")).isInstanceOf(IllegalArgumentException.class);
    }
}
