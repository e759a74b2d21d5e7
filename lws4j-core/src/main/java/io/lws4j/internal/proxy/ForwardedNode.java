package io.lws4j.internal.proxy;

/**
 * One hop's identity in a forwarding header: an RFC 7239 {@code node} (the value of
 * {@code for=}) or an {@code X-Forwarded-For} entry.
 *
 * <p>Accepted forms: {@code 192.0.2.7}, {@code 192.0.2.7:4711}, {@code [2001:db8::1]},
 * {@code [2001:db8::1]:4711}, a bare {@code 2001:db8::1} (common in X-Forwarded-For, and
 * unambiguous since it has several colons), {@code unknown}, and obfuscated identifiers
 * {@code _hidden} with an optional obfuscated port {@code :_p1}. Host names are not
 * accepted, so nothing here can lead to a DNS lookup.
 *
 * <p>Thread-safe: immutable.
 *
 * @param address the 16-byte address (see {@link IpLiterals}), or null when the hop is
 *     {@code unknown} or obfuscated
 * @param port the port, 0 when absent or obfuscated
 */
record ForwardedNode(byte[] address, int port) {

    /** A hop that chose not to reveal itself ({@code unknown} or {@code _obfuscated}). */
    static final ForwardedNode HIDDEN = new ForwardedNode(null, 0);

    /**
     * Parses {@code text[from, to)}, already unquoted and trimmed.
     *
     * @param text the text
     * @param from the first char
     * @param to one past the last char
     * @return the node, {@link #HIDDEN}, or null when the text is not a node
     */
    static ForwardedNode parse(CharSequence text, int from, int to) {
        if (from >= to) {
            return null;
        }
        char first = text.charAt(from);
        if (first == '[') {
            int close = indexOf(text, ']', from, to);
            if (close < 0) {
                return null;
            }
            byte[] address = IpLiterals.parse(text, from + 1, close);
            if (address == null || indexOf(text, ':', from + 1, close) < 0) {
                return null;
            }
            return withPort(address, text, close + 1, to);
        }
        int colon = indexOf(text, ':', from, to);
        if (colon >= 0 && indexOf(text, ':', colon + 1, to) >= 0) {
            byte[] address = IpLiterals.parse(text, from, to);
            return address == null ? null : new ForwardedNode(address, 0);
        }
        int hostEnd = colon < 0 ? to : colon;
        if (first == '_') {
            if (!isObfuscated(text, from, hostEnd)) {
                return null;
            }
            return withPort(null, text, hostEnd, to);
        }
        if (hostEnd - from == 7 && regionMatchesIgnoreCase(text, from, "unknown")) {
            return withPort(null, text, hostEnd, to);
        }
        byte[] address = IpLiterals.parse(text, from, hostEnd);
        if (address == null || !IpLiterals.isIpv4Mapped(address)) {
            return null;
        }
        return withPort(address, text, hostEnd, to);
    }

    /** Parses an optional {@code ":" port} at {@code text[at, to)}. */
    private static ForwardedNode withPort(byte[] address, CharSequence text, int at, int to) {
        int port = 0;
        if (at < to) {
            if (text.charAt(at) != ':') {
                return null;
            }
            int digits = to - at - 1;
            if (digits >= 1 && text.charAt(at + 1) == '_') {
                if (!isObfuscated(text, at + 1, to)) {
                    return null;
                }
            } else {
                if (digits < 1 || digits > 5) {
                    return null;
                }
                for (int i = at + 1; i < to; i++) {
                    char c = text.charAt(i);
                    if (c < '0' || c > '9') {
                        return null;
                    }
                    port = port * 10 + (c - '0');
                }
                if (port > 65535) {
                    return null;
                }
            }
        }
        return address == null ? HIDDEN : new ForwardedNode(address, port);
    }

    /** {@code "_" 1*( ALPHA / DIGIT / "." / "_" / "-" )} (RFC 7239 §6.3). */
    private static boolean isObfuscated(CharSequence text, int from, int to) {
        if (to - from < 2 || text.charAt(from) != '_') {
            return false;
        }
        for (int i = from + 1; i < to; i++) {
            char c = text.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(CharSequence text, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    private static boolean regionMatchesIgnoreCase(CharSequence text, int from, String lower) {
        for (int i = 0; i < lower.length(); i++) {
            char c = text.charAt(from + i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
