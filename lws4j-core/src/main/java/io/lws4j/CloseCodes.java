package io.lws4j;

/**
 * Websocket close status codes (RFC 6455 section 7.4) that lws4j sends or checks.
 *
 * <p>Thread-safe: constants only.
 */
public final class CloseCodes {
    /** 1000: the purpose of the connection has been fulfilled. */
    public static final int NORMAL = 1000;
    /** 1001: the server is going away (shutdown) or the page navigated away. */
    public static final int GOING_AWAY = 1001;
    /** 1002: the peer broke the protocol. */
    public static final int PROTOCOL_ERROR = 1002;
    /** 1003: a data type the endpoint cannot accept. */
    public static final int UNSUPPORTED_DATA = 1003;
    /** 1005: reserved; reported locally when a close frame carried no code. Never sent. */
    public static final int NO_STATUS = 1005;
    /** 1006: reserved; reported locally when the connection dropped without a close frame. Never sent. */
    public static final int ABNORMAL = 1006;
    /** 1007: a text message was not valid UTF-8. */
    public static final int INVALID_PAYLOAD = 1007;
    /** 1008: the message violated the endpoint's policy (for example an outbound buffer overrun). */
    public static final int POLICY_VIOLATION = 1008;
    /** 1009: the message is too big to process. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** 1010: the client expected an extension the server did not negotiate. */
    public static final int MANDATORY_EXTENSION = 1010;
    /** 1011: the server met an unexpected condition. */
    public static final int INTERNAL_ERROR = 1011;
    /** 1013: try again later (for example the threadpool's wait queue is full). */
    public static final int TRY_AGAIN_LATER = 1013;

    private CloseCodes() {
    }

    /**
     * Tells whether a code may appear in a close frame on the wire (RFC 6455 section 7.4).
     *
     * @param code the close code
     * @return true for 1000-1003, 1007-1011, 1012-1014 and 3000-4999
     */
    public static boolean isValidOnWire(int code) {
        if (code >= 3000 && code <= 4999) {
            return true;
        }
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014);
    }
}
