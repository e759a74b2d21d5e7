package io.lws4j.internal.deflate;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of the {@code Sec-WebSocket-Extensions} parser and the deflate
 * negotiation. Without {@code JAZZER_FUZZ} set it runs once on the empty input.
 */
class DeflateNegotiationFuzzTest {

    /**
     * Arbitrary header values never throw; every parsed name and parameter is a token; an
     * accepted answer is one of the forms we can honour and parses back to itself.
     */
    @FuzzTest(maxDuration = "1m")
    void arbitraryOffersNeverThrowAndOnlyHonourableAnswersComeOut(FuzzedDataProvider data) {
        List<String> values = new ArrayList<>();
        int count = data.consumeInt(0, 3);
        for (int i = 0; i < count; i++) {
            values.add(data.consumeString(200));
        }
        values.add(data.consumeRemainingAsString());
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
    void arbitraryResponsesAreAcceptedOrRefusedNeverThrown(FuzzedDataProvider data) {
        List<String> values = new ArrayList<>();
        int count = data.consumeInt(0, 2);
        for (int i = 0; i < count; i++) {
            values.add(data.consumeString(200));
        }
        values.add(data.consumeRemainingAsString());
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
