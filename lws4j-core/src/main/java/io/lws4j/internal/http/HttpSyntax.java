package io.lws4j.internal.http;

/**
 * Character classes of RFC 9110 / 9112 used by the parser and the handshake.
 *
 * <p>It holds no state.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
final class HttpSyntax {

    private static final String TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~";

    private HttpSyntax() {
    }

    /** A token character (RFC 9110 §5.6.2). */
    static boolean isTokenChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || (c < 128 && c > 32 && TCHAR_SYMBOLS.indexOf(c) >= 0);
    }

    /** Whether a non-empty string consists of token characters only. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTokenChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** A byte allowed in a field value: VCHAR, obs-text, SP or HTAB (RFC 9110 §5.5). */
    static boolean isFieldValueByte(int b) {
        int c = b & 0xFF;
        return c == ' ' || c == '\t' || (c > 32 && c != 127);
    }

    /** A byte allowed in a request target: visible ASCII (RFC 3986 characters, leniently). */
    static boolean isTargetByte(int b) {
        int c = b & 0xFF;
        return c > 32 && c < 127;
    }

    static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    static boolean isAlpha(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static boolean isHexDigit(int c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /**
     * Whether a Host value is {@code uri-host [ ":" port ]} (RFC 9110 §7.2), checked at the
     * character level: unreserved, percent-encoded, sub-delims, ':' and the brackets of an
     * IP literal. An empty value is allowed (RFC 9112 §3.2). The sub-delim ',' is
     * refused: in a Host value it can only mean two hosts folded into one field.
     */
    static boolean isHostValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = isAlpha(c) || isDigit(c) || "-._~%!$&'()*+;=:[]".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
