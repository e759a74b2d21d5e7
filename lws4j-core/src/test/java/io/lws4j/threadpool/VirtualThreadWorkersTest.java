package io.lws4j.threadpool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

/**
 * Workers made by a virtual-thread factory (Java 21+). The build compiles for Java 17; with
 * {@code -Dlws4j.jdk21.home=/path/to/jdk21+} (as .ci/run passes) the core module's
 * {@code jdk21} surefire execution runs this on that JDK, where it must pass. On an older
 * runtime it skips, saying why, unless {@code -Dlws4j.requireExternal=true} (CI) is set and no
 * JDK 21+ was given: then the missing JDK is a failure.
 */
class VirtualThreadWorkersTest extends PoolTestSupport {

    private static ThreadFactory virtualThreadFactory() {
        try {
            Class<?> builderType = Class.forName("java.lang.Thread$Builder");
            Object builder = builderType.getMethod("name", String.class, long.class)
                    .invoke(Thread.class.getMethod("ofVirtual").invoke(null), "vt-", 0L);
            return (ThreadFactory) builderType.getMethod("factory").invoke(builder);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    private static boolean isVirtual(Thread t) throws ReflectiveOperationException {
        return (Boolean) Thread.class.getMethod("isVirtual").invoke(t);
    }

    /** On a runtime without virtual threads: fails or skips, see the class documentation. */
    private static void noVirtualThreads() {
        String running = "virtual threads need Java 21+; this JVM is " + Runtime.version()
                + " (" + System.getProperty("java.home") + ")";
        if (Boolean.getBoolean("lws4j.requireJava21")) {
            fail(running + ", but the jdk21 execution must run on Java 21+: check "
                    + "-Dlws4j.jdk21.home");
        }
        String jdk21 = System.getProperty("lws4j.jdk21.home", "");
        if (!jdk21.isBlank()) {
            abort(running + "; the jdk21 execution runs this test on " + jdk21);
        }
        if (Boolean.getBoolean("lws4j.requireExternal")) {
            fail(running + ", and no JDK 21+ was given: pass -Dlws4j.jdk21.home=<JDK 21+ home> "
                    + "(.ci/run finds one under /usr/lib/jvm)");
        }
        abort(running + "; skipped. Run it with -Dlws4j.jdk21.home=<JDK 21+ home>");
    }

    @Test
    void virtualThreadWorkersRunSyncCloseAndShutdown() throws Exception {
        ThreadFactory factory = virtualThreadFactory();
        if (factory == null) {
            noVirtualThreads();
        }
        FakeLoop loop = loop();
        ThreadPool pool = pool(new CreateArgs(3, 16).withThreadFactory(factory));
        assertThat(pool.workerThreads()).extracting(Thread::getName)
                .as("the factory's names").containsExactly("vt-0", "vt-1", "vt-2");
        for (Thread t : pool.workerThreads()) {
            assertThat(isVirtual(t)).isTrue();
        }
        List<TaskStatus> seen = new CopyOnWriteArrayList<>();
        List<Job> jobs = new ArrayList<>();
        List<FakeConnection> conns = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            FakeConnection c = connection(loop).onWritable(syncResponder(seen)).writable(i % 4 != 3);
            conns.add(c);
            Job j = new Job("v" + i);
            jobs.add(j);
            pool.enqueue(args(c, j, script(TaskReturn.SYNC, TaskReturn.SYNC, TaskReturn.SYNC)), j.id);
        }
        await("writable ones reaped", () -> jobs.stream().filter(j -> j.cleanups.get() == 1).count() >= 9);
        for (FakeConnection c : conns) {
            c.closeAndWait(); // frees the never-writable ones at once
        }
        await("all cleaned", () -> jobs.stream().allMatch(j -> j.cleanups.get() == 1));
        assertThat(pool.destroy()).isEmpty();
        for (Thread t : pool.workerThreads()) {
            assertThat(t.isAlive()).isFalse();
        }
    }
}
