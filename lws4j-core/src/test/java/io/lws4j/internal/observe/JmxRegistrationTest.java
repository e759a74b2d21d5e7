package io.lws4j.internal.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * MBean registration now when the platform MBean server runs, in the background when it
 * does not, and cancelled by an unregister that comes first.
 */
class JmxRegistrationTest {

    /** A bean to register. */
    public interface ProbeMXBean {
        /** @return a constant */
        int getValue();
    }

    private static final ProbeMXBean PROBE = () -> 7;

    private static String keys() {
        return "type=Probe,name=p" + System.nanoTime();
    }

    @Test
    void withThePlatformServerRunning_theBeanIsRegisteredBeforeRegisterReturns() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        assertThat(JmxRegistration.platformServerRunning()).isTrue();
        JmxRegistration registration = JmxRegistration.register(keys(), ProbeMXBean.class, PROBE);
        ObjectName name = registration.name();
        assertThat(name).isNotNull();
        assertThat(server.getAttribute(name, "Value")).isEqualTo(7);
        registration.unregister();
        assertThat(server.isRegistered(name)).isFalse();
        assertThat(registration.name()).isNull();
        registration.unregister(); // idempotent
    }

    @Test
    void aPendingRegistrationRunsLater_andAnUnregisterBeforeItRunsCancelsIt() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        List<Runnable> later = new ArrayList<>();
        String keys = keys();
        JmxRegistration pending = JmxRegistration.register(keys, ProbeMXBean.class, PROBE,
                later::add);
        assertThat(pending.name()).isNull();
        assertThat(server.isRegistered(new ObjectName(Jmx.DOMAIN + ":" + keys))).isFalse();
        later.remove(0).run();
        assertThat(pending.name()).isEqualTo(new ObjectName(Jmx.DOMAIN + ":" + keys));
        assertThat(server.isRegistered(pending.name())).isTrue();
        pending.unregister();
        assertThat(server.isRegistered(new ObjectName(Jmx.DOMAIN + ":" + keys))).isFalse();

        String cancelledKeys = keys();
        JmxRegistration cancelled = JmxRegistration.register(cancelledKeys, ProbeMXBean.class,
                PROBE, later::add);
        cancelled.unregister();
        later.remove(0).run();
        assertThat(cancelled.name()).isNull();
        assertThat(server.isRegistered(new ObjectName(Jmx.DOMAIN + ":" + cancelledKeys)))
                .isFalse();
    }

    /**
     * In a fresh JVM that has not started the platform MBean server, building a context
     * does not start it; the context's and its pool's beans appear moments later, and close
     * removes them.
     */
    @Test
    void inAFreshJvm_buildDoesNotStartThePlatformServer_andTheBeansAppearInTheBackground()
            throws Exception {
        List<String> out = runChild(BackgroundRegistrationMain.class);
        assertThat(out).containsExactly(
                "server running after build: false",
                "context registered: true",
                "pool registered: true",
                "registered after close: false");
    }

    private static List<String> runChild(Class<?> main) throws IOException, InterruptedException {
        String classPath = location(JmxRegistration.class) + java.io.File.pathSeparator
                + location(main);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", classPath, main.getName())
                .redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(text).isTrue();
        assertThat(p.exitValue()).as(text).isZero();
        return text.lines().filter(l -> !l.startsWith("WARNING")).toList();
    }

    private static String location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
