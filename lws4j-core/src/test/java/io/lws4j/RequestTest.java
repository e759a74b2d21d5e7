package io.lws4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestTest {

    private static Request.Builder get(String target) {
        return Request.builder().target(target).header("Host", "chat.example:8080");
    }

    @Test
    void anAbsoluteFormTargetIsSplitIntoPathAndQuery() {
        Request r = get("http://chat.example:8080/chat/a%2Fb?x=1").build();
        assertThat(r.rawPath()).isEqualTo("/chat/a%2Fb");
        assertThat(r.path()).isEqualTo("/chat/a/b");
        assertThat(r.rawQuery()).isEqualTo("x=1");
        assertThat(get("http://h?x=2").build().path()).isEqualTo("/");
        assertThat(get("http://h?x=2").build().queryParam("x")).contains("2");
    }

    @Test
    void headersIgnoreCaseAndOfferedSubprotocolsAndExtensionsAreListed() {
        Request r = get("/").header("Sec-WebSocket-Protocol", "a, b").header("sec-websocket-protocol", "c")
                .header("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits, x-foo")
                .build();
        assertThat(r.subprotocols()).containsExactly("a", "b", "c");
        assertThat(r.extensions()).containsExactly("permessage-deflate; client_max_window_bits", "x-foo");
        assertThat(r.headers("SEC-WEBSOCKET-PROTOCOL")).containsExactly("a, b", "c");
        assertThat(r.header("x-none")).isEmpty();
    }

    @Test
    void sameOriginComparesHostAndPortWithTheSchemesDefaults() {
        assertThat(get("/").header("Origin", "http://chat.example:8080").build().isSameOrigin()).isTrue();
        assertThat(get("/").header("Origin", "http://CHAT.example:8080").build().isSameOrigin()).isTrue();
        assertThat(get("/").header("Origin", "http://chat.example").build().isSameOrigin()).isFalse();
        assertThat(get("/").header("Origin", "http://evil.example:8080").build().isSameOrigin()).isFalse();
        assertThat(get("/").header("Origin", "null").build().isSameOrigin()).isFalse();
        assertThat(get("/").build().isSameOrigin()).isFalse();
        assertThat(get("/").header("Origin", "http://chat.example:8080")
                .header("Origin", "http://chat.example:8080").build().isSameOrigin()).isFalse();
        Request tls = Request.builder().header("Host", "chat.example").header("Origin", "https://chat.example")
                .tls(true).build();
        assertThat(tls.isSameOrigin()).isTrue();
        assertThat(tls.scheme()).isEqualTo("wss");
        Request plain = Request.builder().header("Host", "chat.example").header("Origin", "https://chat.example")
                .build();
        assertThat(plain.isSameOrigin()).as("https page, host on the ws default port 80").isFalse();
        Request ipv6 = Request.builder().header("Host", "[::1]:81").header("Origin", "http://[::1]:81").build();
        assertThat(ipv6.isSameOrigin()).isTrue();
    }

    @Test
    void allowedOriginsMatchExactlyIgnoringCase() {
        Request r = get("/").header("Origin", "https://App.example").build();
        assertThat(r.isOriginAllowed(List.of("https://app.example"))).isTrue();
        assertThat(r.isOriginAllowed(List.of("https://app.example:443", "http://app.example"))).isFalse();
        assertThat(get("/").build().isOriginAllowed(List.of("https://app.example"))).isFalse();
    }

    @Test
    void theClientAddressAndSchemeDefaultToThePeerAndTheTransport() {
        InetSocketAddress peer = new InetSocketAddress("127.0.0.1", 5000);
        InetSocketAddress client = new InetSocketAddress("192.0.2.7", 6000);
        Request direct = get("/").peerAddress(peer).build();
        assertThat(direct.clientAddress()).isEqualTo(peer);
        assertThat(direct.isTls()).isFalse();
        assertThat(direct.scheme()).isEqualTo("ws");
        Request proxied = get("/").peerAddress(peer).clientAddress(client).secure(true).build();
        assertThat(proxied.clientAddress()).isEqualTo(client);
        assertThat(proxied.peerAddress()).isEqualTo(peer);
        assertThat(proxied.isTls()).isFalse();
        assertThat(proxied.scheme()).isEqualTo("wss");
    }

    @Test
    void theSocketPeerDefaultsToThePeer_andStaysApartWhenAProxyHeaderNamedAnother() {
        InetSocketAddress balancer = new InetSocketAddress("10.0.0.2", 41000);
        InetSocketAddress source = new InetSocketAddress("203.0.113.7", 51234);
        assertThat(get("/").peerAddress(balancer).build().socketPeerAddress()).isEqualTo(balancer);
        Request viaProxyHeader = get("/").peerAddress(source).socketPeerAddress(balancer).build();
        assertThat(viaProxyHeader.peerAddress()).isEqualTo(source);
        assertThat(viaProxyHeader.socketPeerAddress()).isEqualTo(balancer);
        assertThat(viaProxyHeader.clientAddress()).isEqualTo(source);
    }

    @Test
    void malformedTargetsAndTooManyCookiesAreRefusedWithTheirStatusAsCause() {
        assertThatThrownBy(() -> get("/%e9").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> get("/?a=%").build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> get("/").header("Cookie", "a=1; ".repeat(129)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("128");
    }

    @Test
    void collectionsAreUnmodifiable() {
        Request r = get("/?a=1").header("Cookie", "c=1").build();
        assertThatThrownBy(() -> r.queryParams().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> r.cookies().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> r.headers().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> r.headers("host").add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> r.subprotocols().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }
}
