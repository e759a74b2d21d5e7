package io.lws4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Context;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's {@code java} code blocks compile against the current lws4j-core (with the
 * project's {@code -Xlint:all -Werror}) and do what the README says: the echo server echoes,
 * the threadpool example answers each text message from a pool worker through SYNC, and the
 * handshake example admits a known token on a chat path and refuses the rest, and the HTTP
 * example answers on the loop and from a worker.
 * Each block has a {@code start(int port)} method, which the test calls with port 0.
 *
 * <p>Threading: JUnit's thread only; the servers run on their own service threads.
 */
class ReadmeSnippetsTest {
    @TempDir
    static Path work;
    private static URLClassLoader loader;

    @BeforeAll
    static void compileTheReadme() throws Exception {
        loader = MarkdownSnippets.compile("README.md", work, "Echo", "Lookup", "Rooms", "Health");
    }

    @Test
    void everySnippetIsAProgramWithMainAndStart() throws Exception {
        for (String name : List.of("Echo", "Lookup", "Rooms", "Health")) {
            Class<?> type = loader.loadClass(name);
            Method main = type.getMethod("main", String[].class);
            assertThat(Modifier.isStatic(main.getModifiers())).as(name + ".main").isTrue();
            assertThat(type.getMethod("start", int.class).getReturnType()).isEqualTo(Context.class);
        }
    }

    @Test
    void echoServerEchoesTextAndBinary() throws Exception {
        try (Context ctx = start("Echo")) {
            JdkClient client = JdkClient.connect("ws://127.0.0.1:" + ctx.port() + "/", "echo");
            client.send("hello, lws4j");
            assertThat(client.next()).isEqualTo("hello, lws4j");
            client.ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(10, TimeUnit.SECONDS);
            assertThat(client.next()).isEqualTo("binary 3");
        }
    }

    @Test
    void threadpoolExampleAnswersEveryQuestionFromAWorker() throws Exception {
        try (Context ctx = start("Lookup")) {
            JdkClient client = JdkClient.connect("ws://127.0.0.1:" + ctx.port() + "/", "lookup");
            for (String q : List.of("q1", "q2", "q3")) {
                client.send(q);
            }
            Set<String> answers = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                answers.add(client.next());
            }
            assertThat(answers).containsExactlyInAnyOrder(
                    "the answer to q1", "the answer to q2", "the answer to q3");
            assertThat(Thread.getAllStackTraces().keySet())
                    .as("the example's pool workers").anyMatch(t -> t.getName().startsWith("lookups-"));
        }
    }

    @Test
    void handshakeExampleAdmitsAKnownTokenAndRefusesTheRest() throws Exception {
        try (Context ctx = start("Rooms")) {
            String base = "ws://127.0.0.1:" + ctx.port();
            JdkClient client = JdkClient.connect(base + "/chat/lobby?token=t1", "chat");
            client.send("hi");
            assertThat(client.next()).isEqualTo("lobby: hi");
            assertThat(refusal(base + "/chat/lobby?token=nope")).isEqualTo(401);
            assertThat(refusal(base + "/chat/lobby")).isEqualTo(401);
            assertThat(refusal(base + "/elsewhere?token=t1")).isEqualTo(404);
        }
    }

    @Test
    void httpExampleAnswersOnTheLoopAndFromAWorker() throws Exception {
        try (Context ctx = start("Health")) {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + ctx.port();
            java.net.http.HttpResponse<String> health = http.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/health")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
            java.net.http.HttpResponse<String> api = http.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/users/7")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(api.statusCode()).isEqualTo(200);
            assertThat(api.body()).isEqualTo("looked up /api/users/7");
        }
    }

    /** The HTTP status of a refused upgrade, as the JDK client reports it. */
    private static int refusal(String uri) throws Exception {
        try {
            JdkClient.connect(uri, "chat");
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(java.net.http.WebSocketHandshakeException.class);
            return ((java.net.http.WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
        }
        throw new AssertionError("the upgrade to " + uri + " was accepted");
    }

    private static Context start(String className) throws Exception {
        return (Context) loader.loadClass(className).getMethod("start", int.class).invoke(null, 0);
    }
}
