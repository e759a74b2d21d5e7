package io.lws4j.benchmarks.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The soak's verdict on figures made up to show each kind of leak: a run whose server ends
 * above its baseline, keeps a descriptor or a thread, leaves a task uncleaned or cleans one
 * twice, or whose client lost a message, fails the check that names it and only that one.
 */
class SoakResultTest {
    private static final SoakConfig CONFIG = SoakConfig.parse(new String[] {"--connections", "10"});
    private static final Map<String, Long> BASELINE = stats(5L << 20, 44, 19, 0, 0, 0);
    private static final SoakClientLoop.Totals CLEAN = new SoakClientLoop.Totals(10, 10, 0, true, 100, 100, 0, 20,
            180, 180, 0, 5, 100, 0, 0, 7, true, null, 0);

    @Test
    void aRunBackAtItsBaselineWithNothingLostPasses() {
        SoakResult r = result(stats(6L << 20, 45, 18, 50, 50, 0), CLEAN);

        assertThat(r.checks()).allMatch(SoakResult.Check::ok);
        assertThat(r.passed()).isTrue();
        assertThat(SoakResult.backAtBaseline(CONFIG, BASELINE, r.last())).isTrue();
    }

    @Test
    void eachLeakFailsTheCheckThatNamesIt() {
        assertFailsOnly(result(stats((5L << 20) + CONFIG.heapTolerance() + 1, 44, 19, 0, 0, 0), CLEAN), "heap");
        assertFailsOnly(result(stats(5L << 20, 44 + CONFIG.fdTolerance() + 1, 19, 0, 0, 0), CLEAN), "descriptors");
        assertFailsOnly(result(stats(5L << 20, 44, 20, 0, 0, 0), CLEAN), "threads");
    }

    @Test
    void aThreadLeakIsCaughtEvenWhenAnOffLoopThreadOfTheBaselineIdledOut() {
        Map<String, Long> baseline = stats(5L << 20, 44, 19, 0, 0, 0);
        baseline.put("offloop", 1L);
        Map<String, Long> leaked = stats(5L << 20, 44, 19, 0, 0, 0); // off-loop gone, one other thread more
        Map<String, Long> clean = stats(5L << 20, 44, 18, 0, 0, 0);

        assertThat(SoakResult.backAtBaseline(CONFIG, baseline, leaked)).isFalse();
        assertThat(SoakResult.backAtBaseline(CONFIG, baseline, clean)).isTrue();
        assertFailsOnly(result(stats(5L << 20, 44, 19, 50, 49, 0), CLEAN), "cleaned up exactly once");
        assertFailsOnly(result(stats(5L << 20, 44, 19, 50, 50, 1), CLEAN), "cleaned up exactly once");
    }

    @Test
    void aLostMessageOrConnectionFailsTheClientChecks() {
        Map<String, Long> fine = stats(5L << 20, 44, 19, 0, 0, 0);
        assertFailsOnly(result(fine, new SoakClientLoop.Totals(10, 10, 0, true, 100, 99, 0, 20, 180, 180, 0, 5, 100,
                0, 0, 7, false, null, 0)), "echoes");
        assertFailsOnly(result(fine, new SoakClientLoop.Totals(10, 10, 0, true, 100, 100, 0, 20, 179, 180, 0, 5,
                100, 0, 0, 7, false, null, 0)), "chat");
        assertFailsOnly(result(fine, new SoakClientLoop.Totals(10, 9, 1, true, 100, 100, 0, 20, 180, 180, 0, 5, 100,
                0, 0, 7, true, "end of stream", 0)), "stayed connected");
    }

    private static void assertFailsOnly(SoakResult r, String name) {
        assertThat(r.passed()).isFalse();
        assertThat(r.checks()).filteredOn(c -> !c.ok()).extracting(SoakResult.Check::name)
                .singleElement().asString().contains(name);
    }

    private static SoakResult result(Map<String, Long> last, SoakClientLoop.Totals clients) {
        Map<Faults.Kind, AtomicLong> ok = new EnumMap<>(Faults.Kind.class);
        Map<Faults.Kind, AtomicLong> bad = new EnumMap<>(Faults.Kind.class);
        for (Faults.Kind k : Faults.Kind.values()) {
            ok.put(k, new AtomicLong(3));
            bad.put(k, new AtomicLong());
        }
        return new SoakResult(CONFIG, BASELINE, last, clients, List.of(), ok, bad, Map.of(), 0, true, 2, 60, 90);
    }

    private static Map<String, Long> stats(long heap, long fds, long threads, long accepted, long cleanups,
            long doubleCleanups) {
        Map<String, Long> m = new HashMap<>();
        m.put("heap", heap);
        m.put("fds", fds);
        m.put("threads", threads);
        m.put("accepted", accepted);
        m.put("cleanups", cleanups);
        m.put("doubleCleanups", doubleCleanups);
        for (String k : List.of("ongoing", "queued", "doneUnreaped", "rejected", "echoed", "relayed", "streamed",
                "slowClosed", "closed1002", "closed1009", "stallNanos", "offloop")) {
            m.put(k, 0L);
        }
        return m;
    }
}
