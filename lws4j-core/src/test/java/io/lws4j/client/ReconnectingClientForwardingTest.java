package io.lws4j.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Protocol;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@code ReconnectingClient} wraps the application's protocol; a {@link Protocol} callback the
 * wrapper does not override would silently fall back to the interface's no-op default, and the
 * application would never hear it (pongs, errors, streamed fragments). Every per-connection
 * callback and per-connection question must be forwarded. {@code onInit} and {@code onDestroy}
 * belong to a server context's registered protocols, never to a client connection's.
 */
class ReconnectingClientForwardingTest {
    @Test
    void theWrapperOverridesEveryConnectionCallbackOfProtocol() throws Exception {
        Class<?> forwarding = Arrays.stream(ReconnectingClient.class.getDeclaredClasses())
                .filter(c -> Protocol.class.isAssignableFrom(c))
                .findFirst().orElseThrow();
        Set<String> missing = new TreeSet<>();
        for (Method m : Protocol.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())
                    || m.getName().equals("onInit") || m.getName().equals("onDestroy")) {
                continue;
            }
            try {
                forwarding.getDeclaredMethod(m.getName(), m.getParameterTypes());
            } catch (NoSuchMethodException e) {
                missing.add(m.getName());
            }
        }
        assertThat(missing).as("Protocol methods ReconnectingClient does not forward").isEmpty();
    }
}
