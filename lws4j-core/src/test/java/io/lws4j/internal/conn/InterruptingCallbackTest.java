package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lws4j.Context;
import io.lws4j.internal.loop.ServiceLoop;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A protocol callback that leaves its thread interrupted (the common
 * {@code catch (InterruptedException e) { Thread.currentThread().interrupt(); }}) must not
 * turn the service loop into a busy loop: a selector returns at once while its thread is
 * interrupted, so the loop clears the flag. The loop then idles without burning a core and
 * still serves its connections.
 */
class InterruptingCallbackTest {

    private final RecordingProtocol protocol = new RecordingProtocol();
    private Context context;

    @AfterEach
    void close() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void aCallbackThatInterruptsItsThreadLeavesTheLoopIdleAtLowCpu_andTheLoopStillServes()
            throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isCurrentThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled(),
                "this JVM does not measure per-thread CPU time");
        AtomicLong loopThreadId = new AtomicLong(-1);
        protocol.textHandler = (c, text) -> {
            if (text.equals("interrupt")) {
                loopThreadId.set(Thread.currentThread().getId());
                Thread.currentThread().interrupt(); // what a swallowed InterruptedException does
            }
            c.writeText(text);
        };
        context = Context.builder().bindAddress("127.0.0.1").port(0).serviceThreads(1)
                .protocol("p", protocol).build();
        JdkClient client = JdkClient.connect(context.port(), "p");
        ServiceLoop loop = ((ConnectionImpl) protocol.awaitEstablished()).loop();
        client.socket.sendText("interrupt", true).get(10, TimeUnit.SECONDS);
        assertThat(client.nextMessage()).isEqualTo("interrupt");
        long tid = loopThreadId.get();
        assertThat(tid).isNotEqualTo(-1L);

        // One idle second: the loop waits in select. Interrupted, it would spin: a core's
        // worth of CPU on a quiet machine, and on a loaded one (where the spinning thread
        // gets only its share of a core) still thousands of duty cycles.
        long cyclesBefore = loop.cycleCount();
        long cpuBefore = threads.getThreadCpuTime(tid);
        long wallBefore = System.nanoTime();
        Thread.sleep(1000);
        long cpu = threads.getThreadCpuTime(tid) - cpuBefore;
        long wall = System.nanoTime() - wallBefore;
        long cycles = loop.cycleCount() - cyclesBefore;
        assertThat(cpuBefore).as("the loop thread is alive").isNotEqualTo(-1L);
        assertThat(cycles).as("duty cycles of the idle loop in %d ns", wall).isLessThan(100);
        assertThat(cpu).as("CPU ns of the idle loop thread in %d ns of wall time", wall)
                .isLessThan(wall / 2);

        client.socket.sendText("still served", true).get(10, TimeUnit.SECONDS);
        assertThat(client.nextMessage()).isEqualTo("still served");
    }
}
