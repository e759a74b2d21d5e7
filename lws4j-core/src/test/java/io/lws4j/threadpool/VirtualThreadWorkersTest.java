package io.lws4j.threadpool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

/**
 * Workers made by a virtual-thread factory (Java 21+; skipped on older runtimes). Run on a
 * newer JVM with {@code -Djvm=/path/to/jdk21+/bin/java}.
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

    @Test
    void virtualThreadWorkersRunSyncCloseAndShutdown() throws Exception {
        ThreadFactory factory = virtualThreadFactory();
        assumeTrue(factory != null, "virtual threads need Java 21+; running on "
                + Runtime.version());
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
