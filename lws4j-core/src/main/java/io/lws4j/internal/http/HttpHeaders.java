package io.lws4j.internal.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The header fields of a request: names compare case-insensitively, a name may occur
 * several times, and the values of one name keep their wire order.
 *
 * <p>Values are stored as received minus leading and trailing whitespace; list-valued
 * headers are not split here, {@link #containsToken} does that on demand.
 *
 * <p>Instances are immutable.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class HttpHeaders {

    private static final HttpHeaders EMPTY = new HttpHeaders(Map.of(), 0);

    /** Lower-cased name to values in wire order; insertion-ordered by first occurrence. */
    private final Map<String, List<String>> byName;
    private final int fieldCount;

    private HttpHeaders(Map<String, List<String>> byName, int fieldCount) {
        this.byName = byName;
        this.fieldCount = fieldCount;
    }

    /**
     * Headers from alternating names and values, for tests and for code that builds a
     * request by hand.
     *
     * @param namesAndValues name, value, name, value ...
     * @return the headers
     * @throws IllegalArgumentException when the argument count is odd
     */
    public static HttpHeaders of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must come in pairs");
        }
        Builder builder = new Builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            builder.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return builder.build();
    }

    /**
     * The first value of a header.
     *
     * @param name the header name, any case
     * @return the first value, or null when the header is absent
     */
    public String first(String name) {
        List<String> values = byName.get(lower(name));
        return values == null ? null : values.get(0);
    }

    /**
     * Every value of a header, in wire order.
     *
     * @param name the header name, any case
     * @return the values (unmodifiable), empty when the header is absent
     */
    public List<String> all(String name) {
        List<String> values = byName.get(lower(name));
        return values == null ? List.of() : values;
    }

    /**
     * How many times a header occurs.
     *
     * @param name the header name, any case
     * @return the number of fields with that name
     */
    public int count(String name) {
        return all(name).size();
    }

    /**
     * Whether any value of a comma-separated list header holds a token, compared
     * case-insensitively after trimming whitespace around each list element
     * (for example {@code Connection: keep-alive, Upgrade} contains {@code upgrade}).
     *
     * @param name the header name, any case
     * @param token the token to look for
     * @return true when the token is one of the list elements
     */
    public boolean containsToken(String name, String token) {
        Objects.requireNonNull(token, "token");
        for (String value : all(name)) {
            for (String element : splitList(value)) {
                if (element.equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The non-empty elements of every value of a comma-separated list header, trimmed, in
     * wire order.
     *
     * @param name the header name, any case
     * @return the elements, empty when the header is absent
     */
    public List<String> listElements(String name) {
        List<String> elements = new ArrayList<>();
        for (String value : all(name)) {
            elements.addAll(splitList(value));
        }
        return elements;
    }

    /**
     * The number of header fields (a repeated name counts each time).
     *
     * @return the field count
     */
    public int size() {
        return fieldCount;
    }

    /**
     * The distinct header names, lower-cased, in order of first occurrence.
     *
     * @return the names (unmodifiable)
     */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpHeaders other && byName.equals(other.byName);
    }

    @Override
    public int hashCode() {
        return byName.hashCode();
    }

    @Override
    public String toString() {
        return byName.toString();
    }

    private static List<String> splitList(String value) {
        List<String> elements = new ArrayList<>(2);
        int start = 0;
        while (start <= value.length()) {
            int comma = value.indexOf(',', start);
            int end = comma < 0 ? value.length() : comma;
            String element = trimOws(value, start, end);
            if (!element.isEmpty()) {
                elements.add(element);
            }
            start = end + 1;
        }
        return elements;
    }

    /** Trims optional whitespace (SP and HTAB, RFC 9110 §5.6.3) and nothing else. */
    private static String trimOws(String s, int from, int to) {
        while (from < to && isOws(s.charAt(from))) {
            from++;
        }
        while (to > from && isOws(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /**
     * Collects fields for one {@link HttpHeaders}.
     *
     * <p>Not thread-safe: instances must not be shared.
     */
    static final class Builder {
        private final Map<String, List<String>> byName = new LinkedHashMap<>();
        private int fieldCount;

        Builder add(String name, String value) {
            Objects.requireNonNull(value, "value");
            byName.computeIfAbsent(lower(Objects.requireNonNull(name, "name")),
                    k -> new ArrayList<>(1)).add(trimOws(value, 0, value.length()));
            fieldCount++;
            return this;
        }

        int fieldCount() {
            return fieldCount;
        }

        HttpHeaders build() {
            if (fieldCount == 0) {
                return EMPTY;
            }
            Map<String, List<String>> frozen = new LinkedHashMap<>();
            byName.forEach((name, values) -> frozen.put(name, List.copyOf(values)));
            return new HttpHeaders(Collections.unmodifiableMap(frozen), fieldCount);
        }
    }
}
