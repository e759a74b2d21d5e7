package io.lws4j.internal.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the {@code Cookie} request header fields (RFC 6265 §4.2 and §5.4) into name and
 * value pairs, the data lws reads with {@code lws_http_cookie_get}.
 *
 * <p>Rules, lenient as browsers are: every {@code Cookie} field is split at {@code ;}; each
 * piece is trimmed of spaces and tabs and split at its first {@code =}; a piece without
 * {@code =} or with an empty name is skipped, as is a name holding a character that is not
 * a token character; a value wrapped in double quotes loses them. Values are not decoded
 * (cookies have no percent-encoding of their own). A name may repeat (cookies of the same
 * name for different paths); its values keep the order of the fields. Refusal: more than
 * {@code maxCookies} pairs is 431 before any upgrade (the count bounds the map's overhead;
 * the text itself is already bounded by the request head limit).
 *
 * <p>It holds no state.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class CookieParser {

    /** The most cookies a request may carry unless a caller says otherwise. */
    public static final int DEFAULT_MAX_COOKIES = 128;

    private CookieParser() {
    }

    /**
     * Parses every {@code Cookie} field of a request.
     *
     * @param fields the field values in wire order
     * @param maxCookies the most pairs accepted
     * @return the cookies in order of first appearance; the map and its lists are
     *     unmodifiable
     * @throws HttpException 431 when there are more than {@code maxCookies}
     */
    public static Map<String, List<String>> parse(List<String> fields, int maxCookies)
            throws HttpException {
        if (fields.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> cookies = new LinkedHashMap<>();
        int count = 0;
        for (String field : fields) {
            int start = 0;
            int length = field.length();
            while (start < length) {
                int semi = field.indexOf(';', start);
                int end = semi < 0 ? length : semi;
                int eq = field.indexOf('=', start);
                if (eq >= 0 && eq < end) {
                    String name = trim(field, start, eq);
                    String value = unquote(trim(field, eq + 1, end));
                    if (HttpSyntax.isToken(name)) {
                        if (++count > maxCookies) {
                            throw new HttpException(431, "more than " + maxCookies + " cookies");
                        }
                        cookies.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
                    }
                }
                start = end + 1;
            }
        }
        return QueryParser.freeze(cookies);
    }

    private static String trim(String s, int from, int to) {
        while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
            from++;
        }
        while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
            to--;
        }
        return s.substring(from, to);
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
