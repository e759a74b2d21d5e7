package io.lws4j.tests.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.tests.support.NodeScripts;
import io.lws4j.tests.support.ProcessRun;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * permessage-deflate against the Node {@code ws} client (node/deflate-check.mjs): echoes with
 * shared windows, no context takeover both ways, a client using a 9-bit window, 200 messages
 * from 10 bytes to 1.7 KiB, the Node client's own default threshold, fragmented compressed
 * messages, and 64 MiB of zeros compressed into a message that must be refused with 1009 at
 * the 1 MiB limit. Messages under and over the server's compression threshold are mixed, and
 * the script checks each echo's RSV1 against the threshold.
 */
class NodeWsDeflateInteropTest {

    @Test
    void nodeWsClientWithPerMessageDeflatePassesEveryDeflateCheck() {
        runChecks(Context.builder(), Context.DEFAULT_COMPRESSION_THRESHOLD,
                "defaultOffer,nodeDefaultThreshold,noContextTakeoverBothWays,smallClientWindow,"
                        + "manySmallMessages,fragmented,bomb");
    }

    @Test
    void withThresholdZeroEveryNonEmptyEchoIsCompressed() {
        runChecks(Context.builder().compressionThreshold(0), 0,
                "defaultOffer,noContextTakeoverBothWays,manySmallMessages,fragmented");
    }

    private static void runChecks(Context.Builder builder, int threshold, String checks) {
        Protocol echo = new Protocol() {
            @Override
            public void onText(Connection connection, String text) {
                connection.writeText(text);
            }

            @Override
            public void onBinary(Connection connection, ByteBuffer data) {
                connection.writeBinary(data);
            }
        };
        try (Context server = builder.bindAddress("127.0.0.1").port(0)
                .maxMessageSize(1 << 20).maxOutboundBytes(4 << 20)
                .protocol("lws-echo", echo).build()) {
            ProcessRun.Result run = NodeScripts.run("deflate-check.mjs", Duration.ofMinutes(2),
                    "--url", "ws://127.0.0.1:" + server.port() + "/",
                    "--max-message", String.valueOf(1 << 20), "--timeout", "30000",
                    "--server-threshold", String.valueOf(threshold), "--only", checks);
            System.out.println(run.stdout());
            assertThat(run.succeeded()).as(run::describe).isTrue();
            assertThat(run.stdout()).as(run::describe).contains("\"ok\":true");
        }
    }
}
