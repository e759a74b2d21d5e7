package io.lws4j.internal.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralsTest {

    @ParameterizedTest
    @CsvSource({
        "0.0.0.0, 0.0.0.0",
        "192.0.2.7, 192.0.2.7",
        "255.255.255.255, 255.255.255.255",
        "::, ::",
        "::1, ::1",
        "1::, 1::",
        "2001:DB8::1, 2001:db8::1",
        "2001:db8:0:0:0:0:2:1, 2001:db8::2:1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
        "fe80:0000:0000:0000:0204:61ff:fe9d:f156, fe80::204:61ff:fe9d:f156",
        "::ffff:192.0.2.7, 192.0.2.7",
        "0:0:0:0:0:ffff:c000:0207, 192.0.2.7",
        "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
        "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:1.2.3.4, 1:2:3:4:5:6:102:304",
    })
    void parsesAndFormatsCanonically(String literal, String canonical) {
        byte[] parsed = IpLiterals.parse(literal);
        assertThat(parsed).hasSize(16);
        assertThat(IpLiterals.format(parsed)).isEqualTo(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "1", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.04", "1..2.3", "1.2.3.4 ",
        " 1.2.3.4", "1.2.3.-4", "localhost", "example.com", "::1%eth0", "[::1]", ":", ":::",
        "1:::2", "1::2::3", ":1::2", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8", "12345::",
        "g::1", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "::1.2.3.4:5", "1:", "::ffff:256.0.0.1",
        "\u0661.2.3.4", "\uff11::", "1.2.3.4/8",
        "1:2:3:4:5:6:7:8:1:2:3:4:5:6:7:8:1:2:3:4:5:6:7:8:1:2:3:4:5:6:7:8",
    })
    void refusesNonLiterals(String text) {
        assertThat(IpLiterals.parse(text)).as(text).isNull();
    }

    @Test
    void ipv4IsStoredMapped() {
        byte[] parsed = IpLiterals.parse("10.1.2.3");
        assertThat(parsed).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 10, 1, 2, 3);
        assertThat(IpLiterals.isIpv4Mapped(parsed)).isTrue();
        assertThat(IpLiterals.isIpv4Mapped(IpLiterals.parse("::1"))).isFalse();
    }

    @Test
    void convertsToJdkAddressesWithoutLookup() throws Exception {
        InetAddress v4 = IpLiterals.toInetAddress(IpLiterals.parse("192.0.2.7"));
        assertThat(v4).isInstanceOf(Inet4Address.class);
        assertThat(v4.getHostAddress()).isEqualTo("192.0.2.7");
        InetAddress v6 = IpLiterals.toInetAddress(IpLiterals.parse("2001:db8::1"));
        assertThat(v6).isInstanceOf(Inet6Address.class);
        assertThat(v6.getAddress()).isEqualTo(InetAddress.getByName("2001:db8::1").getAddress());
        assertThat(IpLiterals.toBytes(v4)).isEqualTo(IpLiterals.parse("::ffff:192.0.2.7"));
        assertThat(IpLiterals.toBytes(v6)).isEqualTo(IpLiterals.parse("2001:db8::1"));
    }

    @Test
    void agreesWithTheJdkOnLiteralsBothAccept() throws Exception {
        String[] literals = {"::1", "2001:db8::ff00:42:8329", "::ffff:1.2.3.4", "1::8", "1:2::7:8",
            "a:b:c:d:e:f:0:1", "8.8.4.4", "::0.0.0.1"};
        for (String literal : literals) {
            byte[] jdk = IpLiterals.toBytes(InetAddress.getByName(literal));
            assertThat(IpLiterals.parse(literal)).as(literal).isEqualTo(jdk);
        }
    }
}
