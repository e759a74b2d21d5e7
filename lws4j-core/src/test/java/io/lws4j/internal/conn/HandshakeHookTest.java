package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.HandshakeDecision;
import io.lws4j.Request;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The opening request and the handshake hook through real sockets on 127.0.0.1: what the
 * hook and the connection see, accepting, refusing and deferring, as the JDK client and raw
 * sockets see them.
 */
class HandshakeHookTest {

    /** An echo protocol whose handshake hook each test sets. */
    static final class HookProtocol extends RecordingProtocol {
        final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
        final BlockingQueue<HandshakeDecision> decisions = new LinkedBlockingQueue<>();
        final BlockingQueue<Boolean> hookOnServiceThread = new LinkedBlockingQueue<>();
        volatile BiConsumer<Request, HandshakeDecision> hook = (r, d) -> d.accept();
        volatile Thread serviceThread;

        @Override
        public void onHandshake(Request request, HandshakeDecision decision) {
            requests.add(request);
            decisions.add(decision);
            hook.accept(request, decision);
        }

        Request awaitRequest() throws InterruptedException {
            Request r = requests.poll(10, TimeUnit.SECONDS);
            assertThat(r).as("onHandshake within 10 s").isNotNull();
            return r;
        }

        HandshakeDecision awaitDecision() throws InterruptedException {
            HandshakeDecision d = decisions.poll(10, TimeUnit.SECONDS);
            assertThat(d).as("onHandshake within 10 s").isNotNull();
            return d;
        }
    }

    private final HookProtocol protocol = new HookProtocol();
    private Context context;

    private Context start(Context.Builder builder) {
        context = builder.bindAddress("127.0.0.1").port(0).protocol("chat", protocol).build();
        return context;
    }

    @AfterEach
    void closeContext() {
        if (context != null) {
            context.close();
        }
    }

