package io.lws4j.benchmarks.servers;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.benchmarks.loadgen.HandshakeLoad;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The handshake workload's filters do what the table says for every server (in this JVM):
 * the right token is upgraded, a wrong one refused, with the filter in the library's hook,
 * decided at once or on another thread; without a filter both are upgraded. No timing
 * assertions: a short load with a generous window, counting answers.
 */
class HandshakeFilterTest {

    /**
     * Half-second windows of load until one has answers (a fresh server on a loaded machine
     * may take seconds for its first handshake), at most 60 of them.
     */
    private static HandshakeLoad.Result answered(int port, String target)
            throws InterruptedException {
        HandshakeLoad.Result r = null;
        for (int i = 0; i < 60; i++) {
            r = HandshakeLoad.run(port, target, 2, 0, 500);
            if (r.upgrades() + r.refused() > 0) {
                return r;
            }
        }
        return r;
    }

    @ParameterizedTest
    @CsvSource({
        "lws4j, none", "lws4j, token", "lws4j, deferred",
        "jetty, none", "jetty, token", "jetty, deferred",
        "netty, none", "netty, token", "netty, deferred",
    })
    void theRightTokenIsUpgradedAndAWrongOneRefusedAsTheFilterSays(String impl, String filter)
            throws Exception {
        ServerOptions o = ServerOptions.parse(new String[] {"--impl", impl, "--threads", "0",
            "--filter", filter});
        try (BenchServer server = ServerMain.start(o)) {
            HandshakeLoad.Result good = answered(server.port(),
                    "/?a=1&token=" + HandshakeFilter.TOKEN);
            assertThat(good.upgrades()).as("upgrades with the token").isPositive();
            assertThat(good.refused() + good.errors()).as("refused or failed").isZero();

            HandshakeLoad.Result bad = answered(server.port(), "/?token=wrong");
            assertThat(bad.errors()).as("failed attempts").isZero();
            if (filter.equals(HandshakeFilter.NONE)) {
                assertThat(bad.upgrades()).isPositive();
                assertThat(bad.refused()).isZero();
            } else {
                assertThat(bad.upgrades()).as("upgrades without the token").isZero();
                assertThat(bad.refused()).as("401s").isPositive();
            }
        }
    }
}
