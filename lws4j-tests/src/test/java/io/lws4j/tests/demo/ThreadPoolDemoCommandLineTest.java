package io.lws4j.tests.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The demo's {@code main} as a process: what a user sees for --help and for a bad flag. */
class ThreadPoolDemoCommandLineTest {

    @Test
    void badFlagPrintsTheProblemAndExitsWithStatusTwo() throws Exception {
        try (DemoProcess demo = DemoProcess.start("--threads", "0")) {
            assertThat(demo.awaitExit(Duration.ofSeconds(30))).as(demo::output).isEqualTo(2);
            assertThat(demo.output()).contains(
                    "ThreadPoolDemo: --threads: 0 is out of range [1, 1024]",
                    "Try --help for the options.");
        }
    }

    @Test
    void helpPrintsEveryFlagAndExitsWithStatusZero() throws Exception {
        try (DemoProcess demo = DemoProcess.start("--help")) {
            assertThat(demo.awaitExit(Duration.ofSeconds(30))).as(demo::output).isZero();
            assertThat(demo.output()).startsWith("Usage: ThreadPoolDemo [options]")
                    .contains("--port N", "--sleep-ms N", "--dump-every S");
        }
    }
}
