package io.lws4j.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.internal.deflate.DeflateParams;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** permessage-deflate in the opening handshake: the response header and the decision. */
class UpgradeHandshakeDeflateTest {

    private static final List<String> PROTOCOLS = List.of("plain", "chat");

    private static UpgradeDecision.Accept decide(String protocolHeader, String allowedFor, String... extensionHeaders)
            throws HttpException {
        return decideAdmitting(null, protocolHeader, allowedFor, extensionHeaders);
    }

    private static UpgradeDecision.Accept decideAdmitting(Predicate<DeflateParams> admission, String protocolHeader,
            String allowedFor, String... extensionHeaders) throws HttpException {
        StringBuilder head = new StringBuilder("GET /x HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n");
        if (protocolHeader != null) {
            head.append("Sec-WebSocket-Protocol: ").append(protocolHeader).append("\r\n");
        }
        for (String e : extensionHeaders) {
            head.append("Sec-WebSocket-Extensions: ").append(e).append("\r\n");
        }
        HttpRequest req = new HttpRequestParser(8192).parse(
                HttpRequestParserTest.bytes(head.append("\r\n").toString()));
        UpgradeDecision d = UpgradeHandshake.decide(req, PROTOCOLS, null,
                allowedFor == null ? null : allowedFor::equals, admission);
        assertThat(d).isInstanceOf(UpgradeDecision.Accept.class);
        return (UpgradeDecision.Accept) d;
    }

    private static List<String> extensionLines(UpgradeDecision.Accept accept) {
        return StandardCharsets.US_ASCII.decode(accept.response().duplicate()).toString().lines()
                .filter(l -> l.regionMatches(true, 0, "Sec-WebSocket-Extensions:", 0, 25)).toList();
    }

    @Test
    void shouldAnswerTheAcceptedOfferInOneHeader() throws HttpException {
        UpgradeDecision.Accept a = decide("chat", "chat",
                "x-unknown, permessage-deflate; server_max_window_bits=12",
                "permessage-deflate; client_max_window_bits; server_no_context_takeover");
        assertThat(a.protocolName()).isEqualTo("chat");
        assertThat(a.deflate()).isEqualTo(new DeflateParams(true, false, 0));
        assertThat(extensionLines(a)).containsExactly(
                "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover");
    }

    @Test
    void shouldNotNegotiateWhenTheSelectedProtocolIsNotAllowed() throws HttpException {
        // no subprotocol offered: the default "plain" serves, and deflate is allowed for chat only
        UpgradeDecision.Accept a = decide(null, "chat", "permessage-deflate");
        assertThat(a.protocolName()).isEqualTo("plain");
        assertThat(a.deflate()).isNull();
        assertThat(extensionLines(a)).isEmpty();
    }

    @Test
    void shouldIgnoreOffersWithoutAPolicyOrWhenNoneIsAcceptable() throws HttpException {
        assertThat(decide(null, null, "permessage-deflate").deflate()).isNull();
        UpgradeDecision.Accept declined = decide(null, "plain", "permessage-deflate; server_max_window_bits=8",
                "permessage-deflate; bogus=1");
        assertThat(declined.deflate()).isNull();
        assertThat(extensionLines(declined)).isEmpty();
    }

    @Test
    void shouldAnswerWithoutTheExtensionWhenTheAdmissionDeclines_askingItOnceForTheAcceptedParams()
            throws HttpException {
        List<DeflateParams> asked = new ArrayList<>();
        UpgradeDecision.Accept declined = decideAdmitting(p -> {
            asked.add(p);
            return false;
        }, null, "plain",
                "permessage-deflate; bogus=1, permessage-deflate; client_no_context_takeover");
        assertThat(asked).containsExactly(new DeflateParams(false, true, 0));
        assertThat(declined.deflate()).isNull();
        assertThat(extensionLines(declined)).isEmpty();

        asked.clear();
        UpgradeDecision.Accept admitted = decideAdmitting(asked::add, null, "plain", "permessage-deflate");
        assertThat(admitted.deflate()).isEqualTo(new DeflateParams(false, false, 0));
        assertThat(extensionLines(admitted)).containsExactly("Sec-WebSocket-Extensions: permessage-deflate");

        asked.clear();
        decideAdmitting(asked::add, null, "chat", "permessage-deflate");
        decideAdmitting(asked::add, null, "plain");
        assertThat(asked).as("not asked without an acceptable offer to admit").isEmpty();
    }
}
