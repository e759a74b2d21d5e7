package io.lws4j.internal.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lws4j.internal.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Coverage-guided fuzzing of {@link ForwardedHeaders}. Without {@code JAZZER_FUZZ=1} each
 * method runs once per file of its seed corpus
 * ({@code src/test/resources/io/lws4j/internal/proxy/ForwardedHeadersFuzzTestInputs/<method>/})
 * as a regression test.
 *
 * <p>Input layout: byte 0 holds flags (bit 0: the connection uses TLS; bit 1: the peer is a
 * trusted proxy; bit 2: the honest proxy appends to the last line rather than adding a
 * field line); the rest, read as ISO-8859-1, is header lines separated by LF, each starting
 * with a letter that names the header ({@code F} Forwarded, {@code X} X-Forwarded-For,
 * {@code P} X-Forwarded-Proto, anything else Forwarded) followed by the value.
 */
class ForwardedHeadersFuzzTest {

    private static final CidrSet TRUSTED = CidrSet.parse(List.of("10.0.0.0/8", "fd00::/8", "127.0.0.1"));
    private static final InetSocketAddress TRUSTED_PEER = socket("10.0.0.1", 40000);
    private static final InetSocketAddress STRANGER = socket("198.51.100.99", 40001);
    /** The client an honest trusted proxy reports, to the right of whatever the client sent. */
    private static final InetSocketAddress REAL_CLIENT = socket("192.0.2.5", 0);

    private static InetSocketAddress socket(String literal, int port) {
        return new InetSocketAddress(IpLiterals.toInetAddress(IpLiterals.parse(literal)), port);
    }

    /**
     * Arbitrary headers never make the resolver throw; an untrusted peer is always the
     * client; an address other than the peer's only comes from a header that is present.
     */
    @FuzzTest(maxDuration = "2m")
    void arbitraryHeadersNeverThrowAndUntrustedPeersAreTheClient(byte[] data) {
        if (data.length < 1) {
            return;
        }
        boolean tls = (data[0] & 1) != 0;
        InetSocketAddress peer = (data[0] & 2) != 0 ? TRUSTED_PEER : STRANGER;
        HttpHeaders headers = headers(lines(data));

        ForwardedClient client = ForwardedHeaders.resolve(peer, tls, headers::all, TRUSTED);
        if (peer == STRANGER) {
            assertThat(client).isEqualTo(new ForwardedClient(STRANGER, tls, null, ForwardedClient.Source.PEER));
            return;
        }
        switch (client.source()) {
            case PEER -> assertThat(client.address()).isSameAs(peer);
            case FORWARDED -> assertThat(headers.all("Forwarded")).isNotEmpty();
            case X_FORWARDED_FOR -> {
                assertThat(headers.all("Forwarded")).isEmpty();
                assertThat(headers.all("X-Forwarded-For")).isNotEmpty();
            }
            default -> throw new AssertionError(client.source());
        }
        if (client.host() != null) {
            assertThat(headers.all("Forwarded")).isNotEmpty();
        }
        assertThat(client.address().isUnresolved()).isFalse();
    }

    /**
     * Whatever the client sent, when the trusted peer appends the client's real address (as
     * a new field line or after a comma on the last line of the header in use), that address
     * is the result: garbage cannot hide the client behind the proxy, nor spoof another.
     */
    @FuzzTest(maxDuration = "2m")
    void whatAnHonestProxyAppendsWinsOverAnythingTheClientSent(byte[] data) {
        if (data.length < 1) {
            return;
        }
        boolean sameLine = (data[0] & 4) != 0;
        List<String[]> lines = lines(data);
        boolean forwarded = lines.stream().anyMatch(l -> l[0].equals("Forwarded"));
        String name = forwarded ? "Forwarded" : "X-Forwarded-For";
        String appended = forwarded ? "for=192.0.2.5" : "192.0.2.5";
        int last = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i)[0].equals(name)) {
                last = i;
            }
        }
        if (sameLine && last >= 0) {
            lines.get(last)[1] = lines.get(last)[1] + ", " + appended;
        } else {
            lines.add(new String[] {name, appended});
        }
        Function<String, List<String>> headers = headers(lines)::all;
        ForwardedClient client = ForwardedHeaders.resolve(TRUSTED_PEER, false, headers, TRUSTED);
        assertThat(client.address()).isEqualTo(REAL_CLIENT);
    }

    private static HttpHeaders headers(List<String[]> lines) {
        String[] namesAndValues = new String[2 * lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            namesAndValues[2 * i] = lines.get(i)[0];
            namesAndValues[2 * i + 1] = lines.get(i)[1];
        }
        return HttpHeaders.of(namesAndValues);
    }

    /** Header lines as {name, value}; values are trimmed as the request parser trims them. */
    private static List<String[]> lines(byte[] data) {
        String text = new String(data, 1, data.length - 1, StandardCharsets.ISO_8859_1);
        List<String[]> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            String name = switch (line.charAt(0)) {
                case 'X' -> "X-Forwarded-For";
                case 'P' -> "X-Forwarded-Proto";
                default -> "Forwarded";
            };
            lines.add(new String[] {name, line.substring(1).strip()});
        }
        return lines;
    }
}
