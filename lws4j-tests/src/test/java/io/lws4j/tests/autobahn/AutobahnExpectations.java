package io.lws4j.tests.autobahn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The checked-in list of Autobahn cases whose result is allowed to be something other than
 * OK ({@code lws4j-tests/autobahn-expected.txt}). One case per line:
 * {@code CASE  BEHAVIOR[|BEHAVIOR...]  reason}; {@code #} starts a comment. Every case not
 * listed must be OK. FAILED and UNIMPLEMENTED can never be expected.
 *
 * <p>Not thread-safe: instances must not be shared.
 */
final class AutobahnExpectations {
    /** The behaviours a line may allow. */
    static final Set<String> ALLOWED = Set.of("OK", "NON-STRICT", "INFORMATIONAL");

    /** One listed case. */
    record Entry(String caseId, Set<String> behaviors, String reason, int line) {
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
                        + ": expected 'CASE BEHAVIOR[|BEHAVIOR] reason', got: " + line);
            }
            Set<String> behaviors = Arrays.stream(parts[1].split("\\|"))
                    .collect(Collectors.toUnmodifiableSet());
            for (String behavior : behaviors) {
                if (!ALLOWED.contains(behavior)) {
                    throw new IllegalArgumentException(where + ": behaviour " + behavior
                            + " cannot be expected (allowed: " + ALLOWED + ")");
                }
            }
            Entry previous = entries.put(parts[0],
                    new Entry(parts[0], behaviors, parts[2].strip(), i + 1));
            if (previous != null) {
                throw new IllegalArgumentException(where + ": case " + parts[0]
                        + " listed twice (first on line " + previous.line() + ")");
            }
        }
        return new AutobahnExpectations(entries);
    }

    /** The behaviours allowed for a case: its line's, or only OK when it is not listed. */
    Set<String> allowed(String caseId) {
        Entry entry = entries.get(caseId);
        return entry == null ? Set.of("OK") : entry.behaviors();
    }

    Map<String, Entry> entries() {
        return entries;
    }
}
