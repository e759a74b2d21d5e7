package io.lws4j.tests.autobahn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Holds the Autobahn|Testsuite report that the {@code autobahn-fuzzingclient} execution has
 * just written (its {@code index.json}) to {@code autobahn-expected.txt}: every case ran, every
 * case not listed there is OK with a closing behaviour of OK, every listed case has one of its listed behaviours, and no
 * listed case is missing from the report. Prints the result table.
 *
 * <p>Not thread-safe: instances must not be shared.
 */
class AutobahnReportIT {
    /** Categories 1 to 10 of Autobahn|Testsuite 0.5.6 (12.* and 13.* are excluded). */
    private static final int EXPECTED_CASES = 301;

    private static Path reportDir() {
        return Path.of(System.getProperty("lws4j.autobahn.reportDir",
                "../target/autobahntestsuite-reports"));
    }

    private static Path expectedFile() {
        return Path.of(System.getProperty("lws4j.autobahn.expected", "autobahn-expected.txt"));
    }

    /** A case's result as index.json records it. */
    record CaseResult(String id, String behavior, String behaviorClose, long durationMs,
            String reportFile) {
        /** The pair the expectations are written in. */
        AutobahnExpectations.Outcome outcome() {
            return new AutobahnExpectations.Outcome(behavior, behaviorClose);
        }
    }

    @Test
    void everyCaseMatchesTheCheckedInExpectations() throws IOException {
        Path index = reportDir().resolve("index.json");
        assertTrue(Files.isRegularFile(index), "no Autobahn report at " + index.toAbsolutePath()
                + " (did the autobahn-fuzzingclient execution run?)");
        List<CaseResult> results = read(index);
        AutobahnExpectations expectations = AutobahnExpectations.parse(expectedFile());

        String table = table(results);
        System.out.println(table);
        Files.writeString(reportDir().resolve("summary.txt"), table);

        boolean fullRun = System.getProperty("lws4j.autobahn.cases", "*").equals("*");
        List<String> problems = differences(results, expectations, expectedFile(), reportDir(),
                fullRun);
        if (fullRun) {
            assertEquals(EXPECTED_CASES, results.size(), "cases in the report\n" + table);
        } else {
            assertTrue(!results.isEmpty(), "no cases in the report\n" + table);
        }
        assertTrue(problems.isEmpty(), "Autobahn results differ from "
                + expectedFile().toAbsolutePath() + ":\n  " + String.join("\n  ", problems)
                + "\n" + table);
    }

    /**
     * What in a report differs from the expectations: a case whose behaviour and closing
     * behaviour (a wrong close code, an unclean or missing closing handshake) its line (or
     * OK/OK) does not allow, and, when every case ran, a listed case missing from the report.
     *
     * @param fullRun whether every case was meant to run (no {@code -Dautobahn.cases})
     * @return one line per difference, empty when the report matches
     */
    static List<String> differences(List<CaseResult> results, AutobahnExpectations expectations,
            Path expectedFile, Path reportDir, boolean fullRun) {
        List<String> problems = new ArrayList<>();
        Map<String, CaseResult> byId = new TreeMap<>();
        for (CaseResult result : results) {
            byId.put(result.id(), result);
            Set<AutobahnExpectations.Outcome> allowed = expectations.allowed(result.id());
            if (!allowed.contains(result.outcome())) {
                problems.add(result.id() + ": " + result.outcome() + " (behaviour/close), expected "
                        + allowed.stream().map(Object::toString).sorted()
                                .collect(Collectors.joining("|"))
                        + "; see " + reportDir.resolve(result.reportFile()).toString()
                                .replace(".json", ".html"));
            }
        }
        for (AutobahnExpectations.Entry entry : expectations.entries().values()) {
            if (fullRun && !byId.containsKey(entry.caseId())) {
                problems.add(entry.caseId() + ": listed in " + expectedFile.getFileName()
                        + " line " + entry.line() + " but not in the report");
            }
        }
        return problems;
    }

    static List<CaseResult> read(Path index) throws IOException {
        JsonObject root = JsonParser.parseString(Files.readString(index)).getAsJsonObject();
        List<CaseResult> results = new ArrayList<>();
        for (Map.Entry<String, JsonElement> agent : root.entrySet()) {
            for (Map.Entry<String, JsonElement> c : agent.getValue().getAsJsonObject().entrySet()) {
                JsonObject o = c.getValue().getAsJsonObject();
                results.add(new CaseResult(c.getKey(), o.get("behavior").getAsString(),
                        o.get("behaviorClose").getAsString(), o.get("duration").getAsLong(),
                        o.get("reportfile").getAsString()));
            }
        }
        results.sort(Comparator.comparing(CaseResult::id, AutobahnReportIT::compareCaseIds));
        return results;
    }

    /** Counts by behaviour and time by category: the figures a CI log should show. */
    static String table(List<CaseResult> results) {
        Map<String, Integer> counts = new TreeMap<>();
        Map<Integer, long[]> categories = new TreeMap<>();
        for (CaseResult r : results) {
            counts.merge(r.behavior(), 1, Integer::sum);
            int category = Integer.parseInt(r.id().substring(0, r.id().indexOf('.')));
            long[] c = categories.computeIfAbsent(category, k -> new long[2]);
            c[0]++;
            c[1] += r.durationMs();
        }
        StringBuilder sb = new StringBuilder("Autobahn|Testsuite results (").append(results.size())
                .append(" cases)\n");
        for (String behavior : List.of("OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED",
                "FAILED")) {
            sb.append(String.format("  %-14s %4d%n", behavior, counts.getOrDefault(behavior, 0)));
        }
        counts.keySet().stream()
                .filter(b -> !List.of("OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED",
                        "FAILED").contains(b))
                .forEach(b -> sb.append(String.format("  %-14s %4d%n", b, counts.get(b))));
        sb.append("  category  cases  case time (s)\n");
        long total = 0;
        for (Map.Entry<Integer, long[]> e : categories.entrySet()) {
            sb.append(String.format("  %8d  %5d  %8.1f%n", e.getKey(), e.getValue()[0],
                    e.getValue()[1] / 1000.0));
            total += e.getValue()[1];
        }
        sb.append(String.format("  %8s  %5d  %8.1f%n", "all", results.size(), total / 1000.0));
        results.stream().sorted(Comparator.comparingLong(CaseResult::durationMs).reversed())
                .limit(5).forEach(r -> sb.append(String.format("  slow: %-8s %6.1f s%n", r.id(),
                        r.durationMs() / 1000.0)));
        results.stream().filter(r -> !r.outcome().equals(AutobahnExpectations.Outcome.OK))
                .forEach(r -> sb.append("  not OK: ").append(r.id()).append(' ')
                        .append(r.behavior()).append(" (close ").append(r.behaviorClose())
                        .append(")\n"));
        return sb.toString();
    }

    /** Orders "9.10.2" after "9.2.1": numerically, part by part. */
    static int compareCaseIds(String a, String b) {
        String[] pa = a.split("\\.");
        String[] pb = b.split("\\.");
        for (int i = 0; i < Math.min(pa.length, pb.length); i++) {
            int c = Integer.compare(Integer.parseInt(pa[i]), Integer.parseInt(pb[i]));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(pa.length, pb.length);
    }
}
