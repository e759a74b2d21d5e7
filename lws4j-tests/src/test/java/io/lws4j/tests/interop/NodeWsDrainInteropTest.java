package io.lws4j.tests.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.tests.support.NodeScripts;
import io.lws4j.tests.support.ProcessRun;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A graceful drain seen from the Node {@code ws} client (node/drain-check.mjs): the server
 * starts draining once three clients are open; each gets the protocol's final message from
 * {@link Protocol#onDrain}, then a 1001 close at the deadline; a connection attempted during
 * the drain is refused with 503 and {@code Retry-After}.
 */
class NodeWsDrainInteropTest {
    private static final int CLIENTS = 3;

    @Test
    void nodeClientsGetTheFinalMessageThen1001AndANewOneGets503() throws Exception {
        AtomicInteger established = new AtomicInteger();
        AtomicInteger drained = new AtomicInteger();
        Protocol farewell = new Protocol() {
            @Override
            public void onEstablished(Connection connection) {
                if (established.incrementAndGet() == CLIENTS) {
                    connection.context().drain(Duration.ofSeconds(5));
                }
            }

            @Override
            public void onDrain(Connection connection) {
                drained.incrementAndGet();
                connection.writeText("bye");
            }
        };
        try (Context server = Context.builder().bindAddress("127.0.0.1").port(0)
                .protocol("drain", farewell).build()) {
            ProcessRun.Result run = NodeScripts.run("drain-check.mjs", Duration.ofSeconds(90),
                    "--url", "ws://127.0.0.1:" + server.port() + "/",
                    "--connections", Integer.toString(CLIENTS));
            assertThat(run.succeeded()).as(run::describe).isTrue();
            JsonObject out = JsonParser.parseString(run.stdout().strip()).getAsJsonObject();
            JsonArray results = out.getAsJsonArray("results");
            assertThat(results).hasSize(CLIENTS);
            for (JsonElement e : results) {
                JsonObject r = e.getAsJsonObject();
                assertThat(r.getAsJsonArray("messages").toString()).as(run::describe)
                        .isEqualTo("[\"bye\"]");
                assertThat(r.get("code").getAsInt()).as(run::describe)
                        .isEqualTo(CloseCodes.GOING_AWAY);
            }
            JsonObject extra = out.getAsJsonObject("extra");
            assertThat(extra.get("status").getAsInt()).as(run::describe).isEqualTo(503);
            assertThat(extra.get("retryAfter").getAsString()).isEqualTo("1");
            assertThat(drained.get()).isEqualTo(CLIENTS);
            assertThat(server.isClosed()).isTrue();
        }
    }
}
