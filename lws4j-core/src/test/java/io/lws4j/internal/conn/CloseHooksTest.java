package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloseHooksTest {

    @Test
    void hooksRunOnceInOrderAndAThrowingHookDoesNotStopTheOthers() {
        CloseHooks hooks = new CloseHooks();
        List<String> ran = new ArrayList<>();
        assertThat(hooks.add(() -> ran.add("a"))).isTrue();
        assertThat(hooks.add(() -> {
            throw new IllegalStateException("boom");
        })).isTrue();
        assertThat(hooks.add(() -> ran.add("c"))).isTrue();

        hooks.runOnce();
        hooks.runOnce();

        assertThat(ran).containsExactly("a", "c");
    }

    @Test
    void aHookAddedAfterTheRunIsRefusedAndARemovedOneNeverRuns() {
        CloseHooks hooks = new CloseHooks();
        List<String> ran = new ArrayList<>();
        Runnable removed = () -> ran.add("removed");
        hooks.add(removed);
        hooks.remove(removed);
        hooks.runOnce();
        assertThat(hooks.add(() -> ran.add("late"))).isFalse();
        hooks.runOnce();
        assertThat(ran).isEmpty();
    }
}
