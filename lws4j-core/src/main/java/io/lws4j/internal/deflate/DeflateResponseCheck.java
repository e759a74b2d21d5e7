package io.lws4j.internal.deflate;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The client's half of the permessage-deflate negotiation (RFC 7692 §5 and §7.1): the offer
 * we send and the check of the server's {@code Sec-WebSocket-Extensions} response.
 *
 * <p>The offer is the plain {@code permessage-deflate}, without
 * {@code client_max_window_bits}: java.util.zip's {@code Deflater} always compresses with a
 * 15-bit window, so we could not honour a smaller limit the server might pick. Not offering
 * it forbids the server to send it (§7.1.2.2), and a response that names it anyway fails.
 *
 * <p>The response is accepted when it is absent (no compression), or is exactly one
 * well-formed {@code permessage-deflate} element whose parameters are each at most once
 * among {@code server_no_context_takeover}, {@code client_no_context_takeover} (both without
 * a value) and {@code server_max_window_bits} (8 to 15: our {@code Inflater} reads any window
 * up to 15). Anything else (another extension, two elements, an unknown or repeated
 * parameter, a bad value, a malformed header) is a failed handshake (§5: the client must
 * fail the connection).
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class DeflateResponseCheck {

    /** The {@code Sec-WebSocket-Extensions} value of the client's offer. */
    public static final String OFFER = DeflateParams.EXTENSION_NAME;

    /** The server's response breaks RFC 7692; the message says how. */
    public static final class RefusedResponse extends Exception {
        private static final long serialVersionUID = 1L;

        /**
         * @param message the reason, for the connect failure
         */
        public RefusedResponse(String message) {
            super(message);
        }
    }

    private DeflateResponseCheck() {
    }

    /**
     * Checks the response to our offer.
     *
     * @param fieldValues every {@code Sec-WebSocket-Extensions} value of the response, in wire
     *     order; empty when the header is absent
     * @param offered whether we offered permessage-deflate
     * @return the agreed parameters, or null when the server accepted no extension
     * @throws RefusedResponse when the response must fail the handshake
     */
    public static DeflateParams check(List<String> fieldValues, boolean offered) throws RefusedResponse {
        if (fieldValues.stream().allMatch(v -> v.replace(',', ' ').isBlank())) {
            return null;
        }
        String shown = abbreviate(String.join(", ", fieldValues));
        if (!offered) {
            throw new RefusedResponse("server chose an extension the client did not offer: " + shown);
        }
        List<ExtensionOffer> elements = ExtensionOffer.parseAllStrict(fieldValues);
        if (elements == null) {
            throw new RefusedResponse("malformed Sec-WebSocket-Extensions response: " + shown);
        }
        for (ExtensionOffer e : elements) {
            if (!e.name().equalsIgnoreCase(DeflateParams.EXTENSION_NAME)) {
                throw new RefusedResponse("server chose an extension the client did not offer: "
                        + abbreviate(e.name()));
            }
        }
        if (elements.size() > 1) {
            throw new RefusedResponse("server accepted permessage-deflate " + elements.size()
                    + " times: " + shown);
        }
        return parameters(elements.get(0));
    }

    private static DeflateParams parameters(ExtensionOffer response) throws RefusedResponse {
        boolean serverNoContextTakeover = false;
        boolean clientNoContextTakeover = false;
        int serverMaxWindowBits = 0;
        Set<String> seen = new HashSet<>();
        for (ExtensionOffer.Param p : response.params()) {
            String name = p.name().toLowerCase(Locale.ROOT);
            if (!seen.add(name)) {
                throw new RefusedResponse("permessage-deflate parameter " + name + " given twice");
            }
            switch (name) {
                case "server_no_context_takeover" -> {
                    noValue(p);
                    serverNoContextTakeover = true;
                }
                case "client_no_context_takeover" -> {
                    noValue(p);
                    clientNoContextTakeover = true;
                }
                case "server_max_window_bits" -> {
                    serverMaxWindowBits = DeflateNegotiation.windowBits(p.value());
                    if (serverMaxWindowBits < 0) {
                        throw new RefusedResponse("server_max_window_bits must be 8 to 15: "
                                + abbreviate(String.valueOf(p.value())));
                    }
                }
                case "client_max_window_bits" -> throw new RefusedResponse("server sent "
                        + "client_max_window_bits" + (p.value() == null ? "" : "=" + abbreviate(p.value()))
                        + ", which the client did not offer: java.util.zip compresses with a"
                        + " 15-bit window only, so the client cannot limit its window");
                default -> throw new RefusedResponse("unknown permessage-deflate parameter: "
                        + abbreviate(p.name()));
            }
        }
        return new DeflateParams(serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits);
    }

    private static void noValue(ExtensionOffer.Param p) throws RefusedResponse {
        if (p.value() != null) {
            throw new RefusedResponse(p.name() + " takes no value: " + abbreviate(p.value()));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
