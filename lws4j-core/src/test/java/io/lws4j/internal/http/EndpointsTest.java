package io.lws4j.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EndpointsTest {

    private static final List<String> ALL = List.of("a", "b", "c");

    @Test
    void withoutBindingsEveryPathGetsEveryProtocol() {
        assertThat(Endpoints.NONE.match("/anything", ALL)).isSameAs(ALL);
        assertThat(Endpoints.NONE.hasBindings()).isFalse();
    }

    @Test
    void exactWinsOverPrefixAndLongerPrefixesWin() {
        Map<String, List<String>> b = new LinkedHashMap<>();
        b.put("/*", List.of("a"));
        b.put("/chat/*", List.of("b"));
        b.put("/chat/special", List.of("c"));
        Endpoints e = new Endpoints(b, Set.of());
        assertThat(e.match("/chat/special", ALL)).containsExactly("c");
        assertThat(e.match("/chat/x", ALL)).containsExactly("b");
        assertThat(e.match("/chat", ALL)).containsExactly("b");
        assertThat(e.match("/chatroom", ALL)).containsExactly("a");
        assertThat(e.match("/", ALL)).containsExactly("a");
    }

    @Test
    void anUnboundPathHasNoCandidates() {
        Endpoints e = new Endpoints(Map.of("/report", List.of("a"), "/chat/*", List.of("b")), Set.of("b"));
        assertThat(e.match("/report/", ALL)).isNull();
        assertThat(e.match("/chatx", ALL)).isNull();
        assertThat(e.requiresSameOrigin("b")).isTrue();
        assertThat(e.requiresSameOrigin("a")).isFalse();
    }

    @Test
    void malformedPatternsAreRefused() {
        for (String bad : List.of("chat", "/a*", "/*/b", "/a?x", "/a#b", "/a/**")) {
            assertThatThrownBy(() -> Endpoints.checkPattern(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
