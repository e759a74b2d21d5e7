package io.lws4j.internal.proxy;

import java.util.List;

/**
 * The positions of the last few elements of an RFC 7239 {@code Forwarded} header, found in
 * one left-to-right scan that honours quoted strings (a comma inside quotes does not end an
 * element; a quoted string cannot span field lines). Only the rightmost {@code limit}
 * non-empty elements are kept, in a ring, so memory is bounded whatever the header's size
 * and time is linear in it.
 *
 * <p>Not thread-safe: confined to the resolving call.
 */
final class ElementSpans {

    private final int[] field;
    private final int[] start;
    private final int[] end;
    private final boolean[] unterminated;
    /** Total elements seen; the ring holds the last {@code min(seen, capacity)}. */
    private int seen;

    private ElementSpans(int capacity) {
        field = new int[capacity];
        start = new int[capacity];
        end = new int[capacity];
        unterminated = new boolean[capacity];
    }

    /**
     * Scans the fields.
     *
     * @param fields the field values in wire order
     * @param limit how many elements to keep, at least 1
     * @return the rightmost elements
     */
    static ElementSpans split(List<String> fields, int limit) {
        ElementSpans spans = new ElementSpans(limit);
        for (int f = 0; f < fields.size(); f++) {
            String value = fields.get(f);
            int elementStart = 0;
            boolean quoted = false;
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (quoted) {
                    if (c == '\\') {
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    spans.add(f, value, elementStart, i, false);
                    elementStart = i + 1;
                }
            }
            spans.add(f, value, elementStart, value.length(), quoted);
        }
        return spans;
    }

    /**
     * How many elements are kept.
     *
     * @return the count, at most the limit
     */
    int count() {
        return Math.min(seen, field.length);
    }

    /**
     * The field index of the {@code k}-th element from the right (0 is the rightmost).
     *
     * @param k 0 to {@code count() - 1}
     * @return the index into the field list
     */
    int field(int k) {
        return field[slot(k)];
    }

    /**
     * The first char of the {@code k}-th element from the right, whitespace trimmed.
     *
     * @param k 0 to {@code count() - 1}
     * @return the start offset
     */
    int start(int k) {
        return start[slot(k)];
    }

    /**
     * One past the last char of the {@code k}-th element from the right, whitespace trimmed.
     *
     * @param k 0 to {@code count() - 1}
     * @return the end offset
     */
    int end(int k) {
        return end[slot(k)];
    }

    /**
     * Whether the {@code k}-th element from the right ends inside an unterminated quoted
     * string (it is then malformed).
     *
     * @param k 0 to {@code count() - 1}
     * @return true when unterminated
     */
    boolean unterminated(int k) {
        return unterminated[slot(k)];
    }

    private int slot(int k) {
        assert k >= 0 && k < count() : k;
        return Math.floorMod(seen - 1 - k, field.length);
    }

    private void add(int fieldIndex, String value, int from, int to, boolean open) {
        int s = ListEntries.trimStart(value, from, to);
        int e = ListEntries.trimEnd(value, s, to);
        if (s == e) {
            return;
        }
        int slot = seen % field.length;
        field[slot] = fieldIndex;
        start[slot] = s;
        end[slot] = e;
        unterminated[slot] = open;
        seen++;
    }
}
