package io.lws4j.benchmarks.soak;

import io.lws4j.benchmarks.report.SvgTimeSeries;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * One sample of a soak run: the server's figures (see {@link SoakServer}'s STATS line) and
 * the client's totals at one moment, and the phase of the run it was taken in.
 *
 * @param seconds time since the load started
 * @param phase baseline, load, drained or settle
 * @param server the server's STATS figures
 * @param clients the clients' totals
 * @param faults fault clients started so far
 *
 * <p>Thread-safe: immutable.
 */
record SoakSample(double seconds, String phase, Map<String, Long> server, SoakClientLoop.Totals clients,
        long faults) {
    static final String CSV_HEADER = "seconds,phase,heap_bytes,fds,threads,loop_stall_ms,pool_ongoing,pool_queued,"
            + "tasks_accepted,tasks_cleaned,client_open,client_failed,messages_received,faults_started";

    static SoakSample of(double seconds, Map<String, Long> server, SoakClientLoop.Totals clients, long faults,
            String phase) {
        return new SoakSample(seconds, phase, Map.copyOf(server), clients, faults);
    }

    long get(String key) {
        Long v = server.get(key);
        return v == null ? -1 : v;
    }

    long messagesReceived() {
        return clients.echoReceived() + clients.chatReceived() + clients.streamMessages();
    }

    String line() {
        return String.format(Locale.ROOT, "t=%.0fs %s heap=%.1fMiB fds=%d threads=%d stall=%.1fms pool=%d+%d"
                + " tasks=%d/%d cleaned open=%d failed=%d msgs=%d faults=%d", seconds, phase, get("heap") / 1048576.0,
                get("fds"), get("threads"), get("stallNanos") / 1e6, get("ongoing"), get("queued"), get("accepted"),
                get("cleanups"), clients.open(), clients.failed(), messagesReceived(), faults);
    }

    String csv() {
        return String.format(Locale.ROOT, "%.1f,%s,%d,%d,%d,%.2f,%d,%d,%d,%d,%d,%d,%d,%d", seconds, phase, get("heap"),
                get("fds"), get("threads"), get("stallNanos") / 1e6, get("ongoing"), get("queued"), get("accepted"),
                get("cleanups"), clients.open(), clients.failed(), messagesReceived(), faults);
    }

    /** The run's samples as stacked line charts; a dashed line where the load stopped. */
    static String chart(List<SoakSample> samples, SoakConfig c, double loadEnd) {
        double[] t = series(samples, s -> s.seconds);
        List<SvgTimeSeries.Panel> panels = List.of(
                new SvgTimeSeries.Panel("Connections: client connections open, server descriptors", "",
                        List.of(new SvgTimeSeries.Series("client open", series(samples, s -> s.clients.open())),
                                new SvgTimeSeries.Series("server fds", series(samples, s -> s.get("fds"))))),
                new SvgTimeSeries.Panel("Server heap used after a full GC", "MiB",
                        List.of(new SvgTimeSeries.Series("heap", series(samples, s -> s.get("heap") / 1048576.0)))),
                new SvgTimeSeries.Panel("Server live threads", "",
                        List.of(new SvgTimeSeries.Series("threads", series(samples, s -> s.get("threads"))))),
                new SvgTimeSeries.Panel("Longest service-loop cycle in each sample period", "ms",
                        List.of(new SvgTimeSeries.Series("loop stall", series(samples, s -> s.get("stallNanos") / 1e6)))),
                new SvgTimeSeries.Panel("Threadpool: tasks on a worker and waiting", "",
                        List.of(new SvgTimeSeries.Series("ongoing", series(samples, s -> s.get("ongoing"))),
                                new SvgTimeSeries.Series("queued", series(samples, s -> s.get("queued"))))),
                new SvgTimeSeries.Panel("Threadpool: tasks accepted minus tasks cleaned up", "",
                        List.of(new SvgTimeSeries.Series("uncleaned",
                                series(samples, s -> s.get("accepted") - s.get("cleanups"))))));
        String subtitle = String.format(Locale.ROOT, "%d connections, %d s of load with %.1f faults/s, pool re-created"
                + " every %d s; dashed: load stops", c.connections(), c.duration().toSeconds(), c.faultsPerSecond(),
                c.recreateEvery().toSeconds());
        return SvgTimeSeries.render("lws4j soak", subtitle, t, panels, List.of(new double[] {loadEnd}));
    }

    private static double[] series(List<SoakSample> samples, ToDoubleFunction<SoakSample> f) {
        double[] v = new double[samples.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = f.applyAsDouble(samples.get(i));
        }
        return v;
    }
}
