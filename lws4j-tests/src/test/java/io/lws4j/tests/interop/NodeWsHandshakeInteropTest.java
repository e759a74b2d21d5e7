package io.lws4j.tests.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.HandshakeDecision;
import io.lws4j.Protocol;
import io.lws4j.Request;
import io.lws4j.tests.support.NodeScripts;
import io.lws4j.tests.support.ProcessRun;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Node {@code ws} client (node/handshake-check.mjs) against a server that reads the room
 * from the path, the token from the query and cookies and headers from the request, refuses
 * in its handshake hook (401 with WWW-Authenticate), routes by path (404 elsewhere), and
 * decides some handshakes later on another thread.
 */
class NodeWsHandshakeInteropTest {

    /** Accepts /chat/{room}?token=good; tells each client what it saw as its first message. */
    static final class TokenChat implements Protocol {
        @Override
        public void onHandshake(Request request, HandshakeDecision decision) {
            if (!request.queryParam("token").map("good"::equals).orElse(false)) {
                decision.header("WWW-Authenticate", "Bearer").refuse(401, "a valid token is required");
                return;
            }
            decision.header("Set-Cookie", "seen=1; HttpOnly");
            if (request.queryParam("defer").isPresent()) {
                // a slow lookup elsewhere: the service loop goes on meanwhile
                CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(decision::accept);
                return;
            }
            decision.accept();
        }

        @Override
        public void onEstablished(Connection connection) {
            Request r = connection.request();
            Map<String, Object> seen = new LinkedHashMap<>();
            seen.put("room", r.path().substring("/chat/".length()));
            seen.put("token", r.queryParam("token").orElse(null));
            seen.put("tags", r.queryParams("tag"));
            seen.put("sid", r.cookie("sid").orElse(null));
            seen.put("theme", r.cookie("theme").orElse(null));
            seen.put("client", r.header("x-client").orElse(null));
            seen.put("subprotocols", r.subprotocols());
            seen.put("deferred", r.queryParam("defer").isPresent());
            connection.writeText(new Gson().toJson(seen));
        }
    }

    @Test
    void nodeWsSeesTheServersHandshakeDecisions() {
        try (Context server = Context.builder().bindAddress("127.0.0.1").port(0)
                .protocol("chat", new TokenChat()).bindPath("/chat/*", "chat").build()) {
            ProcessRun.Result run = NodeScripts.run("handshake-check.mjs", Duration.ofSeconds(90),
                    "--base", "ws://127.0.0.1:" + server.port(), "--timeout", "20000");
            assertThat(run.succeeded()).as(run::describe).isTrue();
            assertThat(run.stdout()).as(run::describe).contains("\"ok\":true");
            for (String check : Set.of("requestSeenByTheServer", "missingTokenIs401",
                    "unknownTokenIs401", "unboundPathIs404", "malformedQueryIs400",
                    "deferredDecisionOpens")) {
                assertThat(run.stdout()).as(run::describe).contains("\"" + check + "\":\"ok\"");
            }
        }
    }
}
