package io.lws4j.tests.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.tests.support.NodeScripts;
import io.lws4j.tests.support.ProcessRun;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * node/stream-client.mjs against an lws4j server that streams "seq N" lines: the client must
 * pass a correct stream (with a random subset of connections closing mid-way) and must catch a
 * duplicated or missing number, so the threadpool and demo tests that rely on it can trust it.
 */
class NodeStreamClientTest {
    private static final int MESSAGES = 300;

    /**
     * Sends "seq 0" .. "seq MESSAGES-1" on every connection as fast as the outbound buffer
     * allows, then closes with 1000; {@code fault} names a deliberate defect.
     */
    private static Protocol counter(String fault) {
        return new Protocol() {
            @Override
            public void onEstablished(Connection connection) {
                connection.userData(new int[1]);
                connection.callbackOnWritable();
            }

            @Override
            public void onWritable(Connection connection) {
                int[] next = connection.userData();
                while (next[0] < MESSAGES) {
                    int n = next[0];
                    if (fault.equals("skip") && n == 100) {
                        next[0]++;
                        continue;
                    }
                    String line = fault.equals("repeat") && n == 100 ? "seq 99"
                            : fault.equals("tens") ? "seq " + n * 10 : "seq " + n;
                    if (!connection.writeText(line)) {
                        connection.callbackOnWritable();
                        return;
                    }
                    next[0]++;
                }
                connection.close(CloseCodes.NORMAL, "done");
            }
        };
    }

    private static ProcessRun.Result stream(String fault, String... extraArgs) {
        try (Context server = Context.builder().bindAddress("127.0.0.1").port(0)
                .protocol("lws-count", counter(fault)).build()) {
            String[] args = new String[] {"--url", "ws://127.0.0.1:" + server.port() + "/",
                "--protocol", "lws-count", "--pattern", "^seq (\\d+)$", "--timeout", "60000"};
            String[] all = new String[args.length + extraArgs.length];
            System.arraycopy(args, 0, all, 0, args.length);
            System.arraycopy(extraArgs, 0, all, args.length, extraArgs.length);
            return NodeScripts.run("stream-client.mjs", Duration.ofSeconds(90), all);
        }
    }

    @Test
    void everyConnectionSeesEveryNumberOnceAndInOrder() {
        ProcessRun.Result run = stream("none", "--connections", "24", "--close-fraction", "0.25",
                "--close-after-max", "50", "--close-codes", "1000");
        assertThat(run.succeeded()).as(run::describe).isTrue();
        assertThat(run.stdout()).as(run::describe)
                .contains("\"ok\":true").contains("\"completed\":24");
    }

    @Test
    void aFixedCountPerConnectionEndsWithTheClientsClose() {
        ProcessRun.Result run = stream("none", "--connections", "4", "--expect", "120");
        assertThat(run.succeeded()).as(run::describe).isTrue();
        assertThat(run.stdout()).as(run::describe).contains("\"messages\":480");
    }

    @Test
    void numbersGrowingByAStepAreFollowed() {
        ProcessRun.Result run = stream("tens", "--connections", "2", "--step", "10");
        assertThat(run.succeeded()).as(run::describe).isTrue();
        ProcessRun.Result wrongStep = stream("tens", "--connections", "1");
        assertThat(wrongStep.stdout()).as(wrongStep::describe)
                .contains("number 10, expected 1 (gap)");
    }

    @Test
    void aRepeatedNumberIsReported() {
        ProcessRun.Result run = stream("repeat", "--connections", "2");
        assertThat(run.exitCode()).as(run::describe).isEqualTo(1);
        assertThat(run.stdout()).as(run::describe).contains("number 99, expected 100");
    }

    @Test
    void aMissingNumberIsReported() {
        ProcessRun.Result run = stream("skip", "--connections", "2");
        assertThat(run.exitCode()).as(run::describe).isEqualTo(1);
        assertThat(run.stdout()).as(run::describe).contains("number 101, expected 100 (gap)");
    }

    @Test
    void aServerThatStopsShortOfTheExpectedCountIsReported() {
        ProcessRun.Result run = stream("none", "--connections", "1", "--expect",
                String.valueOf(MESSAGES + 1));
        assertThat(run.exitCode()).as(run::describe).isEqualTo(1);
        assertThat(run.stdout()).as(run::describe).contains("after 300 of 301 messages");
    }
}
