package io.lws4j.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The chat example with JDK websocket clients on 127.0.0.1. */
class ChatServerTest {

    /** A member: collects the text messages it receives. */
    static final class Member implements WebSocket.Listener {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        final java.util.concurrent.CompletableFuture<String> closed =
                new java.util.concurrent.CompletableFuture<>();
        private StringBuilder partial = new StringBuilder();
        WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(partial.toString());
                partial = new StringBuilder();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        String next() throws InterruptedException {
            String m = received.poll(10, TimeUnit.SECONDS);
            assertThat(m).as("a message within 10 s").isNotNull();
            return m;
        }
    }

    private ChatServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
    }

    private Member join(String pathAndQuery) throws Exception {
        Member m = new Member();
        m.socket = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + pathAndQuery), m)
                .get(10, TimeUnit.SECONDS);
        return m;
    }

    private int refusal(String pathAndQuery) {
        Throwable t = assertThatThrownBy(() -> join(pathAndQuery))
                .isInstanceOf(ExecutionException.class).actual();
        assertThat(t.getCause()).isInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) t.getCause()).getResponse().statusCode();
    }

    private void awaitMembers(String room, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.members(room) != count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.members(room)).isEqualTo(count);
    }

    @Test
    void messagesReachEveryMemberOfTheirRoomAcrossLoopsAndNoOtherRoom() throws Exception {
        server = ChatServer.start("127.0.0.1", 0, Set.of("t1", "t2"), 2, 0);
        List<Member> lobby = new ArrayList<>();
        for (int i = 0; i < 4; i++) { // round-robin over both loops
            lobby.add(join("/chat/lobby?token=" + (i % 2 == 0 ? "t1" : "t2")));
        }
        Member other = join("/chat/other?token=t1");
        awaitMembers("lobby", 4);
        awaitMembers("other", 1);
        for (int i = 0; i < lobby.size(); i++) {
            lobby.get(i).socket.sendText("from " + i + " \u00e9", true).get(5, TimeUnit.SECONDS);
        }
        for (Member m : lobby) {
            List<String> got = new ArrayList<>();
            for (int i = 0; i < lobby.size(); i++) {
                got.add(m.next());
            }
            assertThat(got).containsExactlyInAnyOrder("from 0 \u00e9", "from 1 \u00e9",
                    "from 2 \u00e9", "from 3 \u00e9");
        }
        other.socket.sendText("only here", true).get(5, TimeUnit.SECONDS);
        assertThat(other.next()).isEqualTo("only here");
        Thread.sleep(200);
        for (Member m : lobby) {
            assertThat(m.received).isEmpty();
        }
        lobby.get(0).socket.sendClose(1000, "").get(5, TimeUnit.SECONDS);
        awaitMembers("lobby", 3);
    }

    @Test
    void membersTellsTheInstanceAndTheClientAddressTheTrustedProxyForwarded() throws Exception {
        server = ChatServer.start("127.0.0.1", 0, Set.of("t1"), 1, 0,
                new ChatServer.Cluster("chat-x", null, List.of("127.0.0.1")));
        Member m = new Member();
        m.socket = http.newWebSocketBuilder().header("X-Forwarded-For", "203.0.113.7")
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/chat/lobby?token=t1"), m)
                .get(10, TimeUnit.SECONDS);
        awaitMembers("lobby", 1);
        HttpResponse<String> members = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/members")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(members.body()).isEqualTo("{\"instance\":\"chat-x\",\"draining\":false,"
                + "\"members\":1,\"clients\":{\"203.0.113.7\":1},\"peers\":{\"127.0.0.1\":1}}");
        // without a cluster (no relay) a message still reaches the room
        m.socket.sendText("hi", true).get(5, TimeUnit.SECONDS);
        assertThat(m.next()).isEqualTo("hi");
    }

    @Test
    void aDrainClosesEveryMemberWith1001AndEndsOnceTheyHaveGone() throws Exception {
        server = ChatServer.start("127.0.0.1", 0, Set.of("t1"), 2, 0);
        Member a = join("/chat/lobby?token=t1");
        Member b = join("/chat/other?token=t1");
        awaitMembers("lobby", 1);
        awaitMembers("other", 1);

        // a deadline far beyond the test: the drain ends because the members were closed
        var drained = server.drain(java.time.Duration.ofMinutes(10)).toCompletableFuture();
        for (Member m : List.of(a, b)) {
            assertThat(m.closed.get(10, TimeUnit.SECONDS))
                    .isEqualTo("1001 instance draining; reconnect");
        }
        drained.get(10, TimeUnit.SECONDS);
        assertThat(server.memberCount()).isZero();
        assertThatThrownBy(() -> join("/chat/lobby?token=t1"))
                .isInstanceOf(ExecutionException.class);
    }

    @Test
    void missingOrUnknownTokensGet401AndOtherPathsGet404() throws Exception {
        server = ChatServer.start("127.0.0.1", 0, Set.of("t1"), 1, 0);
        assertThat(refusal("/chat/lobby")).isEqualTo(401);
        assertThat(refusal("/chat/lobby?token=nope")).isEqualTo(401);
        assertThat(refusal("/elsewhere?token=t1")).isEqualTo(404);
        assertThat(refusal("/chat/?token=t1")).isEqualTo(404);
        assertThat(refusal("/chat/a/b?token=t1")).isEqualTo(404);
        assertThat(server.members("lobby")).isZero();
    }

    @Test
    void tokensLookedUpByAThreadpoolTaskDecideTheHandshakeOnAPoolWorker() throws Exception {
        server = ChatServer.start("127.0.0.1", 0, Set.of("t1"), 1, 150);
        Member a = join("/chat/slow?token=t1");
        assertThat(refusal("/chat/slow?token=bad")).isEqualTo(401);
        awaitMembers("slow", 1);
        a.socket.sendText("hello", true).get(5, TimeUnit.SECONDS);
        assertThat(a.next()).isEqualTo("hello");
        // both decisions were made on the pool's workers, and both tasks were reaped
        // (the accepted one on its connection, the refused one when its connection closed)
        assertThat(server.lookupDeciders()).hasSize(2)
                .allSatisfy(t -> assertThat(server.lookupPool().workerThreads()).contains(t));
        awaitPool(d -> d.completed() == 2 && d.doneUnreaped() == 0 && d.ongoing() == 0);
    }

    @Test
    void aClientLeavingDuringItsLookupStopsTheTaskAndLeavesNothingBehind() throws Exception {
        server = ChatServer.start("127.0.0.1", 0, Set.of("t1"), 1, 60_000);
        try (java.net.Socket raw = new java.net.Socket("127.0.0.1", server.port())) {
            raw.getOutputStream().write(("GET /chat/gone?token=t1 HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            awaitPool(d -> d.ongoing() == 1); // the lookup runs (for a minute)
        }
        // the client left: the pool's close hook stops the task, which ends without deciding
        awaitPool(d -> d.completed() == 1 && d.ongoing() == 0 && d.doneUnreaped() == 0);
        assertThat(server.lookupDeciders()).isEmpty();
        assertThat(server.members("gone")).isZero();
    }

    private void awaitPool(java.util.function.Predicate<io.lws4j.threadpool.Diagnosis> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        io.lws4j.threadpool.Diagnosis d = server.lookupPool().diagnose();
        while (!done.test(d) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            d = server.lookupPool().diagnose();
        }
        assertThat(done.test(d)).as("pool state " + d).isTrue();
    }

    @Test
    void thePageIsServedAtTheRoot() throws Exception {
        server = ChatServer.start("127.0.0.1", 0, Set.of("t1"), 1, 0);
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script src=\"chat.js\">");
        HttpResponse<String> js = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/chat.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(js.body()).contains("/chat/");
    }

    @Test
    void healthAnswersWithTheRoomCount() throws Exception {
        server = ChatServer.start("127.0.0.1", 0, Set.of("t1"), 1, 0);
        join("/chat/lobby?token=t1");
        awaitMembers("lobby", 1);
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(health.body()).isEqualTo("{\"status\":\"ok\",\"rooms\":1}");
    }
}
