package io.lws4j.internal.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrSetTest {

    private static CidrSet set(String... ranges) {
        return CidrSet.parse(Arrays.asList(ranges));
    }

    private static InetAddress ip(String literal) {
        return IpLiterals.toInetAddress(IpLiterals.parse(literal));
    }

    @ParameterizedTest
    @CsvSource({
        "10.0.0.0/8, 10.0.0.0, true",
        "10.0.0.0/8, 10.255.255.255, true",
        "10.0.0.0/8, 11.0.0.0, false",
        "10.0.0.0/8, 9.255.255.255, false",
        "192.168.4.0/22, 192.168.7.255, true",
        "192.168.4.0/22, 192.168.8.0, false",
        "192.168.4.0/22, 192.168.3.255, false",
        "172.16.0.0/12, 172.31.1.1, true",
        "172.16.0.0/12, 172.32.0.0, false",
        "192.0.2.7, 192.0.2.7, true",
        "192.0.2.7, 192.0.2.8, false",
        "192.0.2.7/32, 192.0.2.7, true",
        "0.0.0.0/0, 203.0.113.9, true",
        "0.0.0.0/0, ::1, false",
        "::1, ::1, true",
        "::1, ::2, false",
        "2001:db8::/32, 2001:db8:ffff::1, true",
        "2001:db8::/32, 2001:db9::, false",
        "2001:db8::/33, 2001:db8:7fff::, true",
        "2001:db8::/33, 2001:db8:8000::, false",
        "fe80::/10, febf::1, true",
        "fe80::/10, fec0::1, false",
        "::/0, 2001:db8::1, true",
        "::/0, 10.0.0.1, true",
        "::ffff:10.0.0.0/104, 10.9.9.9, true",
        "::ffff:10.0.0.0/104, 11.0.0.0, false",
        "10.0.0.0/8, ::ffff:10.1.1.1, true",
        "::ffff:0:0/96, 198.51.100.1, true",
        "::ffff:0:0/96, ::1, false",
    })
    void matchesAddressesInRange(String range, String address, boolean expected) {
        CidrSet set = set(range);
        assertThat(set.contains(ip(address))).as(range + " contains " + address).isEqualTo(expected);
        assertThat(set.contains(IpLiterals.parse(address))).isEqualTo(expected);
    }

    @Test
    void anyRangeOfSeveralMatches() {
        CidrSet set = set("10.0.0.0/8", "192.168.0.0/16", "::1", "fd00::/8");
        assertThat(set.contains(ip("10.2.3.4"))).isTrue();
        assertThat(set.contains(ip("192.168.200.1"))).isTrue();
        assertThat(set.contains(ip("::1"))).isTrue();
        assertThat(set.contains(ip("fd12::5"))).isTrue();
        assertThat(set.contains(ip("8.8.8.8"))).isFalse();
        assertThat(set.contains(ip("fe00::1"))).isFalse();
        assertThat(set.contains((InetAddress) null)).isFalse();
    }

    @Test
    void emptySetContainsNothing() {
        assertThat(CidrSet.empty().contains(ip("127.0.0.1"))).isFalse();
        assertThat(CidrSet.empty().isEmpty()).isTrue();
        assertThat(set()).isSameAs(CidrSet.empty());
        assertThat(set("::/0").isEmpty()).isFalse();
    }

    @Test
    void canonicalRangesRoundTrip() {
        CidrSet set = set(" 10.0.0.0/8 ", "2001:DB8:0::/32", "::ffff:192.168.0.0/112", "::1/128",
                "10.0.0.0/8", "192.0.2.1/32");
        assertThat(set.ranges()).containsExactly("10.0.0.0/8", "2001:db8::/32", "192.168.0.0/16",
                "::1", "192.0.2.1");
        assertThat(CidrSet.parse(set.ranges())).isEqualTo(set);
        assertThat(set.toString()).contains("10.0.0.0/8");
    }

    @Test
    void refusesHostNamesWithoutResolvingThem() {
        assertThatThrownBy(() -> set("localhost"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"localhost\"")
                .hasMessageContaining("host names are not resolved");
        assertThatThrownBy(() -> set("proxy.example.com/24"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("proxy.example.com/24");
    }

    @Test
    void refusesBadPrefixes() {
        for (String bad : List.of("10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/08", "::/129",
                "::/1a", "10.0.0.0/8/8", "10.0.0.0/ 8")) {
            assertThatThrownBy(() -> set(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad);
        }
        assertThatThrownBy(() -> set("10.0.0.0/33")).hasMessageContaining("0 to 32");
        assertThatThrownBy(() -> set("::/129")).hasMessageContaining("0 to 128");
    }

    @Test
    void refusesHostBitsAndSuggestsTheNetwork() {
        assertThatThrownBy(() -> set("10.1.2.3/8"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"10.1.2.3/8\"")
                .hasMessageContaining("did you mean 10.0.0.0/8?");
        assertThatThrownBy(() -> set("2001:db8::1/32"))
                .hasMessageContaining("did you mean 2001:db8::/32?");
    }

    @Test
    void refusesNulls() {
        assertThatThrownBy(() -> CidrSet.parse(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> set("10.0.0.0/8", null)).isInstanceOf(NullPointerException.class);
    }
}
