package io.lws4j.internal.deflate;

/**
 * The agreed permessage-deflate parameters of one connection (RFC 7692 §7.1).
 *
 * <p>Thread-safe: immutable.
 *
 * @param serverNoContextTakeover the server resets its compressor after every message
 * @param clientNoContextTakeover the client resets its compressor after every message
 * @param serverMaxWindowBits the server window bits named in the response, or 0 when the
 *     response names none (the server then uses up to 15, as java.util.zip always does)
 */
public record DeflateParams(boolean serverNoContextTakeover, boolean clientNoContextTakeover,
                            int serverMaxWindowBits) {

    /** The extension token. */
    public static final String EXTENSION_NAME = "permessage-deflate";

    /**
     * Checks the window bits.
     *
     * @param serverNoContextTakeover see the record
     * @param clientNoContextTakeover see the record
     * @param serverMaxWindowBits 0 or 8 to 15
     */
    public DeflateParams {
        if (serverMaxWindowBits != 0 && (serverMaxWindowBits < 8 || serverMaxWindowBits > 15)) {
            throw new IllegalArgumentException("window bits out of range: " + serverMaxWindowBits);
        }
    }

    /**
     * The {@code Sec-WebSocket-Extensions} response value naming exactly these parameters.
     *
     * @return for example {@code permessage-deflate; client_no_context_takeover}
     */
    public String responseValue() {
        StringBuilder sb = new StringBuilder(EXTENSION_NAME);
        if (serverNoContextTakeover) {
            sb.append("; server_no_context_takeover");
        }
        if (clientNoContextTakeover) {
            sb.append("; client_no_context_takeover");
        }
        if (serverMaxWindowBits != 0) {
            sb.append("; server_max_window_bits=").append(serverMaxWindowBits);
        }
        return sb.toString();
    }

    /**
     * Whether the compressor of the given side resets after every message.
     *
     * @param server true for the server's sending direction, false for the client's
     * @return the matching no-context-takeover flag
     */
    public boolean noContextTakeover(boolean server) {
        return server ? serverNoContextTakeover : clientNoContextTakeover;
    }
}
