package io.lws4j.jcstress;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.openjdk.jcstress.JCStress;
import org.openjdk.jcstress.Options;
import org.openjdk.jcstress.infra.Status;
import org.openjdk.jcstress.infra.collectors.DiskReadCollector;
import org.openjdk.jcstress.infra.collectors.InProcessCollector;
import org.openjdk.jcstress.infra.collectors.TestResult;

/**
 * Runs jcstress as its {@code Main} does, then fails (exit status 1) when the run proves
 * nothing: no test matched the filter, a selected test produced no result, or any result
 * saw a FORBIDDEN outcome, broke or timed out. jcstress's own {@code Main} exits 0 in all of
 * these cases, so a build that runs it alone cannot fail.
 *
 * <p>Arguments: jcstress's own ({@code -m}, {@code -t}, {@code -r}, {@code -time}, ...).
 *
 * <p>Not thread-safe: a command-line entry point, run once per JVM.
 */
public final class CheckedRun {
    private CheckedRun() {
    }

    /**
     * Runs the selected tests and checks their results.
     *
     * @param args jcstress options
     * @throws Exception when jcstress fails to run
     */
    public static void main(String[] args) throws Exception {
        Options opts = new Options(args);
        if (!opts.parse()) {
            System.exit(2);
        }
        JCStress jcstress = new JCStress(opts);
        SortedSet<String> selected = jcstress.getTests();
        if (opts.shouldList()) {
            selected.forEach(System.out::println);
            return;
        }
        if (selected.isEmpty()) {
            fail("no jcstress test matches the filter " + opts.getTestFilter()
                    + " (were the test classes compiled and the harnesses generated?)");
        }
        jcstress.run();

        InProcessCollector collector = new InProcessCollector();
        DiskReadCollector reader = new DiskReadCollector(opts.getResultFile(), collector);
        try {
            reader.dump();
        } finally {
            reader.close();
        }
        SortedSet<String> ran = new TreeSet<>();
        List<String> failures = new ArrayList<>();
        long samples = 0;
        for (TestResult r : collector.getTestResults()) {
            ran.add(r.getName());
            samples += r.getTotalCount();
            if (r.status() != Status.NORMAL) {
                failures.add(r.getName() + ": " + r.status() + " " + r.getMessages());
            } else if (!r.grading().isPassed) {
                failures.add(r.getName() + ": " + r.grading().failureMessages);
            }
        }
        SortedSet<String> missing = new TreeSet<>(selected);
        missing.removeAll(ran);
        if (!missing.isEmpty()) {
            failures.add("no result for " + missing);
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " jcstress failure(s):\n  " + String.join("\n  ", failures));
        }
        System.out.printf("jcstress: %d tests, %d results, %d samples, no forbidden outcome%n",
                selected.size(), collector.getTestResults().size(), samples);
    }

    private static void fail(String message) {
        System.err.println("jcstress FAILED: " + message);
        System.exit(1);
    }
}
