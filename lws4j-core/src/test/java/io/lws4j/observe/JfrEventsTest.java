package io.lws4j.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Context;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records the lws4j JFR events during a run, as {@code jcmd JFR.start} with the events
 * enabled would, dumps the recording and reads it back with {@code jdk.jfr.consumer}:
 * counts per event type and the durations the events carry.
 */
class JfrEventsTest {
    private static final int CLIENTS = 2;
    private static final int MESSAGES = 40;
    private static final List<String> EVENTS = List.of("TaskEnqueued", "TaskStarted",
            "TaskEnded", "SyncWait", "ConnectionOpened", "ConnectionClosed",
            "HandshakeRefused", "SlowConsumer", "LoopStall");

    @TempDir
    Path dir;

    /** Opens the workload's stream clients and waits until each has had its whole stream. */
    private static void streamToEveryClient(ObservedWorkload w) throws Exception {
        List<ObservedWorkload.Client> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(w.open("/stream"));
        }
        for (ObservedWorkload.Client c : clients) {
            assertThat(c.closed.get(60, TimeUnit.SECONDS)).isEqualTo(1000);
        }
    }

    @Test
    void aRecordingWithTheLws4jEventsEnabledHoldsEachEventWithItsFields() throws Exception {
        String poolName = "jfr-pool-" + System.nanoTime();
        Path file = dir.resolve("lws4j.jfr");
        try (Recording recording = new Recording()) {
            for (String e : EVENTS) {
                recording.enable("lws4j." + e).withThreshold(Duration.ZERO);
            }
            recording.start();
            int port;
            int burstAccepted;
            // without lending every SYNC waits for the loop's own thread, so (but for one the
            // loop answers before its worker looks again) each is reported
            try (ObservedWorkload w = new ObservedWorkload(Context.builder().lendIdleLoops(false),
                    poolName, CLIENTS, MESSAGES, 0)) {
                port = w.context.port();
                w.gate.countDown();
                streamToEveryClient(w);
                assertThat(w.open("/burst").closed.get(60, TimeUnit.SECONDS)).isEqualTo(1000);
                burstAccepted = w.burstAccepted.get();
                assertThat(w.upgradeToNowhereRefused()).isTrue();
                w.stallLoop(250);
            }
            recording.stop();
            recording.dump(file);
            assertThat(port).isPositive();
            List<RecordedEvent> all = RecordingFile.readAllEvents(file);
            List<RecordedEvent> ours = all.stream()
                    .filter(e -> e.getEventType().getName().startsWith("lws4j."))
                    .collect(Collectors.toList());

            List<RecordedEvent> enqueued = of(ours, "TaskEnqueued", poolName);
            List<RecordedEvent> started = of(ours, "TaskStarted", poolName);
            List<RecordedEvent> ended = of(ours, "TaskEnded", poolName);
            List<RecordedEvent> syncs = of(ours, "SyncWait", poolName);
            assertThat(enqueued).hasSize(CLIENTS);
            assertThat(started).hasSize(CLIENTS);
            assertThat(ended).hasSize(CLIENTS);
            assertThat(syncs).hasSizeBetween(CLIENTS * MESSAGES / 2, CLIENTS * MESSAGES);
            for (RecordedEvent e : started) {
                assertThat(e.getString("task")).startsWith("observed /127.0.0.1");
                assertThat(e.getDuration("queued").isNegative()).isFalse();
            }
            for (RecordedEvent e : ended) {
                assertThat(e.getString("outcome")).isEqualTo("FINISHED");
                assertThat(e.getBoolean("failed")).isFalse();
                // the event spans the task on its worker: its calls (the last one sleeps),
                // its SYNC waits and the rest
                assertThat(e.getDuration()).isGreaterThanOrEqualTo(ObservedWorkload.TASK_TAIL);
                assertThat(e.getDuration("runTime")).isGreaterThanOrEqualTo(ObservedWorkload.TASK_TAIL);
                assertThat(e.getDuration().compareTo(
                        e.getDuration("runTime").plus(e.getDuration("syncTime")))).isNotNegative();
            }
            for (RecordedEvent e : syncs) {
                assertThat(e.getBoolean("acknowledged")).isTrue();
                assertThat(e.getDuration()).isPositive();
            }
            // each task's SYNC waits lie within its TaskEnded span, on the same worker thread
            for (RecordedEvent task : ended) {
                long within = syncs.stream()
                        .filter(s -> s.getString("task").equals(task.getString("task")))
                        .filter(s -> !s.getStartTime().isBefore(task.getStartTime())
                                && !s.getEndTime().isAfter(task.getEndTime()))
                        .count();
                assertThat(within).isEqualTo(syncs.stream()
                        .filter(s -> s.getString("task").equals(task.getString("task"))).count());
            }

            List<RecordedEvent> opened = ofThisRun(ours, "ConnectionOpened");
            List<RecordedEvent> closed = ofThisRun(ours, "ConnectionClosed");
            assertThat(opened).hasSize(CLIENTS + 1);
            assertThat(closed).hasSize(CLIENTS + 1);
            assertThat(opened).allMatch(e -> !e.getBoolean("client"));
            for (RecordedEvent e : closed) {
                assertThat(e.getInt("closeCode")).isEqualTo(1000);
                assertThat(e.getLong("bytesIn")).isPositive();
                assertThat(e.getLong("bytesOut")).isPositive();
            }
            assertThat(closed.stream().filter(e -> e.getString("protocol").equals("observed"))
                    .mapToLong(e -> e.getLong("messagesOut")).sum())
                    .isEqualTo((long) CLIENTS * MESSAGES);

            List<RecordedEvent> refused = named(ours, "HandshakeRefused");
            assertThat(refused).anyMatch(e -> e.getInt("status") == 404
                    && e.getString("reason").equals("no-endpoint"));
            List<RecordedEvent> slow = named(ours, "SlowConsumer");
            assertThat(slow.stream().filter(e -> e.getLong("bound") == 1024).count())
                    .isEqualTo((long) ObservedWorkload.BURST_WRITES - burstAccepted);
            assertThat(named(ours, "LoopStall"))
                    .anyMatch(e -> e.getDuration("workTime").toMillis() >= 250);
        }
        assertThat(Files.size(file)).isPositive();
    }

    /**
     * The JDK's own "default" settings (what {@code -XX:StartFlightRecording} with no settings
     * uses, and what continuous production recordings often run) name no lws4j event, so they
     * must record none: a SYNC per message would otherwise fill the recording.
     */
    @Test
    void aRecordingWithTheJdkDefaultSettingsHoldsNoLws4jEvent() throws Exception {
        Path file = dir.resolve("default.jfr");
        try (Recording recording = new Recording(Configuration.getConfiguration("default"))) {
            recording.start();
            try (ObservedWorkload w = new ObservedWorkload(Context.builder(),
                    "jfr-default-" + System.nanoTime(), CLIENTS, MESSAGES, 0)) {
                w.gate.countDown();
                streamToEveryClient(w);
                assertThat(w.upgradeToNowhereRefused()).isTrue();
                w.stallLoop(250);
            }
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> all = RecordingFile.readAllEvents(file);
        assertThat(all).as("the JDK's default events were recorded").isNotEmpty();
        assertThat(all).noneMatch(e -> e.getEventType().getName().startsWith("lws4j."));
    }

    private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals("lws4j." + name))
                .collect(Collectors.toList());
    }

    private static List<RecordedEvent> of(List<RecordedEvent> events, String name, String pool) {
        return named(events, name).stream().filter(e -> pool.equals(e.getString("pool")))
                .collect(Collectors.toList());
    }

    /** Events of this run's connections, told by the protocols the workload registers. */
    private static List<RecordedEvent> ofThisRun(List<RecordedEvent> events, String name) {
        return named(events, name).stream()
                .filter(e -> List.of("observed", "burst").contains(e.getString("protocol")))
                .collect(Collectors.toList());
    }
}
