package io.lws4j.internal.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a request's query string as application/x-www-form-urlencoded pairs
 * ({@code a=1&b=x+y&a=2}), the form lws reads with {@code lws_get_urlarg_by_name}.
 *
 * <p>Rules: pairs are separated by {@code &}; an empty pair ({@code a=1&&b=2}) is skipped; a
 * pair without {@code =} is a name with the empty value; names and values are
 * percent-decoded once as UTF-8, with {@code +} standing for a space. Refusals, each a 400
 * before any upgrade: a malformed escape, decoded bytes that are not UTF-8, or more than
 * {@code maxParams} pairs (the count bounds the map's overhead; the text itself is already
 * bounded by the request head limit).
 *
 * <p>It holds no state.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class QueryParser {

    /** The most query parameters a request may carry unless a caller says otherwise. */
    public static final int DEFAULT_MAX_PARAMS = 256;

    private QueryParser() {
    }

    /**
     * Parses a raw query.
     *
     * @param rawQuery the query after '?', not decoded; null or empty for none
     * @param maxParams the most pairs accepted
     * @return the parameters in order of first appearance, each name with its values in
     *     wire order; the map and its lists are unmodifiable
     * @throws HttpException 400 as described in the class comment
     */
    public static Map<String, List<String>> parse(String rawQuery, int maxParams)
            throws HttpException {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        int count = 0;
        int start = 0;
        int length = rawQuery.length();
        while (start <= length) {
            int amp = rawQuery.indexOf('&', start);
            int end = amp < 0 ? length : amp;
            if (end > start) {
                if (++count > maxParams) {
                    throw new HttpException(400, "more than " + maxParams + " query parameters");
                }
                int eq = rawQuery.indexOf('=', start);
                int nameEnd = eq < 0 || eq > end ? end : eq;
                String name = PercentDecoding.decode(rawQuery, start, nameEnd, true,
                        "query parameter");
                String value = nameEnd == end ? "" : PercentDecoding.decode(rawQuery,
                        nameEnd + 1, end, true, "query parameter");
                params.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
            }
            start = end + 1;
        }
        return freeze(params);
    }

    /** An unmodifiable copy keeping the order, with unmodifiable lists. */
    static Map<String, List<String>> freeze(Map<String, List<String>> map) {
        Map<String, List<String>> frozen = new LinkedHashMap<>(map.size() * 2);
        for (Map.Entry<String, List<String>> e : map.entrySet()) {
            frozen.put(e.getKey(), List.copyOf(e.getValue()));
        }
        return Collections.unmodifiableMap(frozen);
    }
}
