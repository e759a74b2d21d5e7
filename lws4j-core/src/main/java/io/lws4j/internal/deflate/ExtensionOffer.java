package io.lws4j.internal.deflate;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One element of a {@code Sec-WebSocket-Extensions} header (RFC 6455 §9.1): an extension
 * name and its parameters in wire order, quoted values already unquoted.
 *
 * <p>Thread-safe: immutable.
 *
 * @param name the extension token, as sent
 * @param params the parameters in wire order; duplicates are kept so negotiation can refuse
 *     them
 */
public record ExtensionOffer(String name, List<Param> params) {

    /**
     * One extension parameter.
     *
     * @param name the parameter token, as sent
     * @param value the value (unquoted), or null when the parameter has none
     */
    public record Param(String name, String value) {
        /**
         * Checks the name.
         *
         * @param name the parameter token
         * @param value the value or null
         */
        public Param {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * Copies the parameters.
     *
     * @param name the extension token
     * @param params the parameters
     */
    public ExtensionOffer {
        Objects.requireNonNull(name, "name");
        params = List.copyOf(params);
    }

    /**
     * Parses the values of every {@code Sec-WebSocket-Extensions} field, in wire order.
     * Elements are separated by commas outside quoted strings; empty elements are skipped
     * (RFC 7230 §7). A malformed element (no name, a parameter that is not a token, a value
     * that is neither a token nor a quoted string whose content is a token, stray
     * characters) is left out, and so is everything after an unterminated quoted string:
     * the negotiation then simply does not see those offers.
     *
     * @param fieldValues the header values
     * @return the well-formed offers in wire order
     */
    public static List<ExtensionOffer> parseAll(List<String> fieldValues) {
        List<ExtensionOffer> offers = new ArrayList<>();
        for (String value : fieldValues) {
            for (String element : splitOutsideQuotes(value, ',')) {
                if (element.isBlank()) {
                    continue;
                }
                ExtensionOffer offer = parseElement(element);
                if (offer != null) {
                    offers.add(offer);
                }
            }
        }
        return offers;
    }

    /**
     * Parses like {@link #parseAll} but refuses malformed input instead of skipping it, for
     * a client checking a server's response, which must be well-formed.
     *
     * @param fieldValues the header values
     * @return the elements in wire order, or null when any element or quoted string is
     *     malformed
     */
    public static List<ExtensionOffer> parseAllStrict(List<String> fieldValues) {
        List<ExtensionOffer> offers = new ArrayList<>();
        for (String value : fieldValues) {
            if (hasUnterminatedQuote(value)) {
                return null;
            }
            for (String element : splitOutsideQuotes(value, ',')) {
                if (element.isBlank()) {
                    continue;
                }
                ExtensionOffer offer = parseElement(element);
                if (offer == null) {
                    return null;
                }
                offers.add(offer);
            }
        }
        return offers;
    }

    private static boolean hasUnterminatedQuote(String text) {
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            }
        }
        return quoted;
    }

    /** One element, or null when malformed. */
    private static ExtensionOffer parseElement(String element) {
        List<String> parts = splitOutsideQuotes(element, ';');
        String name = parts.get(0).strip();
        if (!isToken(name)) {
            return null;
        }
        List<Param> params = new ArrayList<>();
        for (int i = 1; i < parts.size(); i++) {
            Param p = parseParam(parts.get(i).strip());
            if (p == null) {
                return null;
            }
            params.add(p);
        }
        return new ExtensionOffer(name, params);
    }

    private static Param parseParam(String text) {
        int eq = text.indexOf('=');
        if (eq < 0) {
            return isToken(text) ? new Param(text, null) : null;
        }
        String name = text.substring(0, eq).strip();
        String raw = text.substring(eq + 1).strip();
        String value = raw.length() >= 2 && raw.charAt(0) == '"' && raw.charAt(raw.length() - 1) == '"'
                ? unquote(raw.substring(1, raw.length() - 1)) : raw;
        // RFC 6455 §9.1: a quoted value must be a token once unescaped
        return isToken(name) && value != null && isToken(value) ? new Param(name, value) : null;
    }

    /** The content of a quoted string with backslash escapes removed; null when malformed. */
    private static String unquote(String content) {
        StringBuilder sb = new StringBuilder(content.length());
        for (int i = 0; i < content.length(); i++) {
            char c = content.charAt(i);
            if (c == '\\') {
                if (++i == content.length()) {
                    return null;
                }
                c = content.charAt(i);
            } else if (c == '"') {
                return null;
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /**
     * Splits at {@code separator} outside quoted strings. An unterminated quoted string ends
     * the input: the part it starts, and everything after it, is dropped.
     */
    private static List<String> splitOutsideQuotes(String text, char separator) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == separator) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        if (!quoted) {
            parts.add(text.substring(start));
        } else if (parts.isEmpty()) {
            parts.add(""); // nothing usable; callers skip blank parts or fail on them
        } else if (separator == ';') {
            parts.add("\""); // a malformed parameter makes the whole element malformed
        }
        return parts;
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 32 || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }
}
