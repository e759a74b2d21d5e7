package io.lws4j.tests.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.lws4j.tests.support.ExternalTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code lws4j-examples/cluster/run-cluster.sh} run as a user runs it: with the ports chosen
 * here (free ones) in {@code NGINX_PORT}, {@code REDIS_PORT} and {@code CHAT_PORTS}, and
 * {@code SKIP_BUILD=1} (the reactor has compiled lws4j-core and lws4j-examples already), its
 * run directory under a {@code TMPDIR} of this test's own.
 *
 * <ol>
 * <li>The script prints that the cluster runs; through nginx, {@code /health} answers 200,
 * {@code /members} is answered by each of the three instances (chat-1, chat-2, chat-3), a
 * websocket without a known token is refused with 401, and a JDK {@link HttpClient}
 * websocket with token {@code demo} joins a room and gets its own message back.</li>
 * <li>The generated {@code rolling-restart.sh} drains and restarts each instance in turn:
 * the client, wherever it is, is closed with 1001 at least once, reconnects through nginx
 * each time and is answered on every new connection; afterwards each instance is a new
 * process and answers {@code /members}.</li>
 * <li>The generated {@code stop.sh} ends every process the script and the restart started
 * (by PID, nginx's workers included), nothing listens on the ports any more, and the script
 * exits 0.</li>
 * </ol>
 *
 * <p>A second test holds the third instance's port: the script fails, says so, and has
 * stopped Redis and the two instances it had started.
 *
 * <p>Cleanup does not rely on the script: every PID file in the run directory, and every
 * process the script or the restart started, is ended by PID.
 *
 * <p>Needs nginx and redis-server: skipped with a message when missing, failing under
 * {@code -Dlws4j.requireExternal=true} (CI, whose {@code .ci/run} installs both).
 *
 * <p>Not thread-safe: the test's thread drives it; the websocket listener's callbacks only
 * fill thread-safe queues and futures.
 */
class RunClusterScriptTest {
    private static final Duration LIVENESS = Duration.ofSeconds(60);
    private static final List<String> INSTANCES = List.of("chat-1", "chat-2", "chat-3");

    private final HttpClient http = HttpClient.newHttpClient();
    private Path tmpDir;
    private Path scriptOut;
    private Process script;
    /** Every process seen as started by the script or the restart, for cleanup and checks. */
    private final Set<ProcessHandle> started = new LinkedHashSet<>();
    private ChatSocket socket;

    @AfterEach
    void cleanUp() throws Exception {
        if (socket != null) {
            socket.abort();
        }
        if (script != null && script.isAlive()) {
            script.destroy(); // TERM: the script's trap runs stop.sh (or its failure cleanup)
            if (!script.waitFor(30, TimeUnit.SECONDS)) {
                script.destroyForcibly();
            }
        }
        if (tmpDir == null) {
            return;
        }
        recordStarted();
        for (ProcessHandle p : started) {
            p.destroy();
        }
        for (ProcessHandle p : started) {
            try {
                p.onExit().get(15, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                p.destroyForcibly();
            }
        }
        try (Stream<Path> files = Files.walk(tmpDir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException | UncheckedIOException e) {
            // best effort: a temporary directory
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void theScriptStartsTheClusterRollsItAndStopsEverythingItStarted() throws Exception {
        List<Integer> p = freePorts();
        int nginxPort = p.get(0);
        List<Integer> chatPorts = p.subList(2, 5);

        // 1. start as a user would, and wait for what the script prints
        startScript(p);
        await("the script prints that the cluster runs", () -> {
            assertThat(script.isAlive()).as(this::logs).isTrue();
            return output().contains("chat cluster running: http://127.0.0.1:" + nginxPort + "/");
        });
        Path runDir = runDir();
        assertThat(output()).contains("files and logs: " + runDir,
                "rolling restart: " + runDir.resolve("rolling-restart.sh"),
                "stop: Ctrl-C here, or " + runDir.resolve("stop.sh"));
        recordStarted();
        Map<String, Long> firstPids = chatPids(runDir);
        assertThat(firstPids).containsOnlyKeys(INSTANCES);

        assertThat(get(nginxPort, "/health").statusCode()).as(this::logs).isEqualTo(200);
        Set<String> seenThroughNginx = new HashSet<>();
        for (int i = 0; i < 30 && seenThroughNginx.size() < 3; i++) {
            seenThroughNginx.add(members(nginxPort).get("instance").getAsString());
        }
        assertThat(seenThroughNginx).as("instances answering /members through nginx")
                .containsExactlyInAnyOrderElementsOf(INSTANCES);
        for (int i = 0; i < 3; i++) {
            assertThat(members(chatPorts.get(i)).get("instance").getAsString())
                    .isEqualTo(INSTANCES.get(i));
        }
        URI room = URI.create("ws://127.0.0.1:" + nginxPort + "/chat/script-room?token=demo");
        assertThatThrownBy(() -> ChatSocket.open(http, URI.create("ws://127.0.0.1:" + nginxPort
                + "/chat/script-room?token=nope")))
                .hasCauseInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause())
                        .getResponse().statusCode()).isEqualTo(401));
        socket = ChatSocket.open(http, room);
        assertThat(socket.echoes("hello through nginx")).isTrue();

        // 2. rolling restart: the client is moved at least once and answered each time
        Path rollOut = tmpDir.resolve("rolling-restart.out");
        Process roll = new ProcessBuilder(runDir.resolve("rolling-restart.sh").toString())
                .redirectErrorStream(true).redirectOutput(rollOut.toFile()).start();
        List<Integer> closeCodes = new ArrayList<>();
        int answeredReconnects = 0;
        long end = System.nanoTime() + LIVENESS.toNanos();
        while (roll.isAlive() || socket.closed.isDone()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("rolling restart not within " + LIVENESS + logs());
            }
            if (socket.closed.isDone()) {
                closeCodes.add(socket.closed.get());
                socket = reconnect(room);
                // false when this instance drains too before the message comes back: the
                // loop then reconnects again
                if (socket.echoes("back after move " + closeCodes.size())) {
                    answeredReconnects++;
                }
            }
            roll.waitFor(20, TimeUnit.MILLISECONDS);
            recordStarted();
        }
        String rollOutput = Files.readString(rollOut, StandardCharsets.UTF_8);
        assertThat(roll.exitValue()).as(rollOutput + logs()).isZero();
        for (int i = 0; i < 3; i++) {
            assertThat(rollOutput).contains("draining " + INSTANCES.get(i) + " (pid "
                    + firstPids.get(INSTANCES.get(i)) + ")", INSTANCES.get(i)
                    + " is back on port " + chatPorts.get(i));
        }
        assertThat(closeCodes).as("the client's instance drained").isNotEmpty()
                .allMatch(code -> code == 1001);
        assertThat(answeredReconnects).as("reconnects answered, of %s", closeCodes).isPositive();
        assertThat(socket.echoes("after the rolling restart")).isTrue();
        Map<String, Long> newPids = chatPids(runDir);
        for (String instance : INSTANCES) {
            assertThat(newPids.get(instance)).as(instance + " restarted")
                    .isNotEqualTo(firstPids.get(instance));
            assertThat(ProcessHandle.of(firstPids.get(instance)).map(ProcessHandle::isAlive))
                    .as("the drained " + instance).isNotEqualTo(Optional.of(true));
        }
        int totalMembers = 0;
        for (int i = 0; i < 3; i++) {
            JsonObject status = members(chatPorts.get(i));
            assertThat(status.get("instance").getAsString()).isEqualTo(INSTANCES.get(i));
            assertThat(status.get("draining").getAsBoolean()).isFalse();
            totalMembers += status.get("members").getAsInt();
        }
        assertThat(totalMembers).as("the one client, on one instance").isEqualTo(1);
        recordStarted();

        // 3. stop.sh ends everything the script and the restart started
        socket.closeNormally();
        Set<ProcessHandle> toEnd = Set.copyOf(started);
        assertThat(toEnd.size()).as("redis, nginx (master and worker), 3 + 3 instances: %s",
                describe(toEnd)).isGreaterThanOrEqualTo(9);
        Process stop = new ProcessBuilder(runDir.resolve("stop.sh").toString())
                .redirectErrorStream(true).start();
        assertThat(stop.waitFor(LIVENESS.toSeconds(), TimeUnit.SECONDS)).isTrue();
        String stopOutput = new String(stop.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8);
        assertThat(stop.exitValue()).as(stopOutput).isZero();
        assertThat(stopOutput).contains("cluster in " + runDir + " stopped");
        assertThat(script.waitFor(LIVENESS.toSeconds(), TimeUnit.SECONDS))
                .as("the script ends after stop.sh").isTrue();
        assertThat(script.exitValue()).as(output()).isZero();
        await("every started process ended: " + describe(toEnd),
                () -> toEnd.stream().noneMatch(ProcessHandle::isAlive));
        for (int port : p) {
            assertThat(listening(port)).as("something listens on %d", port).isFalse();
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aFailedStartStopsWhatTheScriptHadStarted() throws Exception {
        List<Integer> p = freePorts();
        int thirdChatPort = p.get(4);
        // chat-3 cannot listen: its port is held by a bound socket that does not listen (so a
        // connect to it is refused, and the script cannot mistake it for the instance); by
        // then the script has started Redis, chat-1 and chat-2
        try (SocketChannel holder = SocketChannel.open()) {
            holder.setOption(StandardSocketOptions.SO_REUSEADDR, false);
            holder.bind(new InetSocketAddress("127.0.0.1", thirdChatPort));
            startScript(p);
            assertThat(script.waitFor(LIVENESS.toSeconds(), TimeUnit.SECONDS))
                    .as("the script gives up").isTrue();
        }
        assertThat(script.exitValue()).as(output()).isNotZero();
        Path runDir = runDir();
        assertThat(runDir.resolve("nginx.pid.launcher")).as("nginx is never started")
                .doesNotExist();
        Map<String, Long> pids = chatPids(runDir);
        pids.put("redis", Long.parseLong(Files.readString(runDir.resolve("redis.pid"),
                StandardCharsets.UTF_8).trim()));
        for (Map.Entry<String, Long> e : pids.entrySet()) {
            assertThat(ProcessHandle.of(e.getValue()).map(ProcessHandle::isAlive))
                    .as("%s (pid %d) after the failed start", e.getKey(), e.getValue())
                    .isNotEqualTo(Optional.of(true));
        }
        for (int port : p.subList(0, 4)) {
            assertThat(listening(port)).as("something listens on %d", port).isFalse();
        }
        assertThat(output()).contains("chat-3 did not start listening on port " + thirdChatPort,
                "cluster start failed or interrupted: stopping what was started");
    }

    /** Five distinct free ports: nginx, Redis, the three instances. */
    private static List<Integer> freePorts() throws IOException {
        Set<Integer> ports = new LinkedHashSet<>();
        while (ports.size() < 5) {
            ports.add(ClusterProcesses.freePort());
        }
        return List.copyOf(ports);
    }

    /**
     * Starts run-cluster.sh as a user would, with SKIP_BUILD=1, this test's TMPDIR and JDK,
     * the programs ExternalTools found, and ports {@code p} (nginx, Redis, 3 instances).
     */
    private void startScript(List<Integer> p) throws IOException {
        Path nginx = ExternalTools.requireNginx();
        Path redis = ExternalTools.requireRedisServer();
        Path clusterDir = Path.of(System.getProperty("lws4j.clusterDir",
                "../lws4j-examples/cluster")).toAbsolutePath().normalize();
        Path runCluster = clusterDir.resolve("run-cluster.sh");
        assertThat(runCluster).isExecutable();
        Path repo = clusterDir.getParent().getParent();
        assertThat(repo.resolve("lws4j-core/target/classes")).as("compiled by the reactor")
                .isDirectory();
        assertThat(repo.resolve("lws4j-examples/target/classes/io/lws4j/examples/chat"))
                .as("compiled by the reactor").isDirectory();

        tmpDir = Files.createTempDirectory("lws4j-run-cluster-test-");
        // nginx workers run as another user when the test runs as root
        tmpDir.toFile().setReadable(true, false);
        tmpDir.toFile().setExecutable(true, false);
        scriptOut = tmpDir.resolve("run-cluster.out");
        ProcessBuilder pb = new ProcessBuilder("bash", runCluster.toString())
                .directory(repo.toFile())
                .redirectErrorStream(true)
                .redirectOutput(scriptOut.toFile());
        Map<String, String> env = pb.environment();
        env.put("SKIP_BUILD", "1");
        env.put("TMPDIR", tmpDir.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("NGINX_BIN", nginx.toString());
        env.put("REDIS_SERVER_BIN", redis.toString());
        env.put("NGINX_PORT", Integer.toString(p.get(0)));
        env.put("REDIS_PORT", Integer.toString(p.get(1)));
        env.put("CHAT_PORTS", p.get(2) + " " + p.get(3) + " " + p.get(4));
        script = pb.start();
    }

    /** Reconnects through nginx as a client would: retried while nginx has no instance. */
    private ChatSocket reconnect(URI room) throws InterruptedException {
        long end = System.nanoTime() + LIVENESS.toNanos();
        while (true) {
            try {
                return ChatSocket.open(http, room);
            } catch (ExecutionException | IOException e) {
                if (System.nanoTime() - end > 0) {
                    throw new AssertionError("no reconnect within " + LIVENESS + ": " + e + logs(),
                            e);
                }
                Thread.sleep(100);
            }
        }
    }

    private Path runDir() throws IOException {
        try (Stream<Path> dirs = Files.list(tmpDir)) {
            List<Path> found = dirs.filter(d -> d.getFileName().toString()
                    .startsWith("lws4j-cluster.")).toList();
            assertThat(found).as("the script's run directory").hasSize(1);
            return found.get(0);
        }
    }

    /** chat-N to the PID in chat-N.pid. */
    private static Map<String, Long> chatPids(Path runDir) throws IOException {
        Map<String, Long> pids = new java.util.TreeMap<>();
        for (String instance : INSTANCES) {
            pids.put(instance, Long.parseLong(Files.readString(runDir.resolve(instance + ".pid"),
                    StandardCharsets.UTF_8).trim()));
        }
        return pids;
    }

    /**
     * Adds the script's descendants and every process named in a PID file of the run
     * directory (with its descendants: nginx's workers) to {@link #started}.
     */
    private void recordStarted() throws IOException {
        if (script != null) {
            script.descendants().forEach(started::add);
        }
        List<Path> pidFiles;
        try (Stream<Path> files = Files.walk(tmpDir)) {
            pidFiles = files.filter(f -> f.getFileName().toString().endsWith(".pid")
                    || f.getFileName().toString().endsWith(".pid.launcher")).toList();
        }
        for (Path f : pidFiles) {
            String text;
            try {
                text = Files.readString(f, StandardCharsets.UTF_8).trim();
            } catch (IOException gone) {
                continue;
            }
            if (!text.matches("\\d+")) {
                continue; // being written
            }
            ProcessHandle.of(Long.parseLong(text)).ifPresent(h -> {
                started.add(h);
                h.descendants().forEach(started::add);
            });
        }
        started.removeIf(h -> h.info().command().map(c -> c.endsWith("/sleep")).orElse(false));
    }

    private static String describe(Set<ProcessHandle> handles) {
        StringBuilder sb = new StringBuilder();
        for (ProcessHandle h : handles) {
            sb.append("\n  ").append(h.pid()).append(h.isAlive() ? " alive " : " ended ")
                    .append(h.info().commandLine().orElse(""));
        }
        return sb.toString();
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return true;
        } catch (ConnectException refused) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String output() {
        try {
            return Files.readString(scriptOut, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** The script's output and the run directory's logs, for failure messages. */
    private String logs() {
        StringBuilder sb = new StringBuilder("\n--- run-cluster.sh\n").append(output());
        try (Stream<Path> files = Files.walk(tmpDir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                sb.append("\n--- ").append(f.getFileName()).append('\n')
                        .append(text.length() > 3000 ? text.substring(text.length() - 3000) : text);
            }
        } catch (IOException | UncheckedIOException e) {
            sb.append("(logs unreadable: ").append(e).append(')');
        }
        return sb.toString();
    }

    private JsonObject members(int port) {
        HttpResponse<String> r = get(port, "/members");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    private HttpResponse<String> get(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + LIVENESS.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("not within " + LIVENESS + ": " + what + logs());
            }
            Thread.sleep(50);
        }
    }

    /**
     * A chat member on the JDK's websocket client. Thread-safe: the client's callbacks put
     * into {@link #texts} and complete {@link #closed}; the test's thread reads them.
     */
    private static final class ChatSocket implements WebSocket.Listener {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        /** The close code the server sent; exceptional on a transport error. */
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        /** Touched by the client's callbacks only, which the client runs one at a time. */
        private StringBuilder partial = new StringBuilder();
        private WebSocket webSocket;

        static ChatSocket open(HttpClient http, URI uri) throws ExecutionException,
                InterruptedException, IOException {
            ChatSocket s = new ChatSocket();
            try {
                s.webSocket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                        .buildAsync(uri, s).get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IOException("no handshake answer from " + uri, e);
            }
            return s;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial = new StringBuilder();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null; // the client answers the close by itself
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }

        /**
         * Sends a unique text and waits for the room to relay it back.
         *
         * @return true when it came back, false when the server closed the connection first
         */
        boolean echoes(String label) throws Exception {
            String text = label + " " + UUID.randomUUID();
            try {
                webSocket.sendText(text, true).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertThat(closed).as("send failed: %s", e).isDone();
                return false;
            }
            long end = System.nanoTime() + LIVENESS.toNanos();
            while (true) {
                String got = texts.poll(100, TimeUnit.MILLISECONDS);
                if (text.equals(got)) {
                    return true;
                }
                if (got == null && closed.isDone()) {
                    return false;
                }
                assertThat(System.nanoTime() - end).as("%s relayed back", label).isNegative();
            }
        }

        void closeNormally() throws Exception {
            webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(30, TimeUnit.SECONDS);
            assertThat(closed.get(30, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
        }

        void abort() {
            if (webSocket != null) {
                webSocket.abort();
            }
        }
    }
}
