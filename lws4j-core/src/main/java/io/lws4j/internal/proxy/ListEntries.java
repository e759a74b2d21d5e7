package io.lws4j.internal.proxy;

import java.util.List;

/**
 * Comma-separated list helpers for header fields without quoted strings
 * ({@code X-Forwarded-For}, {@code X-Forwarded-Proto}): entries are trimmed of spaces and
 * tabs, and empty entries do not count (RFC 7230 §7).
 *
 * <p>Thread-safe: stateless.
 */
final class ListEntries {

    private ListEntries() {
    }

    /**
     * Counts the non-empty entries of every field.
     *
     * @param fields the field values
     * @return the number of entries
     */
    static int count(List<String> fields) {
        int count = 0;
        for (String field : fields) {
            boolean content = false;
            for (int i = 0; i < field.length(); i++) {
                char c = field.charAt(i);
                if (c == ',') {
                    if (content) {
                        count++;
                    }
                    content = false;
                } else if (c != ' ' && c != '\t') {
                    content = true;
                }
            }
            if (content) {
                count++;
            }
        }
        return count;
    }

    /**
     * The first index in {@code [from, to)} that is not a space or tab, or {@code to}.
     *
     * @param s the text
     * @param from start
     * @param to end
     * @return the trimmed start
     */
    static int trimStart(CharSequence s, int from, int to) {
        while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
            from++;
        }
        return from;
    }

    /**
     * One past the last index in {@code [from, to)} that is not a space or tab, or
     * {@code from}.
     *
     * @param s the text
     * @param from start
     * @param to end
     * @return the trimmed end
     */
    static int trimEnd(CharSequence s, int from, int to) {
        while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
            to--;
        }
        return to;
    }
}