    private URI uri(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + context.port() + pathAndQuery);
    }

    private static String rawRequest(String target, String extraHeaders) {
        return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + RawClient.KEY + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
    }

    private String rawHandshake(String target, String extraHeaders) throws Exception {
        try (RawClient raw = new RawClient(context.port())) {
            raw.send(rawRequest(target, extraHeaders).getBytes(StandardCharsets.ISO_8859_1));
            return raw.readHead();
        }
    }

    /** The status of a handshake the JDK client saw refused. */
    private static int refusedStatus(CompletableFuture<WebSocket> attempt) {
        Throwable t = assertThatThrownBy(() -> attempt.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).actual();
        assertThat(t.getCause()).isInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) t.getCause()).getResponse().statusCode();
    }

    @Test
    void theHookAndTheConnectionSeeThePathQueryHeadersCookiesAndAddresses() throws Exception {
        start(Context.builder());
        JdkClient client = JdkClient.connect(uri("/chat/room%201?token=t%2B1&x=a&x=b+c"),
                HttpClient.newHttpClient(), "chat");
        Request seen = protocol.awaitRequest();
        Connection c = protocol.awaitEstablished();
        assertThat(c.request()).isSameAs(seen);
        assertThat(seen.method()).isEqualTo("GET");
        assertThat(seen.rawPath()).isEqualTo("/chat/room%201");
        assertThat(seen.path()).isEqualTo("/chat/room 1");
        assertThat(seen.rawQuery()).isEqualTo("token=t%2B1&x=a&x=b+c");
        assertThat(seen.queryParam("token")).contains("t+1");
        assertThat(seen.queryParams("x")).containsExactly("a", "b c");
        assertThat(seen.queryParam("missing")).isEmpty();
        assertThat(seen.header("sec-websocket-version")).contains("13");
        assertThat(seen.header("HOST")).contains("127.0.0.1:" + context.port());
        assertThat(seen.subprotocols()).containsExactly("chat");
        assertThat(seen.isTls()).isFalse();
        assertThat(seen.scheme()).isEqualTo("ws");
        assertThat(seen.peerAddress()).isEqualTo(c.remoteAddress());
        assertThat(seen.clientAddress()).isEqualTo(seen.peerAddress());
        client.socket.sendText("hi", true).get(5, TimeUnit.SECONDS);
        assertThat(client.nextMessage()).isEqualTo("hi");
    }

    @Test
    void cookiesAndCustomHeadersOfTheJdkClientReachTheRequest() throws Exception {
        start(Context.builder());
        JdkClient client = new JdkClient();
        client.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Cookie", "sid=abc; theme=\"dark\"").header("X-Trace", "1")
                .header("x-trace", "2").buildAsync(uri("/"), client).get(10, TimeUnit.SECONDS);
        Request seen = protocol.awaitRequest();
        assertThat(seen.cookie("sid")).contains("abc");
        assertThat(seen.cookie("theme")).contains("dark");
        assertThat(seen.cookies()).containsOnlyKeys("sid", "theme");
        assertThat(seen.headers("X-TRACE")).containsExactly("1", "2");
    }

    @Test
    void aRefusalReachesTheJdkClientAsItsStatusWithItsHeaders() throws Exception {
        start(Context.builder());
        protocol.hook = (r, d) -> {
            if (r.queryParam("token").isEmpty()) {
                d.header("WWW-Authenticate", "Bearer").refuse(401, "token required");
            } else {
                d.accept();
            }
        };
        assertThat(refusedStatus(HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(uri("/chat/a"), new JdkClient()))).isEqualTo(401);
        String head = rawHandshake("/chat/a", "");
        assertThat(head).startsWith("HTTP/1.1 401 ").contains("WWW-Authenticate: Bearer\r\n")
                .contains("Connection: close\r\n");
        assertThat(protocol.established).isEmpty();
        JdkClient ok = JdkClient.connect(uri("/chat/a?token=x"), HttpClient.newHttpClient(), null);
        assertThat(protocol.awaitEstablished().request().queryParam("token")).contains("x");
        ok.socket.sendText("in", true).get(5, TimeUnit.SECONDS);
        assertThat(ok.nextMessage()).isEqualTo("in");
    }

    @Test
    void anAcceptCarriesTheHooksHeadersAndChosenSubprotocol() throws Exception {
        start(Context.builder());
        protocol.hook = (r, d) -> d.header("Set-Cookie", "sid=new; HttpOnly")
                .subprotocol("chat.v2").accept();
        String head = rawHandshake("/", "Sec-WebSocket-Protocol: chat.v1, chat.v2\r\n");
        assertThat(head).startsWith("HTTP/1.1 101 ").contains("Set-Cookie: sid=new; HttpOnly\r\n")
                .contains("Sec-WebSocket-Protocol: chat.v2\r\n");
        HandshakeDecision d = protocol.awaitDecision();
        assertThat(d.isDecided()).isTrue();
        assertThat(d.refuse(403, "late")).isFalse();
        assertThatThrownBy(() -> d.subprotocol("not-offered")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.header("Sec-WebSocket-Accept", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.header("X-Bad", "a\r\nb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.refuse(302, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDecisionCompletedTwiceKeepsTheFirst() throws Exception {
        start(Context.builder());
        BlockingQueue<Boolean> second = new LinkedBlockingQueue<>();
        protocol.hook = (r, d) -> {
            d.refuse(403, "no");
            second.add(d.accept());
        };
        assertThat(rawHandshake("/", "")).startsWith("HTTP/1.1 403 ");
        assertThat(second.poll(10, TimeUnit.SECONDS)).isFalse();
        assertThat(protocol.established).isEmpty();
    }

    @Test
    void aHookThatThrowsRefusesWith500() throws Exception {
        start(Context.builder());
        protocol.hook = (r, d) -> {
            throw new IllegalStateException("database down");
        };
        assertThat(refusedStatus(HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(uri("/"), new JdkClient()))).isEqualTo(500);
        assertThat(protocol.established).isEmpty();
    }

    @Test
    void aDeferredDecisionFromAnotherThreadLetsTheLoopServeOthersMeanwhile() throws Exception {
        start(Context.builder().serviceThreads(1));
        protocol.hook = (r, d) -> {
            if (r.path().equals("/slow")) {
                return; // decided by the test thread below
            }
            d.accept();
        };
        CompletableFuture<WebSocket> slow = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(uri("/slow?token=t"), new JdkClient());
        HandshakeDecision pending = protocol.awaitDecision();
        // the only loop is not blocked: another client upgrades and echoes meanwhile
        JdkClient other = JdkClient.connect(uri("/fast"), HttpClient.newHttpClient(), null);
        other.socket.sendText("meanwhile", true).get(5, TimeUnit.SECONDS);
        assertThat(other.nextMessage()).isEqualTo("meanwhile");
        assertThat(slow).isNotDone();
        assertThat(pending.isDecided()).isFalse();
        CompletableFuture<Boolean> accepted = CompletableFuture.supplyAsync(
                () -> pending.header("Set-Cookie", "s=1").accept());
        assertThat(accepted.get(10, TimeUnit.SECONDS)).isTrue();
        WebSocket ws = slow.get(10, TimeUnit.SECONDS);
        protocol.awaitEstablished(); // "/fast"
        Connection late = protocol.awaitEstablished();
        assertThat(late.request().path()).isEqualTo("/slow");
        assertThat(pending.accept()).isFalse();
        ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
    }

    @Test
    void framesSentBeforeADeferredAcceptAreDeliveredAfterIt() throws Exception {
        start(Context.builder());
        protocol.hook = (r, d) -> { };
        try (RawClient raw = new RawClient(context.port())) {
            raw.send(rawRequest("/", "").getBytes(StandardCharsets.ISO_8859_1));
            HandshakeDecision pending = protocol.awaitDecision();
            raw.sendText("early"); // before the 101: held while the decision is pending
            Thread.sleep(100);
            assertThat(pending.accept()).isTrue();
            assertThat(raw.readHead()).startsWith("HTTP/1.1 101 ");
            RawClient.Frame echo = raw.readFrame();
            assertThat(new String(echo.payload(), StandardCharsets.UTF_8)).isEqualTo("early");
        }
    }

    @Test
    void anUndecidedHandshakeGets503AtTheTimeoutAndALateDecisionDoesNothing() throws Exception {
        start(Context.builder().handshakeTimeout(Duration.ofMillis(300)));
        protocol.hook = (r, d) -> { };
        String head = rawHandshake("/", "");
        assertThat(head).startsWith("HTTP/1.1 503 ");
        HandshakeDecision late = protocol.awaitDecision();
        assertThat(late.isDecided()).isTrue();
        assertThat(late.accept()).isFalse();
        assertThat(protocol.established).isEmpty();
    }

    @Test
    void aClientThatLeavesWhileItsDecisionIsPendingIsForgotten() throws Exception {
        start(Context.builder());
        protocol.hook = (r, d) -> { };
        HandshakeDecision pending;
        try (RawClient raw = new RawClient(context.port())) {
            raw.send(rawRequest("/", "").getBytes(StandardCharsets.ISO_8859_1));
            pending = protocol.awaitDecision();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!pending.isDecided() && System.nanoTime() < deadline) {
            Thread.sleep(10); // the loop reads the end of stream and abandons the decision
        }
        assertThat(pending.isDecided()).as("abandoned when the client left").isTrue();
        assertThat(pending.accept()).isFalse();
        Thread.sleep(100);
        assertThat(protocol.established).isEmpty();
        assertThat(protocol.closed).isEmpty();
    }

    @Test
    void aContextClosingWhileADecisionIsPendingAbandonsIt() throws Exception {
        start(Context.builder());
        protocol.hook = (r, d) -> { };
        try (RawClient raw = new RawClient(context.port())) {
            raw.send(rawRequest("/", "").getBytes(StandardCharsets.ISO_8859_1));
            HandshakeDecision pending = protocol.awaitDecision();
            context.close();
            assertThat(pending.isDecided()).isTrue();
            assertThat(pending.accept()).isFalse();
            assertThat(raw.isClosedByServer()).isTrue();
        }
        assertThat(protocol.established).isEmpty();
    }

    @Test
    void malformedOrOversizedRequestsAreRefusedBeforeTheHook() throws Exception {
        start(Context.builder());
        assertThat(rawHandshake("/a%zz", "")).startsWith("HTTP/1.1 400 ");
        assertThat(rawHandshake("/?a=%C3", "")).startsWith("HTTP/1.1 400 ");
        assertThat(rawHandshake("/?" + "p&".repeat(300), "")).startsWith("HTTP/1.1 400 ");
        assertThat(rawHandshake("/", "Cookie: " + "c=1; ".repeat(200) + "\r\n"))
                .startsWith("HTTP/1.1 431 ");
        assertThat(protocol.requests).isEmpty();
        assertThat(rawHandshake("/?" + "p&".repeat(200), "")).startsWith("HTTP/1.1 101 ");
    }

    @Test
    void requireSameOriginRefusesOtherOriginsWith403BeforeTheHook() throws Exception {
        start(Context.builder().requireSameOrigin("chat"));
        String host = "127.0.0.1";
        assertThat(rawHandshake("/", "Origin: http://evil.example\r\n")).startsWith("HTTP/1.1 403 ");
        assertThat(rawHandshake("/", "")).startsWith("HTTP/1.1 403 ");
        assertThat(protocol.requests).isEmpty();
        assertThat(rawHandshake("/", "Origin: http://" + host + "\r\n")).startsWith("HTTP/1.1 101 ");
        assertThat(protocol.awaitRequest().isSameOrigin()).isTrue();
    }

    @Test
    void theRequestOfAConnectionStaysReadableAfterItCloses() throws Exception {
        start(Context.builder());
        JdkClient client = JdkClient.connect(uri("/keep?k=v"), HttpClient.newHttpClient(), null);
        Connection c = protocol.awaitEstablished();
        client.socket.sendClose(1000, "").get(5, TimeUnit.SECONDS);
        protocol.awaitClosed();
        assertThat(c.isOpen()).isFalse();
        assertThat(c.request().queryParam("k")).contains("v");
        assertThat(c.request().headers()).isNotEmpty();
        assertThatThrownBy(() -> c.request().headers().put("x", List.of()))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
