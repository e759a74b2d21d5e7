package io.lws4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Context;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's {@code java} code blocks compile against the current lws4j-core (with the
 * project's {@code -Xlint:all -Werror}) and do what the README says: the echo server echoes,
 * and the threadpool example answers each text message from a pool worker through SYNC.
 * Each block is a whole compilation unit with a {@code start(int port)} method, which the
 * test calls with port 0.
 *
 * <p>Threading: JUnit's thread only; the servers run on their own service threads.
 */
class ReadmeSnippetsTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern CLASS_NAME = Pattern.compile("public class (\\w+)");

    @TempDir
    static Path out;
    private static URLClassLoader loader;
    private static List<String> classNames;

    @BeforeAll
    static void compileEveryJavaBlockOfTheReadme() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        Path src = Files.createDirectories(out.resolve("src"));
        Path classes = Files.createDirectories(out.resolve("classes"));
        List<Path> files = new ArrayList<>();
        classNames = new ArrayList<>();
        Matcher block = JAVA_BLOCK.matcher(readme);
        while (block.find()) {
            Matcher name = CLASS_NAME.matcher(block.group(1));
            assertThat(name.find()).as("a public class in the block:%n%s", block.group(1)).isTrue();
            classNames.add(name.group(1));
            files.add(Files.writeString(src.resolve(name.group(1) + ".java"), block.group(1)));
        }
        assertThat(classNames).as("java blocks in README.md").containsExactly("Echo", "Lookup");

        String core = Path.of(codeSourceOf(Context.class)).toString();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, null)) {
            boolean ok = javac.getTask(null, fm, diagnostics,
                    List.of("--release", "17", "-Xlint:all", "-Werror", "-classpath", core,
                            "-d", classes.toString()),
                    null, fm.getJavaFileObjectsFromPaths(files)).call();
            assertThat(ok).as("README snippets compile: %s", diagnostics.getDiagnostics()).isTrue();
        }
        loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                ReadmeSnippetsTest.class.getClassLoader());
    }

    private static URI codeSourceOf(Class<?> type) {
        try {
            return type.getProtectionDomain().getCodeSource().getLocation().toURI();
        } catch (java.net.URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everySnippetIsAProgramWithMainAndStart() throws Exception {
        for (String name : classNames) {
            Class<?> type = loader.loadClass(name);
            Method main = type.getMethod("main", String[].class);
            assertThat(Modifier.isStatic(main.getModifiers())).as(name + ".main").isTrue();
            assertThat(type.getMethod("start", int.class).getReturnType()).isEqualTo(Context.class);
        }
    }

    @Test
    void echoServerEchoesTextAndBinary() throws Exception {
        try (Context ctx = start("Echo")) {
            Client client = Client.connect(ctx.port(), "echo");
            client.ws.sendText("hello, lws4j", true).get(10, TimeUnit.SECONDS);
            assertThat(client.next()).isEqualTo("hello, lws4j");
            client.ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(10, TimeUnit.SECONDS);
            assertThat(client.next()).isEqualTo("binary 3");
        }
    }

    @Test
    void threadpoolExampleAnswersEveryQuestionFromAWorker() throws Exception {
        try (Context ctx = start("Lookup")) {
            Client client = Client.connect(ctx.port(), "lookup");
            for (String q : List.of("q1", "q2", "q3")) {
                client.ws.sendText(q, true).get(10, TimeUnit.SECONDS);
            }
            Set<Object> answers = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                answers.add(client.next());
            }
            assertThat(answers).containsExactlyInAnyOrder(
                    "the answer to q1", "the answer to q2", "the answer to q3");
            assertThat(Thread.getAllStackTraces().keySet())
                    .as("the example's pool workers").anyMatch(t -> t.getName().startsWith("lookups-"));
        }
    }

    private static Context start(String className) throws Exception {
        return (Context) loader.loadClass(className).getMethod("start", int.class).invoke(null, 0);
    }

    /** A JDK websocket client collecting text messages and the sizes of binary ones. */
    private static final class Client implements WebSocket.Listener {
        final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        WebSocket ws;

        static Client connect(int port, String subprotocol) throws Exception {
            Client c = new Client();
            c.ws = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols(subprotocol)
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), c)
                    .get(10, TimeUnit.SECONDS);
            assertThat(c.ws.getSubprotocol()).isEqualTo(subprotocol);
            return c;
        }

        Object next() throws InterruptedException {
            Object message = received.poll(20, TimeUnit.SECONDS);
            assertThat(message).as("a message within the liveness bound").isNotNull();
            return message;
        }

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            received.add(data.toString());
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
            received.add("binary " + data.remaining());
            w.request(1);
            return null;
        }
    }
}
