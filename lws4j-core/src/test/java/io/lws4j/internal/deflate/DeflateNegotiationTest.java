package io.lws4j.internal.deflate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeflateNegotiationTest {

    private static String answer(String... headerValues) {
        DeflateParams p = DeflateNegotiation.negotiate(List.of(headerValues), false);
        return p == null ? null : p.responseValue();
    }

    @Test
    void shouldAcceptAPlainOfferWithoutParameters() {
        assertThat(answer("permessage-deflate")).isEqualTo("permessage-deflate");
    }

    @Test
    void shouldAnswerTheBrowserOfferWithoutClientWindowBits() {
        // what Chromium and Firefox send
        assertThat(answer("permessage-deflate; client_max_window_bits"))
                .isEqualTo("permessage-deflate");
    }

    @Test
    void shouldEchoBothNoContextTakeoverParameters() {
        DeflateParams p = DeflateNegotiation.negotiate(List.of(
                "permessage-deflate; client_no_context_takeover; server_no_context_takeover"), false);
        assertThat(p).isEqualTo(new DeflateParams(true, true, 0));
        assertThat(p.responseValue()).isEqualTo(
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover");
        assertThat(p.noContextTakeover(true)).isTrue();
        assertThat(p.noContextTakeover(false)).isTrue();
    }

    @Test
    void shouldRequestServerNoContextTakeoverWhenConfigured() {
        DeflateParams p = DeflateNegotiation.negotiate(List.of("permessage-deflate"), true);
        assertThat(p.responseValue()).isEqualTo("permessage-deflate; server_no_context_takeover");
    }

    @Test
    void shouldAnswerServerMaxWindowBitsFifteen() {
        assertThat(answer("permessage-deflate; server_max_window_bits=15"))
                .isEqualTo("permessage-deflate; server_max_window_bits=15");
        assertThat(answer("permessage-deflate; server_max_window_bits=\"15\""))
                .isEqualTo("permessage-deflate; server_max_window_bits=15");
    }

    @Test
    void shouldDeclineSmallServerWindowAndTakeTheNextOffer() {
        assertThat(answer("permessage-deflate; server_max_window_bits=10, "
                + "permessage-deflate; client_no_context_takeover"))
                .isEqualTo("permessage-deflate; client_no_context_takeover");
        assertThat(answer("permessage-deflate; server_max_window_bits=10")).isNull();
    }

    @Test
    void shouldAcceptAnyValidClientWindowBitsWithoutNamingThem() {
        for (int bits = 8; bits <= 15; bits++) {
            assertThat(answer("permessage-deflate; client_max_window_bits=" + bits))
                    .as("bits %d", bits).isEqualTo("permessage-deflate");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "permessage-deflate; server_max_window_bits",
        "permessage-deflate; server_max_window_bits=016",
        "permessage-deflate; server_max_window_bits=7",
        "permessage-deflate; server_max_window_bits=16",
        "permessage-deflate; server_max_window_bits=abc",
        "permessage-deflate; client_max_window_bits=7",
        "permessage-deflate; client_max_window_bits=08",
        "permessage-deflate; client_max_window_bits=\"\"",
        "permessage-deflate; server_no_context_takeover=1",
        "permessage-deflate; client_no_context_takeover=\"x\"",
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
        "permessage-deflate; client_max_window_bits; client_max_window_bits=15",
        "permessage-deflate; unknown_parameter",
        "permessage-deflate; =15",
        "permessage-deflate; server_max_window_bits=\"1 5\"",
        "permessage-deflate; server_max_window_bits=\"15",
        "permessage-deflate;; client_no_context_takeover",
    })
    void shouldDeclineMalformedOrUnacceptableOffers(String offer) {
        assertThat(answer(offer)).isNull();
    }

    @Test
    void shouldTakeTheFirstAcceptableOfferAcrossHeaders() {
        assertThat(answer("x-webkit-deflate-frame", "permessage-deflate; bogus, "
                + "permessage-deflate; server_no_context_takeover",
                "permessage-deflate; client_no_context_takeover"))
                .isEqualTo("permessage-deflate; server_no_context_takeover");
    }

    @Test
    void shouldIgnoreOtherExtensionsAndEmptyElements() {
        assertThat(answer(", foo; bar=\"a,b\" ,,permessage-deflate")).isEqualTo("permessage-deflate");
        assertThat(answer("foo, bar; baz=1")).isNull();
        assertThat(answer("")).isNull();
    }

    @Test
    void shouldParseQuotedValuesWithEscapesAndCommas() {
        List<ExtensionOffer> offers = ExtensionOffer.parseAll(List.of(
                "a; p=\"v\\1\"; q, b ; r = s", "c; x=\"y,z\""));
        assertThat(offers).containsExactly(
                new ExtensionOffer("a", List.of(new ExtensionOffer.Param("p", "v1"),
                        new ExtensionOffer.Param("q", null))),
                new ExtensionOffer("b", List.of(new ExtensionOffer.Param("r", "s"))));
        // "y,z" is quoted correctly but is not a token once unquoted: c is malformed
    }

    @Test
    void shouldDropEverythingAfterAnUnterminatedQuote() {
        assertThat(ExtensionOffer.parseAll(List.of("a, b; p=\"open, permessage-deflate")))
                .containsExactly(new ExtensionOffer("a", List.of()));
    }
}
