package io.lws4j.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryParserTest {

    @Test
    void pairsAreDecodedOnceAndKeepTheirOrderAndRepeats() throws HttpException {
        Map<String, List<String>> q = QueryParser.parse("token=a%2Bb&room=caf%C3%A9+noir&token=2", 10);
        assertThat(q).containsExactly(Map.entry("token", List.of("a+b", "2")),
                Map.entry("room", List.of("café noir")));
    }

    @Test
    void emptyPairsAreSkippedAndANameWithoutEqualsHasTheEmptyValue() throws HttpException {
        Map<String, List<String>> q = QueryParser.parse("&a&&b=&=x&c=1=2&", 10);
        assertThat(q).containsExactly(Map.entry("a", List.of("")), Map.entry("b", List.of("")),
                Map.entry("", List.of("x")), Map.entry("c", List.of("1=2")));
    }

    @Test
    void aDoubleEncodedEscapeStaysLiteral() throws HttpException {
        assertThat(QueryParser.parse("p=%252e", 1)).containsEntry("p", List.of("%2e"));
    }

    @Test
    void noQueryIsAnEmptyMap() throws HttpException {
        assertThat(QueryParser.parse(null, 1)).isEmpty();
        assertThat(QueryParser.parse("", 1)).isEmpty();
    }

    @Test
    void malformedEscapesAndInvalidUtf8AreRefusedWith400() {
        for (String bad : List.of("a=%", "a=%4", "a=%zz", "a%G1=1", "a=%C3", "a=%FF%FE", "a=%C0%AF")) {
            assertThatThrownBy(() -> QueryParser.parse(bad, 10)).as(bad)
                    .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.status()).isEqualTo(400));
        }
    }

    @Test
    void moreParametersThanTheLimitAreRefusedWith400() throws HttpException {
        assertThat(QueryParser.parse("a=1&a=2&a=3", 3)).containsEntry("a", List.of("1", "2", "3"));
        assertThatThrownBy(() -> QueryParser.parse("a=1&a=2&a=3&b", 3))
                .isInstanceOfSatisfying(HttpException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("more than 3");
                });
    }

    @Test
    void theResultIsUnmodifiable() throws HttpException {
        Map<String, List<String>> q = QueryParser.parse("a=1", 1);
        assertThatThrownBy(() -> q.put("b", List.of())).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> q.get("a").add("2")).isInstanceOf(UnsupportedOperationException.class);
    }
}
