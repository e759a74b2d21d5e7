package io.lws4j.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CookieParserTest {

    @Test
    void pairsOfEveryFieldAreTrimmedAndUnquotedAndKeepTheirOrder() throws HttpException {
        Map<String, List<String>> c = CookieParser.parse(
                List.of("sid=abc; theme=\"dark\" ;\tlang=en", "sid=second"), 10);
        assertThat(c).containsExactly(Map.entry("sid", List.of("abc", "second")),
                Map.entry("theme", List.of("dark")), Map.entry("lang", List.of("en")));
    }

    @Test
    void valuesAreNotDecodedAndMayHoldEquals() throws HttpException {
        assertThat(CookieParser.parse(List.of("t=a%20b==; e="), 10))
                .containsExactly(Map.entry("t", List.of("a%20b==")), Map.entry("e", List.of("")));
    }

    @Test
    void piecesWithoutANameOrEqualsOrWithANonTokenNameAreSkipped() throws HttpException {
        assertThat(CookieParser.parse(List.of("novalue; =x; a b=1; ok=1;;", ""), 10))
                .containsExactly(Map.entry("ok", List.of("1")));
    }

    @Test
    void moreCookiesThanTheLimitAreRefusedWith431() throws HttpException {
        assertThat(CookieParser.parse(List.of("a=1; b=2", "c=3"), 3)).hasSize(3);
        assertThatThrownBy(() -> CookieParser.parse(List.of("a=1; b=2", "c=3; d=4"), 3))
                .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.status()).isEqualTo(431));
    }

    @Test
    void noFieldIsAnEmptyMap() throws HttpException {
        assertThat(CookieParser.parse(List.of(), 1)).isEmpty();
    }
}
