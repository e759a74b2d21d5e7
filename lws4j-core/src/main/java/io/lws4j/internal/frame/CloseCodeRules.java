package io.lws4j.internal.frame;

/**
 * Which close codes a received close frame may carry.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
final class CloseCodeRules {

    private CloseCodeRules() {
    }

    /**
     * Tells whether a code read from a peer's close frame is acceptable (RFC 6455 section 7.4).
     *
     * <p>Accepted: 1000-1003, 1007-1011 and 3000-4999. Everything else fails the connection
     * with 1002: 0-999 are unused, 1004 is reserved, 1005, 1006 and 1015 must never be sent,
     * and the rest of 1000-2999 is reserved for future standards.
     *
     * <p>1012-1014 are deliberately rejected too, although IANA registered them after RFC
     * 6455 (service restart, try again later, bad gateway): Autobahn|Testsuite 0.5.6, the
     * conformance suite we test against, lists 1012, 1013 and 1014 among the invalid codes of
     * cases 7.9.x and expects a 1002 for them; its valid list (cases 7.7.x) is exactly
     * 1000-1003, 1007-1011, 3000, 3999, 4000 and 4999. Later suite releases moved 1012-1014 to
     * the valid side; revisit this when we move to one. Sending 1013 ourselves is unaffected.
     *
     * @param code the code from the wire, 0-65535
     * @return true when the code may be accepted
     */
    static boolean isAcceptableFromPeer(int code) {
        return (code >= 1000 && code <= 1003)
                || (code >= 1007 && code <= 1011)
                || (code >= 3000 && code <= 4999);
    }
}
