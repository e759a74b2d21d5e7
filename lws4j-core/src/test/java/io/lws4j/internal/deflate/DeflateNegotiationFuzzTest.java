package io.lws4j.internal.deflate;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Coverage-guided fuzzing of the {@code Sec-WebSocket-Extensions} parser and the deflate
 * negotiation. An input is the header's values one per line (see {@link #headerValues}), so
 * the seed corpora in {@code DeflateNegotiationFuzzTestInputs/<method>/} are plain text:
 * without {@code JAZZER_FUZZ} set each target runs on the empty input and on every seed (a
 * regression test in {@code verify}); with {@code JAZZER_FUZZ=1} it fuzzes from them.
 */
class DeflateNegotiationFuzzTest {
    /** The most header lines an input stands for; the last keeps any further line feeds. */
    private static final int MAX_VALUES = 4;

    /**
     * The {@code Sec-WebSocket-Extensions} values an input stands for: its lines (split at
     * LF), each byte one ISO-8859-1 character, as the HTTP parser decodes header values.
     */
    static List<String> headerValues(byte[] data) {
        String all = new String(data, StandardCharsets.ISO_8859_1);
        return List.of(all.split("\n", MAX_VALUES));
    }

    /**
     * Arbitrary header values never throw; every parsed name and parameter is a token; an
     * accepted answer is one of the forms we can honour and parses back to itself.
     */
    @FuzzTest(maxDuration = "1m")
    void arbitraryOffersNeverThrowAndOnlyHonourableAnswersComeOut(byte[] data) {
        List<String> values = headerValues(data);
        for (ExtensionOffer offer : ExtensionOffer.parseAll(values)) {
            assertThat(offer.name()).matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
            for (ExtensionOffer.Param p : offer.params()) {
                assertThat(p.name()).matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
                if (p.value() != null) {
                    assertThat(p.value()).matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
                }
            }
        }
        DeflateParams params = DeflateNegotiation.negotiate(values, false);
        if (params != null) {
            assertThat(params.serverMaxWindowBits()).isIn(0, 15);
            assertThat(DeflateNegotiation.negotiate(List.of(params.responseValue()), false))
                    .isEqualTo(params);
        }
    }

    /**
     * The client's check of arbitrary response values: it answers null, accepted parameters
     * that parse back to themselves, or a refusal, never another exception; strict parsing
     * agrees with lenient parsing whenever it succeeds.
     */
    @FuzzTest(maxDuration = "1m")
    void arbitraryResponsesAreAcceptedOrRefusedNeverThrown(byte[] data) {
        List<String> values = headerValues(data);
        List<ExtensionOffer> strict = ExtensionOffer.parseAllStrict(values);
        if (strict != null) {
            assertThat(strict).isEqualTo(ExtensionOffer.parseAll(values));
        }
        DeflateParams params;
        try {
            params = DeflateResponseCheck.check(values, true);
        } catch (DeflateResponseCheck.RefusedResponse refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        if (params != null) {
            assertThat(strict).hasSize(1);
            try {
                assertThat(DeflateResponseCheck.check(List.of(params.responseValue()), true))
                        .isEqualTo(params);
            } catch (DeflateResponseCheck.RefusedResponse refused) {
                throw new AssertionError("our own rendering refused: " + params.responseValue(), refused);
            }
        }
    }
}
