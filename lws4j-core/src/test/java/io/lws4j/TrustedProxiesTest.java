package io.lws4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

    private static InetAddress ip(String literal) throws Exception {
        // literals only: getByName does not consult DNS for them
        return InetAddress.getByName(literal);
    }

    @Test
    void noneTrustsNobody() throws Exception {
        assertThat(TrustedProxies.none().isEmpty()).isTrue();
        assertThat(TrustedProxies.none().isTrusted(ip("127.0.0.1"))).isFalse();
        assertThat(TrustedProxies.none().ranges()).isEmpty();
        assertThat(TrustedProxies.of()).isSameAs(TrustedProxies.none());
        assertThat(TrustedProxies.of(List.of("10.0.0.0/8")).isEmpty()).isFalse();
    }

    @Test
    void trustsAddressesAndRangesOfBothFamilies() throws Exception {
        TrustedProxies proxies = TrustedProxies.of("10.0.0.0/8", "192.168.1.10", "::1", "fd00::/8");
        assertThat(proxies.isTrusted(ip("10.200.0.1"))).isTrue();
        assertThat(proxies.isTrusted(ip("192.168.1.10"))).isTrue();
        assertThat(proxies.isTrusted(ip("192.168.1.11"))).isFalse();
        assertThat(proxies.isTrusted(ip("::1"))).isTrue();
        assertThat(proxies.isTrusted(ip("fd12:3456::1"))).isTrue();
        assertThat(proxies.isTrusted(ip("2001:db8::1"))).isFalse();
        assertThat(proxies.isTrusted(ip("::ffff:10.1.1.1"))).isTrue();
        assertThat(proxies.isTrusted(null)).isFalse();
    }

    @Test
    void rangesAreCanonicalAndRoundTrip() {
        TrustedProxies proxies = TrustedProxies.of("::FFFF:10.0.0.0/104", "2001:0db8::/32", "10.0.0.0/8");
        assertThat(proxies.ranges()).containsExactly("10.0.0.0/8", "2001:db8::/32");
        assertThat(TrustedProxies.of(proxies.ranges())).isEqualTo(proxies);
        assertThat(TrustedProxies.of(proxies.ranges()).hashCode()).isEqualTo(proxies.hashCode());
        assertThat(proxies).isNotEqualTo(TrustedProxies.of("10.0.0.0/8"));
        assertThat(proxies.toString()).isEqualTo("TrustedProxies[10.0.0.0/8, 2001:db8::/32]");
    }

    @Test
    void refusesWhatIsNotALiteralWithAClearMessage() {
        assertThatThrownBy(() -> TrustedProxies.of("lb.internal"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"lb.internal\"")
                .hasMessageContaining("host names are not resolved");
        assertThatThrownBy(() -> TrustedProxies.of("10.0.0.1/8"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("did you mean 10.0.0.0/8?");
        assertThatThrownBy(() -> TrustedProxies.of("10.0.0.0/40"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 to 32");
        assertThatThrownBy(() -> TrustedProxies.of((String[]) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> TrustedProxies.of("::1", null)).isInstanceOf(NullPointerException.class);
    }
}
