package io.lws4j.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing of the query parser. Without {@code JAZZER_FUZZ} set it replays its seed
 * corpus (src/test/resources/io/lws4j/internal/http/QueryParserFuzzTestInputs).
 */
class QueryParserFuzzTest {

    /**
     * Any query either parses or is refused with 400, never another exception; the pair
     * count stays within the limit; and for an ASCII query the JDK's form decoder finds the
     * same names and values.
     */
    @FuzzTest(maxDuration = "1m")
    void queriesParseWithinTheLimitOrAreRefusedWith400(FuzzedDataProvider data) {
        int max = data.consumeInt(1, 8);
        String query = data.consumeRemainingAsString();
        Map<String, List<String>> params;
        try {
            params = QueryParser.parse(query, max);
        } catch (HttpException e) {
            assertThat(e.status()).isEqualTo(400);
            return;
        }
        int count = params.values().stream().mapToInt(List::size).sum();
        assertThat(count).isLessThanOrEqualTo(max);
        if (!query.chars().allMatch(c -> c < 0x80)) {
            return; // raw non-ASCII: we read it as the wire's Latin-1 bytes, the JDK as text
        }
        List<String> expected = new ArrayList<>();
        for (String pair : query.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            expected.add(URLDecoder.decode(name, StandardCharsets.UTF_8) + "="
                    + URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        List<String> actual = new ArrayList<>(); // the map groups by name: compare as multisets
        params.forEach((n, vs) -> vs.forEach(v -> actual.add(n + "=" + v)));
        assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
    }
}
