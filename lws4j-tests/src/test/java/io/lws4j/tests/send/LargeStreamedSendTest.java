package io.lws4j.tests.send;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.tests.support.ProcessRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A 1 GiB message streamed with {@link io.lws4j.MessageStream} to the JDK client, in a
 * forked JVM with {@code -Xmx256m} ({@link LargeStreamedSendMain}): neither side may hold
 * the message, so it only passes with bounded heap.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class LargeStreamedSendTest {

    @Test
    void aOneGibMessageStreamsThroughA256MibHeap() {
        long total = 1L << 30;
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessRun.Result run = ProcessRun.run(List.of(java.toString(), "-Xmx256m",
                "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                LargeStreamedSendMain.class.getName(), String.valueOf(total)),
                Path.of("").toAbsolutePath(), Duration.ofMinutes(12));
        assertThat(run.succeeded()).as(run::describe).isTrue();
        assertThat(run.stdout()).as(run::describe)
                .contains("OK bytes=" + total).contains("maxHeapMiB=").doesNotContain("FAILED");
    }
}
