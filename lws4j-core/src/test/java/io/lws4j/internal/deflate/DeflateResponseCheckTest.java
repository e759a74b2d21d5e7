package io.lws4j.internal.deflate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The client's check of the server's permessage-deflate answer (RFC 7692 §5, §7.1). */
class DeflateResponseCheckTest {

    private static DeflateParams check(String... values) throws Exception {
        return DeflateResponseCheck.check(List.of(values), true);
    }

    @Test
    void noHeaderOrAnEmptyOneMeansNoCompression() throws Exception {
        assertThat(DeflateResponseCheck.check(List.of(), true)).isNull();
        assertThat(check(" ", ",")).isNull();
        assertThat(DeflateResponseCheck.check(List.of(), false)).isNull();
    }

    @Test
    void acceptsEveryParameterTheServerMayAnswerWith() throws Exception {
        assertThat(check("permessage-deflate")).isEqualTo(new DeflateParams(false, false, 0));
        assertThat(check("permessage-deflate; server_no_context_takeover; "
                + "client_no_context_takeover; server_max_window_bits=9"))
                .isEqualTo(new DeflateParams(true, true, 9));
        assertThat(check("Permessage-Deflate ;Client_No_Context_Takeover", ""))
                .isEqualTo(new DeflateParams(false, true, 0));
    }

    @Test
    void everyAnswerOfOurServerToOurOfferPassesTheClientCheck() throws Exception {
        for (boolean serverReset : new boolean[] {false, true}) {
            DeflateParams server = DeflateNegotiation.negotiate(List.of(DeflateResponseCheck.OFFER),
                    serverReset);
            assertThat(check(server.responseValue())).isEqualTo(server);
        }
    }

    @Test
    void refusesWhatTheClientDidNotOfferOrRfc7692Forbids() {
        assertThatThrownBy(() -> DeflateResponseCheck.check(List.of("permessage-deflate"), false))
                .hasMessageContaining("did not offer");
        assertThatThrownBy(() -> check("permessage-deflate; client_max_window_bits=15"))
                .hasMessageContaining("15-bit window");
        assertThatThrownBy(() -> check("permessage-deflate", "permessage-deflate"))
                .hasMessageContaining("2 times");
        assertThatThrownBy(() -> check("permessage-deflate; server_max_window_bits=16"))
                .hasMessageContaining("8 to 15");
        assertThatThrownBy(() -> check("permessage-deflate; server_no_context_takeover=\"x\""))
                .hasMessageContaining("takes no value");
        assertThatThrownBy(() -> check("permessage-deflate; a b"))
                .hasMessageContaining("malformed");
        assertThatThrownBy(() -> check("permessage-deflate; x=\"y"))
                .hasMessageContaining("malformed");
    }
}
