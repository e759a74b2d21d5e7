package io.lws4j.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Context;
import io.lws4j.ContextMXBean;
import io.lws4j.threadpool.ThreadPoolMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.Test;

/**
 * The context and pool MBeans, read through the platform MBean server as JConsole would
 * (attributes by name, the dump operation by invoke), while real clients stream through
 * the pool and after they are done; then unregistered by close, and never registered with
 * JMX off.
 */
class JmxMBeansTest {
    private static final int CLIENTS = 3;
    private static final int MESSAGES = 120;
    private static final int BEFORE_GATE = 20;
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    @Test
    void mbeansShowTheContextAndPoolWhileClientsStreamAndAfter() throws Exception {
        String name = "jmx-test-" + System.nanoTime();
        ObjectName contextName = new ObjectName("io.lws4j:type=Context,name=" + name);
        ObjectName poolName = new ObjectName("io.lws4j:type=ThreadPool,context=" + name
                + ",name=streamers");
        List<ObservedWorkload.Client> clients = new ArrayList<>();
        try (ObservedWorkload w = new ObservedWorkload(Context.builder().name(name),
                "streamers", CLIENTS, MESSAGES, BEFORE_GATE)) {
            assertThat(server.isRegistered(contextName)).isTrue();
            assertThat(server.isRegistered(poolName)).isTrue();
            assertThat(server.getAttribute(contextName, "Port")).isEqualTo(w.context.port());
            assertThat(server.getAttribute(poolName, "Threads")).isEqualTo(CLIENTS);

            for (int i = 0; i < CLIENTS; i++) {
                clients.add(w.open("/stream"));
            }
            assertThat(w.atGate.await(60, TimeUnit.SECONDS)).isTrue();
            // Mid-stream: every task holds its worker at the gate, each connection is open.
            await(() -> clients.stream().allMatch(c -> c.texts.size() == BEFORE_GATE));
            assertThat(server.getAttribute(contextName, "ConnectionsOpen")).isEqualTo((long) CLIENTS);
            assertThat(server.getAttribute(contextName, "ConnectionsTotal")).isEqualTo((long) CLIENTS);
            assertThat(server.getAttribute(contextName, "MessagesIn")).isEqualTo((long) CLIENTS);
            assertThat(server.getAttribute(contextName, "MessagesOut"))
                    .isEqualTo((long) CLIENTS * BEFORE_GATE);
            assertThat((Long) server.getAttribute(contextName, "BytesIn")).isPositive();
            assertThat((Long) server.getAttribute(contextName, "BytesOut"))
                    .isGreaterThan((long) CLIENTS * BEFORE_GATE * "msg 1".length());
            assertThat((Integer) server.getAttribute(contextName, "SocketsOpen"))
                    .isGreaterThanOrEqualTo(CLIENTS);
            assertThat(server.getAttribute(poolName, "Ongoing")).isEqualTo(CLIENTS);
            assertThat(server.getAttribute(poolName, "Accepted")).isEqualTo((long) CLIENTS);
            assertThat(server.getAttribute(poolName, "SyncWaits"))
                    .isEqualTo((long) CLIENTS * BEFORE_GATE);
            assertThat(server.getAttribute(poolName, "Finished")).isEqualTo(0L);
            String dump = (String) server.invoke(poolName, "dump", null, null);
            assertThat(dump).contains("observed /127.0.0.1");

            w.gate.countDown();
            for (ObservedWorkload.Client c : clients) {
                assertThat(c.closed.get(60, TimeUnit.SECONDS)).isEqualTo(1000);
                assertThat(c.texts).hasSize(MESSAGES);
            }
            ObservedWorkload.Client burst = w.open("/burst");
            assertThat(burst.closed.get(60, TimeUnit.SECONDS)).isEqualTo(1000);
            assertThat(w.upgradeToNowhereRefused()).isTrue();
            w.stallLoop(300);

            // The same figures through a typed proxy, as a JMX client program reads them.
            ContextMXBean ctx = JMX.newMXBeanProxy(server, contextName, ContextMXBean.class);
            ThreadPoolMXBean pool = JMX.newMXBeanProxy(server, poolName, ThreadPoolMXBean.class);
            await(() -> ctx.getConnectionsOpen() == 0 && pool.getFinished() == CLIENTS);
            assertThat(ctx.getConnectionsTotal()).isEqualTo(CLIENTS + 1L);
            assertThat(ctx.getCloseCodes()).isEqualTo(Map.of(1000, CLIENTS + 1L));
            assertThat(ctx.getHandshakesRefused()).isEqualTo(Map.of("no-endpoint", 1L));
            assertThat(ctx.getMessagesOut())
                    .isEqualTo((long) CLIENTS * MESSAGES + w.burstAccepted.get());
            assertThat(w.burstAccepted.get()).isLessThan(ObservedWorkload.BURST_WRITES);
            assertThat(ctx.getWritesRefused())
                    .isEqualTo((long) ObservedWorkload.BURST_WRITES - w.burstAccepted.get());
            assertThat(ctx.getLoopStalls()).isGreaterThanOrEqualTo(1L);
            assertThat(ctx.getLongestLoopCycleMillis()).isGreaterThanOrEqualTo(300L);
            await(() -> ctx.getOutboundBytesQueued() == 0);
            assertThat(pool.getAccepted()).isEqualTo(CLIENTS);
            assertThat(pool.getCompleted()).isEqualTo(CLIENTS);
            assertThat(pool.getStopped()).isZero();
            assertThat(pool.getFailed()).isZero();
            assertThat(pool.getRejected()).isZero();
            assertThat(pool.getSyncWaits()).isEqualTo((long) CLIENTS * MESSAGES);
            assertThat(pool.getAbandonedSyncs()).isZero();
            // Attributes of Map type arrive as open data at a generic JMX client.
            TabularData codes = (TabularData) server.getAttribute(contextName, "CloseCodes");
            CompositeData row = (CompositeData) codes.values().iterator().next();
            assertThat(row.get("key")).isEqualTo(1000);
            assertThat(row.get("value")).isEqualTo(CLIENTS + 1L);
        }
        assertThat(server.isRegistered(contextName)).isFalse();
        assertThat(server.isRegistered(poolName)).isFalse();
    }

