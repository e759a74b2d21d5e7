package io.lws4j.internal.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.internal.http.HttpHeaders;
import io.lws4j.internal.proxy.ForwardedClient.Source;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ForwardedHeadersTest {

    private static final CidrSet TRUSTED = CidrSet.parse(List.of("10.0.0.0/8", "fd00::/8"));
    private static final InetSocketAddress PROXY = socket("10.0.0.1", 40000);
    private static final InetSocketAddress STRANGER = socket("198.51.100.99", 40001);

    private static InetSocketAddress socket(String literal, int port) {
        return new InetSocketAddress(IpLiterals.toInetAddress(IpLiterals.parse(literal)), port);
    }

    private static ForwardedClient resolve(InetSocketAddress peer, boolean tls, String... namesAndValues) {
        return ForwardedHeaders.resolve(peer, tls, HttpHeaders.of(namesAndValues)::all, TRUSTED);
    }

    private static ForwardedClient viaProxy(String... namesAndValues) {
        return resolve(PROXY, false, namesAndValues);
    }

    private static void assertClient(ForwardedClient client, String literal, int port, Source source) {
        assertThat(client.address()).isEqualTo(socket(literal, port));
        assertThat(client.source()).isEqualTo(source);
    }

    // --- who is trusted ---

    @Test
    void headersFromAnUntrustedPeerAreIgnored() {
        ForwardedClient client = resolve(STRANGER, false, "Forwarded", "for=192.0.2.1;proto=https",
                "X-Forwarded-For", "192.0.2.2", "X-Forwarded-Proto", "https");
        assertThat(client.address()).isSameAs(STRANGER);
        assertThat(client.secure()).isFalse();
        assertThat(client.host()).isNull();
        assertThat(client.source()).isEqualTo(Source.PEER);
    }

    @Test
    void nothingIsTrustedWithAnEmptySet() {
        ForwardedClient client = ForwardedHeaders.resolve(PROXY, true,
                HttpHeaders.of("X-Forwarded-For", "192.0.2.2")::all, CidrSet.empty());
        assertThat(client.address()).isSameAs(PROXY);
        assertThat(client.secure()).isTrue();
    }

    @Test
    void anUnresolvedPeerIsNeverTrusted() {
        InetSocketAddress unresolved = InetSocketAddress.createUnresolved("10.0.0.1", 1);
        ForwardedClient client = resolve(unresolved, false, "X-Forwarded-For", "192.0.2.2");
        assertThat(client.address()).isSameAs(unresolved);
    }

    @Test
    void aTrustedPeerWithoutHeadersIsTheClient() {
        ForwardedClient client = resolve(PROXY, true);
        assertThat(client).isEqualTo(new ForwardedClient(PROXY, true, null, Source.PEER));
        assertThat(client.scheme(true)).isEqualTo("wss");
        assertThat(client.scheme(false)).isEqualTo("https");
    }

    // --- RFC 7239 ---

    @Test
    void rfc7239SingleHopWithProtoAndBy() {
        ForwardedClient client = viaProxy("Forwarded", "for=192.0.2.60;proto=https;by=203.0.113.43");
        assertClient(client, "192.0.2.60", 0, Source.FORWARDED);
        assertThat(client.secure()).isTrue();
        assertThat(client.scheme(true)).isEqualTo("wss");
    }

    @Test
    void rfc7239QuotedIpv6WithPort() {
        ForwardedClient client = viaProxy("Forwarded", "For=\"[2001:db8:cafe::17]:4711\"");
        assertClient(client, "2001:db8:cafe::17", 4711, Source.FORWARDED);
    }

    @Test
    void rfc7239ListOfTwoHopsGivesTheRightmostUntrusted() {
        ForwardedClient client = viaProxy("Forwarded", "for=192.0.2.43, for=198.51.100.17");
        assertClient(client, "198.51.100.17", 0, Source.FORWARDED);
    }

    @Test
    void trustedHopsAreSkippedFromTheRight() {
        ForwardedClient client = viaProxy("Forwarded",
                "for=203.0.113.5;proto=http, for=192.0.2.43;proto=https, for=10.1.1.1;proto=http,"
                        + " for=\"[fd00::7]:80\"");
        assertClient(client, "192.0.2.43", 0, Source.FORWARDED);
        assertThat(client.secure()).as("the client's own element's proto wins").isTrue();
    }

    @Test
    void severalFieldLinesFormOneList() {
        ForwardedClient client = viaProxy("Forwarded", "for=192.0.2.43", "Forwarded", "for=10.9.9.9",
                "Forwarded", "for=10.8.8.8");
        assertClient(client, "192.0.2.43", 0, Source.FORWARDED);
    }

    @Test
    void allHopsTrustedEndsAtTheLeftmost() {
        ForwardedClient client = viaProxy("Forwarded", "for=10.0.0.3, for=10.0.0.2");
        assertClient(client, "10.0.0.3", 0, Source.FORWARDED);
    }

    @Test
    void obfuscatedOrUnknownClientLeavesTheNearestKnownHop() {
        assertClient(viaProxy("Forwarded", "for=\"_gazonk\""), "10.0.0.1", 40000, Source.PEER);
        assertClient(viaProxy("Forwarded", "for=192.0.2.1, for=unknown, for=10.2.2.2"),
                "10.2.2.2", 0, Source.FORWARDED);
        assertClient(viaProxy("Forwarded", "for=UNKNOWN:_port"), "10.0.0.1", 40000, Source.PEER);
        assertClient(viaProxy("Forwarded", "for=\"192.0.2.3:_hidden\""), "192.0.2.3", 0, Source.FORWARDED);
    }

    @Test
    void protoAndHostWithoutForKeepThePeerButApply() {
        ForwardedClient client = viaProxy("Forwarded", "proto=https;host=\"example.com:8443\"");
        assertThat(client.address()).isEqualTo(PROXY);
        assertThat(client.secure()).isTrue();
        assertThat(client.host()).isEqualTo("example.com:8443");
        assertThat(client.source()).isEqualTo(Source.PEER);
    }

    @Test
    void hostComesFromTheExaminedElementNearestTheClient() {
        ForwardedClient client = viaProxy("Forwarded",
                "for=192.0.2.9;host=evil.example, for=192.0.2.8;host=a.example, for=10.3.3.3;host=b.example");
        assertThat(client.host()).isEqualTo("a.example");
        assertClient(client, "192.0.2.8", 0, Source.FORWARDED);
    }

    @Test
    void parameterNamesAreCaseInsensitiveAndWhitespaceAroundSemicolonsIsTolerated() {
        ForwardedClient client = viaProxy("forwarded", "FOR=192.0.2.60 ; PROTO=HTTPS ;by=x");
        assertClient(client, "192.0.2.60", 0, Source.FORWARDED);
        assertThat(client.secure()).isTrue();
    }

    @Test
    void quotedStringsHoldEscapesAndCommas() {
        ForwardedClient client = viaProxy("Forwarded", "for=192.0.2.1;ext=\"a,b\\\"c\", for=\"\\1\\9\\2.0.2.2\"");
        assertClient(client, "192.0.2.2", 0, Source.FORWARDED);
    }

    @Test
    void anEscapedBackslashBeforeAClosingQuoteEndsTheString() {
        ForwardedClient client = viaProxy("Forwarded", "for=192.0.2.1;ext=\"x\\\\\", for=192.0.2.3;ext=\"\\\",\"");
        assertClient(client, "192.0.2.3", 0, Source.FORWARDED);
        ForwardedClient left = viaProxy("Forwarded", "for=192.0.2.1;ext=\"x\\\\\", for=\"_hidden\", for=10.0.0.9");
        assertClient(left, "10.0.0.9", 0, Source.FORWARDED);
    }

    @Test
    void unquotedIpv6IsAcceptedLeniently() {
        assertClient(viaProxy("Forwarded", "for=[2001:db8::1]:443"), "2001:db8::1", 443, Source.FORWARDED);
        assertClient(viaProxy("Forwarded", "for=2001:db8::2"), "2001:db8::2", 0, Source.FORWARDED);
    }

    @Test
    void otherSchemesLeaveTheConnectionsScheme() {
        assertThat(resolve(PROXY, true, "Forwarded", "for=192.0.2.1;proto=ftp").secure()).isTrue();
        assertThat(resolve(PROXY, false, "Forwarded", "for=192.0.2.1;proto=ws").secure()).isFalse();
        assertThat(resolve(PROXY, true, "Forwarded", "for=192.0.2.1;proto=http").secure()).isFalse();
    }

    @Test
    void forwardedWinsOverXForwardedFor() {
        ForwardedClient client = viaProxy("X-Forwarded-For", "192.0.2.77", "Forwarded", "for=192.0.2.1");
        assertClient(client, "192.0.2.1", 0, Source.FORWARDED);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "for=", "for", "=1.2.3.4", "for=1.2.3.4;for=1.2.3.5", "for=\"1.2.3.4", "for=1.2.3.4 x",
        "for=host.example", "for=\"[1.2.3.4]\"", "for=1.2.3.4:99999", "for=1.2.3.4:", "for=[::1",
        "for=\"_bad!\"", "for=_", "proto=1http;for=192.0.2.1", "host=\"a b\";for=192.0.2.1",
        "for=192.0.2.1;proto=https;proto=http", "for=\"\u0001\"", "for=1.2.3.4;;by=\"x",
        "for=\"1.2.3.4\"x", "fo r=1.2.3.4", "for=01.2.3.4", "for=\"\\",
    })
    void malformedElementWrittenByThePeerFallsBackToThePeer(String value) {
        ForwardedClient client = resolve(PROXY, true, "Forwarded", value);
        assertThat(client.address()).as(value).isSameAs(PROXY);
        assertThat(client.secure()).isTrue();
        assertThat(client.host()).isNull();
        assertThat(client.source()).isEqualTo(Source.PEER);
    }

    @Test
    void garbageLeftOfTheClientIsNeverRead() {
        ForwardedClient client = viaProxy("Forwarded", "for=\"garbage;;;, for=192.0.2.5, for=10.0.0.2");
        assertClient(client, "192.0.2.5", 0, Source.FORWARDED);
    }

    @Test
    void garbageBetweenTrustedHopsStopsAtTheNearestTrustedHop() {
        ForwardedClient client = viaProxy("Forwarded", "for=192.0.2.5, for=nonsense!, for=10.0.0.2");
        assertClient(client, "10.0.0.2", 0, Source.FORWARDED);
    }

    @Test
    void aClientCannotHideBehindTheProxyWithAnUnterminatedQuoteOnItsOwnLine() {
        ForwardedClient client = viaProxy("Forwarded", "for=\"oops", "Forwarded", "for=192.0.2.5");
        assertClient(client, "192.0.2.5", 0, Source.FORWARDED);
    }

    // --- X-Forwarded-For / X-Forwarded-Proto ---

    @Test
    void xffChainSkipsTrustedHops() {
        ForwardedClient client = viaProxy("X-Forwarded-For", "203.0.113.1, 192.0.2.5, 10.0.0.7, fd00::1");
        assertClient(client, "192.0.2.5", 0, Source.X_FORWARDED_FOR);
    }

    @Test
    void xffSpoofedByTheClientIsLeftOfItsRealAddress() {
        ForwardedClient client = viaProxy("X-Forwarded-For", "10.0.0.5, 127.0.0.1",
                "X-Forwarded-For", "192.0.2.200");
        assertClient(client, "192.0.2.200", 0, Source.X_FORWARDED_FOR);
    }

    @Test
    void xffAcceptsPortsBracketsAndBareIpv6() {
        assertClient(viaProxy("X-Forwarded-For", "192.0.2.5:1234"), "192.0.2.5", 1234, Source.X_FORWARDED_FOR);
        assertClient(viaProxy("X-Forwarded-For", "[2001:db8::5]:8080"), "2001:db8::5", 8080,
                Source.X_FORWARDED_FOR);
        assertClient(viaProxy("X-Forwarded-For", "2001:db8::6"), "2001:db8::6", 0, Source.X_FORWARDED_FOR);
        assertClient(viaProxy("X-Forwarded-For", "[2001:db8::7]"), "2001:db8::7", 0, Source.X_FORWARDED_FOR);
        assertClient(viaProxy("X-Forwarded-For", "::ffff:192.0.2.8"), "192.0.2.8", 0, Source.X_FORWARDED_FOR);
    }

    @Test
    void xffEmptyEntriesAndWhitespaceAreSkipped() {
        ForwardedClient client = viaProxy("X-Forwarded-For", " ,\t192.0.2.5 ,, 10.0.0.3 , ");
        assertClient(client, "192.0.2.5", 0, Source.X_FORWARDED_FOR);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "garbage", "1.2.3", "999.1.1.1", "192.0.2.1 192.0.2.2", "<script>", "localhost",
        "192.0.2.1:port", "[::1", "::1]", "\"192.0.2.1\"", "unknown", "_hidden", "1.2.3.4:-1",
        "1.2.3.4;5", "%00", "\u00e9",
    })
    void xffGarbageFromThePeerGivesThePeer(String value) {
        ForwardedClient client = resolve(PROXY, false, "X-Forwarded-For", value);
        assertThat(client.address()).as(value).isSameAs(PROXY);
        assertThat(client.source()).isEqualTo(Source.PEER);
    }

    @Test
    void xffGarbageBehindATrustedHopGivesThatHop() {
        ForwardedClient client = viaProxy("X-Forwarded-For", "192.0.2.9, garbage, 10.4.4.4");
        assertClient(client, "10.4.4.4", 0, Source.X_FORWARDED_FOR);
    }

    @Test
    void xfpSingleValueApplies() {
        ForwardedClient client = viaProxy("X-Forwarded-For", "192.0.2.5", "X-Forwarded-Proto", "HTTPS");
        assertThat(client.secure()).isTrue();
        assertThat(client.scheme(true)).isEqualTo("wss");
        assertThat(resolve(PROXY, true, "X-Forwarded-Proto", "http").secure()).isFalse();
    }

    @Test
    void xfpAlignedWithTheClientsEntryWhenCountsMatch() {
        ForwardedClient client = viaProxy("X-Forwarded-For", "203.0.113.1, 192.0.2.5, 10.0.0.7",
                "X-Forwarded-Proto", "http, https, http");
        assertClient(client, "192.0.2.5", 0, Source.X_FORWARDED_FOR);
        assertThat(client.secure()).isTrue();
    }

    @Test
    void xfpFollowsTheHopWhoseAddressIsReturned() {
        ForwardedClient stopped = viaProxy("X-Forwarded-For", "192.0.2.9, garbage, 10.4.4.4",
                "X-Forwarded-Proto", "http, http, https");
        assertClient(stopped, "10.4.4.4", 0, Source.X_FORWARDED_FOR);
        assertThat(stopped.secure()).isTrue();
        ForwardedClient peer = resolve(PROXY, false, "X-Forwarded-For", "garbage", "X-Forwarded-Proto", "https");
        assertThat(peer.address()).isSameAs(PROXY);
        assertThat(peer.secure()).as("the peer's own scheme is the connection's").isFalse();
    }

    @Test
    void xfpLeftmostWhenCountsDiffer() {
        ForwardedClient client = viaProxy("X-Forwarded-For", "192.0.2.5, 10.0.0.7",
                "X-Forwarded-Proto", "https, http, http");
        assertThat(client.secure()).isTrue();
    }

    @Test
    void xfpGarbageKeepsTheConnectionsScheme() {
        assertThat(resolve(PROXY, true, "X-Forwarded-Proto", "gopher").secure()).isTrue();
        assertThat(resolve(PROXY, false, "X-Forwarded-Proto", "h t t p s").secure()).isFalse();
        assertThat(resolve(PROXY, false, "X-Forwarded-Proto", " , ").secure()).isFalse();
    }

    // --- bounds ---

    @Test
    void atMostMaxHopsAreExamined() {
        List<String> hops = new ArrayList<>();
        hops.add("192.0.2.1");
        for (int i = 0; i < 40; i++) {
            hops.add("10.0.1." + i);
        }
        ForwardedClient xff = viaProxy("X-Forwarded-For", String.join(", ", hops));
        // the 32nd entry from the right is 10.0.1.8 (40 trusted entries: 10.0.1.39 down)
        assertClient(xff, "10.0.1.8", 0, Source.X_FORWARDED_FOR);

        List<String> elements = new ArrayList<>();
        for (String hop : hops) {
            elements.add("for=" + hop);
        }
        ForwardedClient forwarded = viaProxy("Forwarded", String.join(", ", elements));
        assertClient(forwarded, "10.0.1.8", 0, Source.FORWARDED);
    }

    @Test
    void hugeHeadersAreScannedWithoutTrouble() {
        String junk = String.join(",", Collections.nCopies(200_000, "x"));
        ForwardedClient xff = viaProxy("X-Forwarded-For", junk + ", 192.0.2.5");
        assertClient(xff, "192.0.2.5", 0, Source.X_FORWARDED_FOR);
        ForwardedClient forwarded = viaProxy("Forwarded", junk + ", for=192.0.2.6");
        assertClient(forwarded, "192.0.2.6", 0, Source.FORWARDED);
        ForwardedClient quoted = viaProxy("Forwarded", "for=\"" + "\\a".repeat(300_000) + "\"");
        assertThat(quoted.address()).isSameAs(PROXY);
        ForwardedClient commas = viaProxy("X-Forwarded-For", ",".repeat(500_000),
                "X-Forwarded-Proto", ",".repeat(500_000) + "https");
        assertThat(commas.address()).isSameAs(PROXY);
        assertThat(commas.secure()).isTrue();
    }

    @Test
    void aLookupAnsweringNullMeansAbsent() {
        ForwardedClient client = ForwardedHeaders.resolve(PROXY, true, name -> null, TRUSTED);
        assertThat(client).isEqualTo(new ForwardedClient(PROXY, true, null, Source.PEER));
    }
}
