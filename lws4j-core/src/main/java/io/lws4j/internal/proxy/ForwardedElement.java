package io.lws4j.internal.proxy;

/**
 * One element of an RFC 7239 {@code Forwarded} field: the parameters one proxy added,
 * such as {@code for="[2001:db8::1]:4711";proto=https;host=example.com}.
 *
 * <p>Grammar (RFC 7239 §4) with two leniencies that cannot change the meaning of a
 * well-formed element: optional whitespace around {@code ;}, and unquoted values that
 * contain {@code :}, {@code [} or {@code ]} (proxies that forget to quote IPv6 nodes).
 * Parameter names compare case-insensitively; a parameter given twice, a {@code for}
 * that is not a node, a {@code proto} that is not a URI scheme, a {@code host} with
 * characters no host can hold, or any other syntax error makes the whole element
 * malformed. Unknown parameters and {@code by} are skipped.
 *
 * <p>Thread-safe: immutable.
 *
 * @param node the {@code for=} node, or null when the element has no {@code for}
 * @param secure {@code TRUE} for {@code proto=https|wss}, {@code FALSE} for
 *     {@code http|ws}, null when absent or another scheme
 * @param host the {@code host=} value, or null when absent
 */
record ForwardedElement(ForwardedNode node, Boolean secure, String host) {

    /** The longest host value accepted: a 255-char name, a colon and a port. */
    private static final int MAX_HOST_CHARS = 261;

    /**
     * Parses {@code text[from, to)}.
     *
     * @param text the field value
     * @param from the element's first char
     * @param to one past its last char
     * @return the element, or null when it is malformed
     */
    static ForwardedElement parse(String text, int from, int to) {
        ForwardedNode node = null;
        Boolean secure = null;
        String host = null;
        boolean seenFor = false;
        boolean seenProto = false;
        boolean seenHost = false;
        boolean seenBy = false;
        int i = from;
        StringBuilder value = new StringBuilder();
        while (true) {
            i = skipWhitespace(text, i, to);
            if (i == to) {
                break;
            }
            if (text.charAt(i) == ';') {
                i++;
                continue;
            }
            int nameStart = i;
            while (i < to && isTokenChar(text.charAt(i))) {
                i++;
            }
            int nameEnd = i;
            if (nameEnd == nameStart || i == to || text.charAt(i) != '=') {
                return null;
            }
            i++;
            value.setLength(0);
            i = readValue(text, i, to, value);
            if (i < 0) {
                return null;
            }
            i = skipWhitespace(text, i, to);
            if (i < to && text.charAt(i) != ';') {
                return null;
            }
            String name = text.substring(nameStart, nameEnd);
            if (name.equalsIgnoreCase("for")) {
                if (seenFor) {
                    return null;
                }
                seenFor = true;
                node = ForwardedNode.parse(value, 0, value.length());
                if (node == null) {
                    return null;
                }
            } else if (name.equalsIgnoreCase("proto")) {
                if (seenProto || !isScheme(value)) {
                    return null;
                }
                seenProto = true;
                secure = secureScheme(value);
            } else if (name.equalsIgnoreCase("host")) {
                if (seenHost || !isHost(value)) {
                    return null;
                }
                seenHost = true;
                host = value.toString();
            } else if (name.equalsIgnoreCase("by")) {
                if (seenBy) {
                    return null;
                }
                seenBy = true;
            }
        }
        return new ForwardedElement(node, secure, host);
    }

    /**
     * Whether the value is a scheme this library serves; {@code TRUE} for the TLS ones.
     *
     * @param scheme a URI scheme, any case
     * @return TRUE, FALSE, or null for a scheme other than http, https, ws and wss
     */
    static Boolean secureScheme(CharSequence scheme) {
        String lower = scheme.toString().toLowerCase(java.util.Locale.ROOT);
        return switch (lower) {
            case "https", "wss" -> Boolean.TRUE;
            case "http", "ws" -> Boolean.FALSE;
            default -> null;
        };
    }

    /** Reads a token-ish or quoted value into {@code out}; returns the index after it or -1. */
    private static int readValue(String text, int i, int to, StringBuilder out) {
        if (i < to && text.charAt(i) == '"') {
            i++;
            while (i < to) {
                char c = text.charAt(i);
                if (c == '"') {
                    return i + 1;
                }
                if (c == '\\') {
                    if (i + 1 == to || !isQuotedPairChar(text.charAt(i + 1))) {
                        return -1;
                    }
                    out.append(text.charAt(i + 1));
                    i += 2;
                    continue;
                }
                if (!isQdText(c)) {
                    return -1;
                }
                out.append(c);
                i++;
            }
            return -1;
        }
        int start = i;
        while (i < to) {
            char c = text.charAt(i);
            if (!isTokenChar(c) && c != ':' && c != '[' && c != ']') {
                break;
            }
            out.append(c);
            i++;
        }
        return i == start ? -1 : i;
    }

    private static int skipWhitespace(String text, int i, int to) {
        while (i < to && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    /** RFC 3986 scheme: {@code ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )}. */
    private static boolean isScheme(CharSequence s) {
        if (s.length() == 0 || !isAlpha(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isAlpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') {
                return false;
            }
        }
        return true;
    }

    /** RFC 7230 Host: reg-name or IP literal and an optional port; checked by character. */
    private static boolean isHost(CharSequence s) {
        if (s.length() == 0 || s.length() > MAX_HOST_CHARS) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = isAlpha(c) || c >= '0' && c <= '9' || "-._~!$&'()*+,;=:[]%".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlpha(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean isTokenChar(char c) {
        return c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }

    private static boolean isQdText(char c) {
        return c == '\t' || c == ' ' || c == 0x21 || c >= 0x23 && c <= 0x5B || c >= 0x5D && c <= 0x7E
                || c >= 0x80 && c <= 0xFF;
    }

    private static boolean isQuotedPairChar(char c) {
        return c == '\t' || c >= 0x20 && c <= 0x7E || c >= 0x80 && c <= 0xFF;
    }
}
