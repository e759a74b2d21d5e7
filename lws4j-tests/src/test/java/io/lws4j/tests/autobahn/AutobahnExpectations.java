package io.lws4j.tests.autobahn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checked-in list of Autobahn cases whose result is allowed to be something other than
 * OK with a clean, correctly coded close ({@code lws4j-tests/autobahn-expected.txt}). One case
 * per line: {@code CASE  OUTCOME[|OUTCOME...]  reason}, where an outcome is
 * {@code BEHAVIOR} or {@code BEHAVIOR/CLOSE}: {@code BEHAVIOR} is Autobahn's
 * {@code behavior}, {@code CLOSE} its {@code behaviorClose} (the closing handshake's verdict),
 * OK when left out. {@code #} starts a comment. Every case not listed must be OK/OK.
 * A FAILED or UNIMPLEMENTED behaviour can never be expected, nor a WRONG CODE, UNCLEAN or
 * FAILED BY CLIENT close.
 *
 * <p>Not thread-safe: instances must not be shared.
 */
final class AutobahnExpectations {
    /** The behaviours a line may allow. */
    static final Set<String> ALLOWED = Set.of("OK", "NON-STRICT", "INFORMATIONAL");

    /**
     * The closing behaviours a line may allow. FAILED ("the connection was failed by the wrong
     * endpoint") is Autobahn's verdict when its own kill timer fired first: a line allows it
     * only with its reason, for the cases whose fuzzer timing can outlast that timer.
     */
    static final Set<String> ALLOWED_CLOSE = Set.of("OK", "INFORMATIONAL", "FAILED");

    /** A case's result as Autobahn scores it: the behaviour and the closing behaviour. */
    record Outcome(String behavior, String behaviorClose) {
        /** OK with a clean close and an expected close code: every unlisted case's outcome. */
        static final Outcome OK = new Outcome("OK", "OK");

        @Override
        public String toString() {
            return behavior + "/" + behaviorClose;
        }
    }

    /** One listed case. */
    record Entry(String caseId, Set<Outcome> outcomes, String reason, int line) {
    }

    private final Map<String, Entry> entries;

    private AutobahnExpectations(Map<String, Entry> entries) {
        this.entries = entries;
    }

    static AutobahnExpectations parse(Path file) throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String content = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (content.isEmpty()) {
                continue;
            }
            String[] parts = content.split("\\s+", 3);
            String where = file.getFileName() + ":" + (i + 1);
            if (parts.length < 3 || parts[2].isBlank()) {
                throw new IllegalArgumentException(where
                        + ": expected 'CASE BEHAVIOR[/CLOSE][|BEHAVIOR[/CLOSE]] reason', got: "
                        + line);
            }
            Set<Outcome> outcomes = new LinkedHashSet<>();
            for (String alternative : parts[1].split("\\|")) {
                outcomes.add(outcome(alternative, where));
            }
            Entry previous = entries.put(parts[0],
                    new Entry(parts[0], Set.copyOf(outcomes), parts[2].strip(), i + 1));
            if (previous != null) {
                throw new IllegalArgumentException(where + ": case " + parts[0]
                        + " listed twice (first on line " + previous.line() + ")");
            }
        }
        return new AutobahnExpectations(entries);
    }

    private static Outcome outcome(String text, String where) {
        String[] pair = text.split("/", -1);
        if (pair.length > 2) {
            throw new IllegalArgumentException(where + ": outcome " + text
                    + " has more than one '/'");
        }
        String behavior = pair[0];
        String close = pair.length == 2 ? pair[1] : "OK";
        if (!ALLOWED.contains(behavior)) {
            throw new IllegalArgumentException(where + ": behaviour " + behavior
                    + " cannot be expected (allowed: " + ALLOWED + ")");
        }
        if (!ALLOWED_CLOSE.contains(close)) {
            throw new IllegalArgumentException(where + ": closing behaviour " + close
                    + " cannot be expected (allowed: " + ALLOWED_CLOSE + ")");
        }
        return new Outcome(behavior, close);
    }

    /** The outcomes allowed for a case: its line's, or only OK/OK when it is not listed. */
    Set<Outcome> allowed(String caseId) {
        Entry entry = entries.get(caseId);
        return entry == null ? Set.of(Outcome.OK) : entry.outcomes();
    }

    Map<String, Entry> entries() {
        return entries;
    }
}
