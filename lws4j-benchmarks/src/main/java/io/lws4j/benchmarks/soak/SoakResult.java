package io.lws4j.benchmarks.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A soak run's outcome: the checks that decide it and the figures behind them.
 *
 * <p>The checks: every planned connection connected and none of them was lost; every echo
 * came back, every chat message reached every other member of its room and every stream
 * message its client, in order and exactly once, and nothing came back corrupt; every fault
 * got the answer it should (close code, drop); after the load and once the connections
 * closed, the server's heap after GC is back within the tolerance of its baseline, its
 * descriptors within theirs and its threads at most the baseline; and every task the pool
 * accepted was cleaned up exactly once, none running or waiting.
 *
 * <p>Thread-safe: immutable after construction (the maps are read only).
 */
record SoakResult(SoakConfig config, Map<String, Long> baseline, Map<String, Long> last,
        SoakClientLoop.Totals clients, List<SoakSample> samples, Map<Faults.Kind, AtomicLong> faultsOk,
        Map<Faults.Kind, AtomicLong> faultsBad, Map<Faults.Kind, String> faultErrors, long faultsSkipped,
        boolean faultsEnded, long recreates, double loadEndSeconds, double runEndSeconds) {

    /** One check: what it asks, whether it held and the figures. */
    record Check(String name, boolean ok, String detail) {
    }

    static boolean backAtBaseline(SoakConfig c, Map<String, Long> baseline, Map<String, Long> s) {
        return s.get("heap") <= baseline.get("heap") + c.heapTolerance()
                && s.get("fds") <= baseline.get("fds") + c.fdTolerance()
                && otherThreads(s) <= otherThreads(baseline)
                && s.get("ongoing") == 0 && s.get("queued") == 0 && s.get("doneUnreaped") == 0
                && s.get("accepted").equals(s.get("cleanups"));
    }

    /** Live threads other than the TLS off-loop executor's (which idle out on their own). */
    static long otherThreads(Map<String, Long> s) {
        return s.get("threads") - s.getOrDefault("offloop", 0L);
    }

    List<Check> checks() {
        List<Check> checks = new ArrayList<>();
        SoakClientLoop.Totals t = clients;
        checks.add(new Check("every connection connected and stayed connected",
                t.connectDone() && t.failed() == 0 && t.open() == t.planned(),
                t.open() + " of " + t.planned() + " open at the end of the load, " + t.failed() + " lost; "
                        + t.setupRetries() + " connects retried (handshake timed out under load)"
                        + (t.firstFailure() == null ? "" : " (first: " + t.firstFailure() + ")")));
        checks.add(new Check("0 echoes lost or corrupt", t.echoSent() == t.echoReceived() && t.echoBad() == 0,
                t.echoSent() + " sent, " + t.echoReceived() + " back, " + t.echoBad() + " out of order or corrupt"));
        checks.add(new Check("0 chat messages lost, duplicated or reordered",
                t.chatReceived() == t.chatExpected() && t.chatBad() == 0,
                t.chatSent() + " sent to rooms, " + t.chatReceived() + " of " + t.chatExpected()
                        + " deliveries received, " + t.chatBad() + " out of order"));
        checks.add(new Check("every stream message arrived, in order, as many as the server reported",
                t.streamBad() == 0 && t.streamsDone() > 0,
                t.streamsDone() + " streams, " + t.streamMessages() + " messages, " + t.streamBad() + " bad; "
                        + t.busy() + " commands refused while the pool was full"));
        if (config.deflateShare() > 0) {
            checks.add(new Check("permessage-deflate was used", t.compressed() > 0,
                    t.compressed() + " compressed messages received"));
        }
        long ok = 0;
        long bad = 0;
        StringBuilder perKind = new StringBuilder();
        for (Faults.Kind k : Faults.Kind.values()) {
            ok += faultsOk.get(k).get();
            bad += faultsBad.get(k).get();
            perKind.append(k.name().toLowerCase(Locale.ROOT)).append(' ').append(faultsOk.get(k).get());
            if (faultsBad.get(k).get() > 0) {
                perKind.append(" (").append(faultsBad.get(k).get()).append(" wrong: ").append(faultErrors.get(k))
                        .append(')');
            }
            perKind.append(", ");
        }
        checks.add(new Check("every fault got the answer it should", bad == 0 && faultsEnded,
                ok + " as expected, " + bad + " not; " + perKind + faultsSkipped + " skipped (too many at once)"));
        long heapDelta = last.get("heap") - baseline.get("heap");
        checks.add(new Check("server heap after GC back at baseline (+" + mib(config.heapTolerance()) + " MiB)",
                heapDelta <= config.heapTolerance(), String.format(Locale.ROOT, "%.1f MiB -> %.1f MiB (%+.1f MiB)",
                        mib(baseline.get("heap")), mib(last.get("heap")), mib(heapDelta))));
        checks.add(new Check("server descriptors back at baseline (+" + config.fdTolerance() + ")",
                last.get("fds") <= baseline.get("fds") + config.fdTolerance(),
                baseline.get("fds") + " -> " + last.get("fds")));
        checks.add(new Check("server threads back at baseline", otherThreads(last) <= otherThreads(baseline),
                otherThreads(baseline) + " -> " + otherThreads(last) + " besides the TLS off-loop threads (those: "
                        + baseline.getOrDefault("offloop", 0L) + " -> " + last.getOrDefault("offloop", 0L) + ")"));
        checks.add(new Check("every accepted task cleaned up exactly once, none left",
                last.get("accepted").equals(last.get("cleanups")) && last.get("doubleCleanups") == 0
                        && last.get("ongoing") == 0 && last.get("queued") == 0 && last.get("doneUnreaped") == 0,
                last.get("accepted") + " accepted, " + last.get("cleanups") + " cleaned, "
                        + last.get("doubleCleanups") + " cleaned twice, " + last.get("ongoing") + " running, "
                        + last.get("queued") + " waiting; " + last.get("rejected") + " refused (queue full); "
                        + recreates + " pools re-created"));
        return checks;
    }

    boolean passed() {
        return checks().stream().allMatch(Check::ok);
    }

    /** The longest loop cycle any sample saw, in ms. */
    double longestStallMillis() {
        long max = 0;
        for (SoakSample s : samples) {
            max = Math.max(max, s.get("stallNanos"));
        }
        return max / 1e6;
    }

    String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append("## Soak ").append(passed() ? "PASSED" : "FAILED").append("\n\n");
        sb.append("- Options: ").append(config.describe()).append('\n');
        sb.append(String.format(Locale.ROOT, "- Load: %.0f s; run with drain and settle: %.0f s; %d samples%n",
                loadEndSeconds, runEndSeconds, samples.size()));
        long peakHeap = 0;
        long peakFds = 0;
        long peakThreads = 0;
        for (SoakSample s : samples) {
            peakHeap = Math.max(peakHeap, s.get("heap"));
            peakFds = Math.max(peakFds, s.get("fds"));
            peakThreads = Math.max(peakThreads, s.get("threads"));
        }
        sb.append(String.format(Locale.ROOT, "- Server peaks: heap after GC %.1f MiB, %d descriptors, %d threads;"
                + " longest service-loop cycle %.1f ms%n", mib(peakHeap), peakFds, peakThreads,
                longestStallMillis()));
        sb.append(String.format(Locale.ROOT, "- Server counters at the end: %d echoed, %d chat relays, %d stream"
                + " messages, %d slow readers closed (1008), %d closed 1002, %d closed 1009%n%n",
                last.get("echoed"), last.get("relayed"), last.get("streamed"), last.get("slowClosed"),
                last.get("closed1002"), last.get("closed1009")));
        sb.append("| check | result | figures |\n|---|---|---|\n");
        for (Check c : checks()) {
            sb.append("| ").append(c.name()).append(" | ").append(c.ok() ? "pass" : "**FAIL**").append(" | ")
                    .append(c.detail().replace("|", "/")).append(" |\n");
        }
        return sb.toString();
    }

    private static double mib(long bytes) {
        return bytes / 1048576.0;
    }
}