    @Test
    void jmxOff_registersNothing_butStatisticsStillCount() throws Exception {
        String name = "jmx-off-" + System.nanoTime();
        try (ObservedWorkload w = new ObservedWorkload(Context.builder().name(name).jmx(false),
                "quiet", 1, 5, 0)) {
            w.gate.countDown();
            assertThat(w.open("/stream").closed.get(60, TimeUnit.SECONDS)).isEqualTo(1000);
            assertThat(server.queryNames(new ObjectName("io.lws4j:context=" + name + ",*"), null))
                    .isEmpty();
            assertThat(server.queryNames(new ObjectName("io.lws4j:name=" + name + ",*"), null))
                    .isEmpty();
            await(() -> w.pool.statistics().getFinished() == 1);
            assertThat(w.context.statistics().getMessagesOut()).isEqualTo(5L);
            // the server counts the close when its side of the handshake ends, which may come
            // after the client has seen the close frame
            await(() -> w.context.statistics().getCloseCodes().equals(Map.of(1000, 1L)));
            assertThat(w.context.statistics().getCloseCodes()).isEqualTo(Map.of(1000, 1L));
        }
    }

    @Test
    void aPoolCreatedInOnInitIsRegisteredUnderItsContext() throws Exception {
        String name = "jmx-oninit-" + System.nanoTime();
        io.lws4j.threadpool.ThreadPool[] pool = new io.lws4j.threadpool.ThreadPool[1];
        io.lws4j.Protocol protocol = new io.lws4j.Protocol() {
            @Override
            public void onInit(Context ctx) {
                pool[0] = io.lws4j.threadpool.ThreadPool.create(ctx,
                        new io.lws4j.threadpool.CreateArgs(1, 1), "early");
            }
        };
        ObjectName poolName = new ObjectName("io.lws4j:type=ThreadPool,context=" + name
                + ",name=early");
        try (Context ctx = Context.builder().name(name).bindAddress("127.0.0.1").port(0)
                .protocol("p", protocol).build()) {
            assertThat(pool[0]).isNotNull();
            assertThat(server.isRegistered(poolName)).isTrue();
            assertThat(ctx.statistics().getName()).isEqualTo(name);
        }
        assertThat(server.isRegistered(poolName)).isFalse();
    }

    @Test
    void aTakenNameGetsAnInstanceNumber() throws Exception {
        String name = "jmx-twice-" + System.nanoTime();
        try (Context first = Context.builder().name(name).noListener().build()) {
            Context second = Context.builder().name(name).noListener().build();
            assertThat(first.statistics().getName()).isEqualTo(name);
            assertThat(server.isRegistered(new ObjectName("io.lws4j:type=Context,name=" + name)))
                    .isTrue();
            assertThat(server.isRegistered(new ObjectName("io.lws4j:type=Context,name=" + name
                    + ",instance=2"))).isTrue();
            second.close();
            assertThat(server.isRegistered(new ObjectName("io.lws4j:type=Context,name=" + name
                    + ",instance=2"))).isFalse();
        }
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("condition not met within 60 s");
            }
            Thread.sleep(10);
        }
    }
}
