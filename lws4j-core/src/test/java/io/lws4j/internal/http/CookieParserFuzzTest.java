package io.lws4j.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing of the Cookie header parser. Without {@code JAZZER_FUZZ} set it replays its seed
 * corpus (src/test/resources/io/lws4j/internal/http/CookieParserFuzzTestInputs).
 */
class CookieParserFuzzTest {

    /**
     * Any Cookie fields parse or are refused with 431; every name is a token, no value holds
     * a ';', and the count stays within the limit.
     */
    @FuzzTest(maxDuration = "1m")
    void cookiesParseToTokenNamesWithinTheLimitOrAreRefusedWith431(FuzzedDataProvider data) {
        int max = data.consumeInt(1, 8);
        List<String> fields = new ArrayList<>();
        int n = data.consumeInt(0, 2);
        for (int i = 0; i < n; i++) {
            fields.add(data.consumeString(100));
        }
        fields.add(data.consumeRemainingAsString());
        Map<String, List<String>> cookies;
        try {
            cookies = CookieParser.parse(fields, max);
        } catch (HttpException e) {
            assertThat(e.status()).isEqualTo(431);
            return;
        }
        int count = 0;
        for (Map.Entry<String, List<String>> e : cookies.entrySet()) {
            assertThat(e.getKey()).matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
            for (String v : e.getValue()) {
                assertThat(v).doesNotContain(";");
                count++;
            }
        }
        assertThat(count).isLessThanOrEqualTo(max);
    }
}
