package io.lws4j.tests.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.client.ClientOptions;
import io.lws4j.client.ReconnectPolicy;
import io.lws4j.client.ReconnectingClient;
import io.lws4j.examples.chat.ChatServer;
import io.lws4j.tests.support.ExternalTools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chat example as a cluster, end to end: a real Redis and a real nginx (the repository's
 * {@code lws4j-examples/cluster/nginx.conf}) in front of three {@link ChatServer} instances;
 * 200 {@link ReconnectingClient}s in 10 rooms, all through nginx.
 *
 * <ol>
 * <li>nginx spreads the clients over the three instances, and each instance sees the
 * clients' own address (127.0.0.1, from X-Forwarded-For through its trusted proxy) while
 * its socket peer is nginx (127.0.0.3, nginx's {@code proxy_bind}).</li>
 * <li>Every client sends two messages; every member of each room gets every message of its
 * room exactly once, and none of another room.</li>
 * <li>Rolling restart of one instance: while ticks are published in every room, instance 1
 * drains; its members are closed with 1001, reconnect through nginx (the draining instance
 * answers 503, nginx tries the next) and end up on the other two. Every member's ticks are
 * gap-free and duplicate-free within each connection: nothing published after a client is
 * back is missed. What the moved clients missed between their two connections is measured
 * and printed.</li>
 * <li>Every client sends one more message; exactly-once delivery holds again.</li>
 * </ol>
 *
 * <p>Needs nginx and redis-server: skipped with a message when missing, failing under
 * {@code -Dlws4j.requireExternal=true} (CI, whose {@code .ci/run} installs both).
 */
class ChatClusterTest {
    private static final int CLIENTS = 200;
    private static final int ROOMS = 10;
    private static final Duration LIVENESS = Duration.ofSeconds(60);
    private static final String TOKEN = "cluster";
    private static final String PROXY_ADDRESS = "127.0.0.3";

    private ClusterProcesses processes;
    private final List<ChatServer> instances = new ArrayList<>();
    private Context clientContext;
    private final List<Member> members = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    /** One chat client: what it received, per connection. */
    private static final class Member implements Protocol, ReconnectingClient.Listener {
        final int index;
        final String room;
        final Map<String, Integer> counts = new ConcurrentHashMap<>();
        /** Guarded by itself: the tick numbers received, one list per connection. */
        final List<List<Integer>> ticksPerConnection = new ArrayList<>();
        final AtomicInteger connects = new AtomicInteger();
        volatile ReconnectingClient client;

        Member(int index) {
            this.index = index;
            this.room = "room-" + (index % ROOMS);
        }

        @Override
        public void onConnected(Connection connection, boolean reconnect) {
            synchronized (ticksPerConnection) {
                ticksPerConnection.add(new ArrayList<>());
            }
            connects.incrementAndGet();
        }

        @Override
        public void onText(Connection connection, String text) {
            if (text.startsWith("tick|")) {
                int tick = Integer.parseInt(text.substring("tick|".length()));
                synchronized (ticksPerConnection) {
                    ticksPerConnection.get(ticksPerConnection.size() - 1).add(tick);
                }
            } else {
                counts.merge(text, 1, Integer::sum);
            }
        }

        void send(String text) {
            Connection c = client.current();
            assertThat(c).as("member %d is connected", index).isNotNull();
            assertThat(c.execute(() -> c.writeText(text))).isTrue();
        }

        List<List<Integer>> ticks() {
            synchronized (ticksPerConnection) {
                List<List<Integer>> copy = new ArrayList<>();
                for (List<Integer> l : ticksPerConnection) {
                    copy.add(List.copyOf(l));
                }
                return copy;
            }
        }

        int lastTick() {
            synchronized (ticksPerConnection) {
                List<Integer> l = ticksPerConnection.get(ticksPerConnection.size() - 1);
                return l.isEmpty() ? -1 : l.get(l.size() - 1);
            }
        }
    }

    @AfterEach
    void stop() {
        for (Member m : members) {
            if (m.client != null) {
                m.client.close();
            }
        }
        if (clientContext != null) {
            clientContext.close();
        }
        for (ChatServer s : instances) {
            s.close();
        }
        if (processes != null) {
            processes.close();
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void twoHundredClientsThroughNginxGetEveryRoomMessageOnceAndMoveWhenAnInstanceDrains()
            throws Exception {
        Path nginx = ExternalTools.requireNginx();
        Path redis = ExternalTools.requireRedisServer();
        Path template = Path.of(System.getProperty("lws4j.clusterDir",
                "../lws4j-examples/cluster")).resolve("nginx.conf");
        assertThat(template).exists();

        processes = new ClusterProcesses();
        int redisPort = ClusterProcesses.freePort();
        processes.startRedis(redis, redisPort);
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ChatServer s = ChatServer.start("127.0.0.1", 0, Set.of(TOKEN), 2, 0,
                    new ChatServer.Cluster("chat-" + (i + 1),
                            new java.net.InetSocketAddress("127.0.0.1", redisPort),
                            List.of(PROXY_ADDRESS)));
            instances.add(s);
            ports.add(s.port());
        }
        int nginxPort = ClusterProcesses.freePort();
        processes.startNginx(nginx, template, nginxPort, ports);
        assertThat(get(nginxPort, "/health").statusCode()).as(processes::logs).isEqualTo(200);

        // 1. 200 clients through nginx, spread over the instances, with real addresses
        clientContext = Context.builder().noListener().serviceThreads(2).build();
        ReconnectPolicy policy = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(50))
                .maxDelay(Duration.ofSeconds(1)).maxElapsed(LIVENESS).build();
        for (int i = 0; i < CLIENTS; i++) {
            Member m = new Member(i);
            members.add(m);
            URI uri = URI.create("ws://127.0.0.1:" + nginxPort + "/chat/" + m.room + "?token="
                    + TOKEN);
            m.client = ReconnectingClient.start(clientContext,
                    ClientOptions.builder(uri, m).build(), policy, m);
        }
        await("every client connected", () -> members.stream().allMatch(m -> m.connects.get() == 1
                && m.client.current() != null));
        await("every instance counts its members", () -> totalMembers(ports) == CLIENTS);
        for (int port : ports) {
            JsonObject status = status(port);
            int count = status.get("members").getAsInt();
            assertThat(count).as("members on %s", status).isPositive();
            assertThat(status.getAsJsonObject("clients").keySet()).as("%s", status)
                    .containsExactly("127.0.0.1");
            assertThat(status.getAsJsonObject("peers").keySet()).as("%s", status)
                    .containsExactly(PROXY_ADDRESS);
        }

        // 2. every message of a room reaches each of its members exactly once
        Map<String, Set<String>> sent = new HashMap<>();
        for (int round = 0; round < 2; round++) {
            for (Member m : members) {
                String text = "msg|" + m.room + "|" + m.index + "|" + round;
                sent.computeIfAbsent(m.room, r -> new HashSet<>()).add(text);
                m.send(text);
            }
        }
        assertExactlyOnce(sent);

        // 3. rolling restart of instance 1, with ticks published in every room meanwhile
        int drainedMembers = status(ports.get(0)).get("members").getAsInt();
        Ticker ticker = new Ticker(redisPort);
        ticker.start();
        await("ticks flowing", () -> members.stream().allMatch(m -> m.lastTick() >= 5));
        var drained = instances.get(0).drain(Duration.ofSeconds(20));
        drained.toCompletableFuture().get(LIVENESS.toSeconds(), TimeUnit.SECONDS);
        await("the drained instance's clients reconnected",
                () -> members.stream().filter(m -> m.connects.get() == 2).count() == drainedMembers
                        && members.stream().allMatch(m -> m.client.current() != null));
        List<Integer> remaining = ports.subList(1, 3);
        await("the other instances hold every client", () -> totalMembers(remaining) == CLIENTS);
        int afterReconnect = ticker.published();
        await("ticks after the reconnect", () -> ticker.published() >= afterReconnect + 20);
        int lastTick = ticker.stop();
        await("every member got the last tick", () -> members.stream()
                .allMatch(m -> m.lastTick() == lastTick));
        assertThat(members.stream().filter(m -> m.connects.get() == 1).count())
                .isEqualTo(CLIENTS - drainedMembers);
        reportAndCheckTicks(drainedMembers, lastTick);

        // 4. exactly once again, now over two instances
        Map<String, Set<String>> sentAfter = new HashMap<>();
        for (Member m : members) {
            String text = "after|" + m.room + "|" + m.index;
            sentAfter.computeIfAbsent(m.room, r -> new HashSet<>()).add(text);
            sent.get(m.room).add(text);
            m.send(text);
        }
        assertExactlyOnce(sent);
    }

    /** Every member has every message sent in its room once, and nothing else. */
    private void assertExactlyOnce(Map<String, Set<String>> sent) throws Exception {
        await("every member received its room's messages", () -> members.stream()
                .allMatch(m -> m.counts.keySet().containsAll(sent.get(m.room))));
        Thread.sleep(300); // a duplicate or a stray message would arrive by now
        for (Member m : members) {
            assertThat(m.counts.keySet()).as("member %d of %s", m.index, m.room)
                    .containsExactlyInAnyOrderElementsOf(sent.get(m.room));
            assertThat(Set.copyOf(m.counts.values())).as("member %d of %s", m.index, m.room)
                    .containsExactly(1);
        }
    }

    /**
     * Within each connection the ticks are consecutive (no gap: nothing published while the
     * member was connected is missed; no duplicate). Between a moved member's two
     * connections, the gap is what it missed: printed.
     */
    private void reportAndCheckTicks(int drainedMembers, int lastTick) {
        List<Integer> missed = new ArrayList<>();
        for (Member m : members) {
            List<List<Integer>> perConnection = m.ticks();
            assertThat(perConnection).hasSize(m.connects.get());
            for (List<Integer> ticks : perConnection) {
                for (int i = 1; i < ticks.size(); i++) {
                    assertThat(ticks.get(i)).as("member %d: ticks %s", m.index, ticks)
                            .isEqualTo(ticks.get(i - 1) + 1);
                }
            }
            assertThat(perConnection.get(0)).as("member %d", m.index).isNotEmpty();
            assertThat(perConnection.get(0).get(0)).as("member %d's first tick", m.index).isZero();
            List<Integer> last = perConnection.get(perConnection.size() - 1);
            assertThat(last.get(last.size() - 1)).isEqualTo(lastTick);
            if (perConnection.size() == 2) {
                List<Integer> before = perConnection.get(0);
                List<Integer> after = perConnection.get(1);
                assertThat(after).as("member %d got ticks after reconnecting", m.index).isNotEmpty();
                missed.add(after.get(0) - before.get(before.size() - 1) - 1);
            }
        }
        assertThat(missed).hasSize(drainedMembers);
        IntSummary s = IntSummary.of(missed);
        System.out.printf("rolling restart: %d of %d clients moved; ticks (%d ms apart, every"
                + " room) missed between their two connections: min %d, median %d, max %d,"
                + " total %d; clients that stayed missed 0%n", drainedMembers, CLIENTS,
                Ticker.PERIOD_MILLIS, s.min, s.median, s.max, s.total);
    }

    private record IntSummary(int min, int median, int max, long total) {
        static IntSummary of(List<Integer> values) {
            List<Integer> sorted = values.stream().sorted().toList();
            return new IntSummary(sorted.get(0), sorted.get(sorted.size() / 2),
                    sorted.get(sorted.size() - 1), sorted.stream().mapToLong(i -> i).sum());
        }
    }

    /** Publishes "tick|N" in every room straight to Redis, every {@link #PERIOD_MILLIS}. */
    private static final class Ticker {
        static final int PERIOD_MILLIS = 10;
        private final int redisPort;
        private final AtomicInteger published = new AtomicInteger();
        private volatile boolean stopped;
        private Thread thread;
        private volatile Throwable failure;

        Ticker(int redisPort) {
            this.redisPort = redisPort;
        }

        void start() {
            thread = new Thread(this::run, "cluster-test-ticker");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            try (Socket s = new Socket("127.0.0.1", redisPort)) {
                OutputStream out = s.getOutputStream();
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                        StandardCharsets.UTF_8));
                for (int tick = 0; !stopped; tick++) {
                    StringBuilder commands = new StringBuilder();
                    for (int r = 0; r < ROOMS; r++) {
                        commands.append("PUBLISH ").append(ChatServer.REDIS_CHANNEL_PREFIX)
                                .append("room-").append(r).append(" tick|").append(tick)
                                .append("\r\n");
                    }
                    out.write(commands.toString().getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    for (int r = 0; r < ROOMS; r++) {
                        String reply = in.readLine();
                        if (reply == null || !reply.startsWith(":")) {
                            throw new IOException("unexpected redis reply: " + reply);
                        }
                    }
                    published.set(tick + 1);
                    Thread.sleep(PERIOD_MILLIS);
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                failure = e;
            }
        }

        int published() {
            assertThat(failure).isNull();
            return published.get();
        }

        /** Stops and returns the last tick published. */
        int stop() throws InterruptedException {
            stopped = true;
            thread.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(failure).isNull();
            return published.get() - 1;
        }
    }

    private int totalMembers(List<Integer> ports) {
        int total = 0;
        for (int port : ports) {
            total += status(port).get("members").getAsInt();
        }
        return total;
    }

    private JsonObject status(int port) {
        HttpResponse<String> r = get(port, "/members");
        assertThat(r.statusCode()).isEqualTo(200);
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    private HttpResponse<String> get(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + LIVENESS.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("not within " + LIVENESS + ": " + what + processes.logs());
            }
            Thread.sleep(20);
        }
    }
}
