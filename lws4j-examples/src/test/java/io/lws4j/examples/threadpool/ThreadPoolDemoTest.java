package io.lws4j.examples.threadpool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The demo in-process, driven by the JDK websocket client (no outside programs). */
class ThreadPoolDemoTest {
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final HttpClient http = HttpClient.newHttpClient();
    private ThreadPoolDemo demo;

    @AfterEach
    void stop() {
        if (demo != null) {
            demo.shutdown("test end");
        }
    }

    private ThreadPoolDemo start(String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1",
                "--quiet"));
        args.addAll(List.of(flags));
        demo = ThreadPoolDemo.start(DemoOptions.parse(args.toArray(String[]::new)),
                new PrintStream(log, true, StandardCharsets.UTF_8));
        return demo;
    }

    @Test
    void admittedTasksFinish1000WithEachPositionOnceInOrder() throws Exception {
        // 1 worker, 2 waiting places: all 3 are admitted whatever the timing.
        start("--threads", "1", "--queue", "2", "--end", "600000", "--step", "100000",
                "--sleep-ms", "20", "--sync-every", "200000");
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            clients.add(Client.connect(http, demo.port(), "lws-minimal"));
        }
        for (int i = 0; i < 3; i++) {
            Client c = clients.get(i);
            assertThat(c.closed.get(60, TimeUnit.SECONDS)).as("client %d", i)
                    .isEqualTo("1000 task finished");
            assertThat(c.messages).as("client %d", i)
                    .containsExactly("pos 0", "pos 200000", "pos 400000", "pos 600000");
        }
        demo.shutdown("test");
        assertThat(log.toString(StandardCharsets.UTF_8))
                .contains("admitted 3, refused 0, finished 3")
                .contains("tasks accepted 3, cleaned up 3");
    }

    @Test
    void surplusBeyondThreadsPlusQueueIsClosed1013WhileTheOthersRunOrWait() throws Exception {
        // Tasks far longer than the test: the pool stays full until shutdown, so which
        // connections are refused does not depend on how fast the machine is.
        start("--threads", "1", "--queue", "2", "--end", "100000000", "--step", "100000",
                "--sleep-ms", "50", "--sync-every", "100000");
        Client running = Client.connect(http, demo.port(), "lws-minimal");
        assertThat(running.nextMessage(Duration.ofSeconds(30))).isEqualTo("pos 0");
        List<Client> waiting = List.of(Client.connect(http, demo.port(), "lws-minimal"),
                Client.connect(http, demo.port(), "lws-minimal"));
        List<Client> surplus = List.of(Client.connect(http, demo.port(), "lws-minimal"),
                Client.connect(http, demo.port(), "lws-minimal"));
        for (Client c : surplus) {
            assertThat(c.closed.get(30, TimeUnit.SECONDS)).isEqualTo("1013 threadpool queue full");
            assertThat(c.messages).isEmpty();
        }
        assertThat(running.closed).isNotDone();
        for (Client c : waiting) {
            assertThat(c.closed).isNotDone();
        }

        demo.shutdown("test");
        assertThat(running.closed.get(30, TimeUnit.SECONDS)).isEqualTo("1001 server shutting down");
        for (Client c : waiting) {
            assertThat(c.closed.get(30, TimeUnit.SECONDS)).startsWith("1001");
            assertThat(c.messages).isEmpty();
        }
        assertThat(log.toString(StandardCharsets.UTF_8))
                .contains("admitted 3, refused 2, finished 0")
                .contains("tasks accepted 3, cleaned up 3");
    }

    @Test
    void statusSubscriberGetsThePoolsNumbersAsJsonAtOnce() throws Exception {
        start("--threads", "2", "--queue", "5");
        Client status = Client.connect(http, demo.port(), "lws-status");
        String first = status.nextMessage(Duration.ofSeconds(10));
        assertThat(first).startsWith("{\"type\":\"status\",")
                .contains("\"ongoing\":0,\"possible\":2,\"queueDepth\":0,\"maxQueueDepth\":5,")
                .contains("\"end\":10000000,")
                .endsWith("}");
    }

    @Test
    void demoCanBeWatchedOverJmx_itsContextAndPoolMBeansAreRegisteredWhileItRuns()
            throws Exception {
        start("--threads", "2", "--queue", "3");
        javax.management.MBeanServer server =
                java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName context = new javax.management.ObjectName(
                "io.lws4j:type=Context,name=threadpool-demo");
        javax.management.ObjectName pool = new javax.management.ObjectName(
                "io.lws4j:type=ThreadPool,context=threadpool-demo,name=demo-pool");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains(
                "JMX (jconsole, JMC): io.lws4j:type=Context,name=threadpool-demo and"
                        + " io.lws4j:type=ThreadPool,context=threadpool-demo,name=demo-pool");
        // registered in the background when this JVM's platform server was not yet running
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!server.isRegistered(pool) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(server.getAttribute(context, "Port")).isEqualTo(demo.port());
        assertThat(server.getAttribute(pool, "Possible")).isEqualTo(2);
        assertThat(server.getAttribute(pool, "MaxQueueDepth")).isEqualTo(3);
        assertThat((String) server.invoke(pool, "dump", null, null)).isNotEmpty();
        demo.shutdown("test end");
        assertThat(server.isRegistered(context)).isFalse();
        assertThat(server.isRegistered(pool)).isFalse();
    }

    @Test
    void pageAndItsConfigAreServedFromTheMount() throws Exception {
        start("--end", "1234", "--threads", "4");
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + demo.port() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script src=\"demo.js\"></script>", "id=\"open-more\"");
        for (String file : PageFiles.FILES) {
            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + demo.port() + "/" + file)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).as(file).isEqualTo(200);
        }
        HttpResponse<String> config = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + demo.port() + "/config.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(config.body()).contains("\"threads\":4", "\"end\":1234");
    }

    @Test
    void shutdownStopsRunningAndWaitingTasksAndClosesTheirConnectionsWith1001()
            throws Exception {
        start("--threads", "1", "--queue", "1", "--end", "100000000", "--sleep-ms", "50",
                "--sync-every", "100000");
        Client running = Client.connect(http, demo.port(), "lws-minimal");
        Client waiting = Client.connect(http, demo.port(), "lws-minimal");
        assertThat(running.nextMessage(Duration.ofSeconds(10))).isEqualTo("pos 0");

        demo.shutdown("test");

        assertThat(running.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1001 server shutting down");
        assertThat(waiting.closed.get(10, TimeUnit.SECONDS)).startsWith("1001");
        assertThat(waiting.messages).isEmpty();
        assertThat(log.toString(StandardCharsets.UTF_8))
                .contains("shutting down (test): finishing the pool")
                .contains("tasks accepted 2, cleaned up 2")
                .contains("exiting cleanly");
    }

    @Test
    void connectionWaitingLongerThanTheStartTimeoutIsClosed1008AndItsTaskNeverRuns()
            throws Exception {
        // The running task sleeps at least 20 x 500 ms, ten times the 1 s start timeout.
        start("--threads", "1", "--queue", "1", "--end", "2000000", "--step", "100000",
                "--sleep-ms", "500", "--sync-every", "1000000", "--start-timeout", "1");
        Client running = Client.connect(http, demo.port(), "lws-minimal");
        Client waiting = Client.connect(http, demo.port(), "lws-minimal");

        assertThat(waiting.closed.get(30, TimeUnit.SECONDS)).isEqualTo("1008 timeout");
        assertThat(waiting.messages).isEmpty();
        assertThat(running.closed).as("the waiting one timed out while the running one ran")
                .isNotDone();
        assertThat(running.closed.get(60, TimeUnit.SECONDS)).isEqualTo("1000 task finished");
        assertThat(running.messages).containsExactly("pos 0", "pos 1000000", "pos 2000000");
        demo.shutdown("test");
        assertThat(log.toString(StandardCharsets.UTF_8))
                .contains("admitted 2, refused 0, finished 1, stopped 0, timed out 1")
                .contains("tasks accepted 2, cleaned up 2");
    }

    /** A websocket client that records every text message and how it closed. */
    private static final class Client implements WebSocket.Listener {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        static Client connect(HttpClient http, int port, String protocol) throws Exception {
            Client c = new Client();
            http.newWebSocketBuilder().subprotocols(protocol)
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), c)
                    .get(10, TimeUnit.SECONDS);
            return c;
        }

        String nextMessage(Duration limit) throws InterruptedException {
            long deadline = System.nanoTime() + limit.toNanos();
            while (messages.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            return messages.isEmpty() ? null : messages.get(0);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete("error " + error);
        }
    }
}
