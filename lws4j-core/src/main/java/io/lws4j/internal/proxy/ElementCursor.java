package io.lws4j.internal.proxy;

import java.util.List;

/**
 * Walks the elements of an RFC 7239 {@code Forwarded} header from the right, one at a time,
 * honouring quoted strings: a comma inside quotes does not end an element, and a quoted
 * string cannot span field lines.
 *
 * <p>Why from the right: each proxy appends its element to whatever it received, so the
 * elements nearest the right end are the ones trusted proxies wrote, and a scan from the
 * left would let a client's unterminated quote swallow them. Scanning leftwards, a quote
 * inside a quoted string ends it unless an odd run of backslashes precedes it (the same
 * quoted-pair reading a left-to-right parser makes); outside quotes any quote starts one.
 * The elements a well-formed suffix holds come out the same whatever stands left of it.
 * Each char is looked at a bounded number of times, and the walk stops when the caller
 * stops asking.
 *
 * <p>Not thread-safe: confined to the resolving call.
 */
final class ElementCursor {

    private final List<String> fields;
    /** The field being walked, or -1 when all are done. */
    private int field;
    /** The end (exclusive) of the unwalked part of the current field; -1 once consumed. */
    private int end;

    private int elementField;
    private int elementStart;
    private int elementEnd;
    private boolean elementUnterminated;

    /**
     * A cursor before the rightmost element.
     *
     * @param fields the field values in wire order
     */
    ElementCursor(List<String> fields) {
        this.fields = fields;
        this.field = fields.size() - 1;
        this.end = field >= 0 ? fields.get(field).length() : -1;
    }

    /**
     * Moves to the next non-empty element leftwards.
     *
     * @return false when there is none
     */
    boolean next() {
        while (field >= 0) {
            String value = fields.get(field);
            if (end < 0) {
                field--;
                end = field >= 0 ? fields.get(field).length() : -1;
                continue;
            }
            boolean quoted = false;
            int i = end - 1;
            while (i >= 0) {
                char c = value.charAt(i);
                if (c == '"') {
                    if (!quoted) {
                        quoted = true;
                    } else {
                        int run = 0;
                        while (i - 1 - run >= 0 && value.charAt(i - 1 - run) == '\\') {
                            run++;
                        }
                        if ((run & 1) == 0) {
                            quoted = false;
                        }
                    }
                } else if (c == ',' && !quoted) {
                    break;
                }
                i--;
            }
            int from = ListEntries.trimStart(value, i + 1, end);
            int to = ListEntries.trimEnd(value, from, end);
            end = i;
            if (from < to) {
                elementField = field;
                elementStart = from;
                elementEnd = to;
                elementUnterminated = quoted;
                return true;
            }
        }
        return false;
    }

    /**
     * The index of the current element's field.
     *
     * @return the field index
     */
    int field() {
        return elementField;
    }

    /**
     * The current element's first char, whitespace trimmed.
     *
     * @return the start offset in its field
     */
    int start() {
        return elementStart;
    }

    /**
     * One past the current element's last char, whitespace trimmed.
     *
     * @return the end offset in its field
     */
    int end() {
        return elementEnd;
    }

    /**
     * Whether the current element runs into the start of its field inside a quoted string
     * (it is then malformed).
     *
     * @return true when a quote was left open
     */
    boolean unterminated() {
        return elementUnterminated;
    }
}
