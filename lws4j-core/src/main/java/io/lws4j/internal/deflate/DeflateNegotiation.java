package io.lws4j.internal.deflate;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The server's half of the permessage-deflate negotiation (RFC 7692 §5 and §7.1): picks the
 * first acceptable offer in the client's order and answers it.
 *
 * <p>An offer is declined, and the next one tried, when it has an unknown parameter, a
 * parameter twice, a value where none belongs ({@code *_no_context_takeover}), a missing or
 * invalid window-bits value (a decimal 8 to 15 without leading zeros), or
 * {@code server_max_window_bits} below 15: java.util.zip's {@code Deflater} always uses a
 * 32 KiB window, so we cannot honour a smaller one (§7.1.2.1). Declining never fails the
 * handshake; with no acceptable offer the response simply has no extension.
 *
 * <p>The answer: {@code server_no_context_takeover} when offered or when we request it
 * ourselves; {@code client_no_context_takeover} when offered (the client announced it resets
 * anyway, and we then reset our inflater too); {@code server_max_window_bits=15} when
 * offered with 15; {@code client_max_window_bits} never, which leaves the client at most
 * 15 bits, and our {@code Inflater} reads any window up to 15.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class DeflateNegotiation {

    private static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";
    private static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";
    private static final String SERVER_MAX_WINDOW_BITS = "server_max_window_bits";
    private static final String CLIENT_MAX_WINDOW_BITS = "client_max_window_bits";
    /** java.util.zip always compresses with a 2^15-byte window. */
    private static final int OUR_WINDOW_BITS = 15;

    private DeflateNegotiation() {
    }

    /**
     * Negotiates from the request's {@code Sec-WebSocket-Extensions} values.
     *
     * @param fieldValues every {@code Sec-WebSocket-Extensions} value of the request, in
     *     wire order
     * @param requestServerNoContextTakeover whether we want to reset our compressor after
     *     every message even when the client did not ask
     * @return the accepted parameters, or null when no offer is acceptable
     */
    public static DeflateParams negotiate(List<String> fieldValues,
                                          boolean requestServerNoContextTakeover) {
        for (ExtensionOffer offer : ExtensionOffer.parseAll(fieldValues)) {
            if (offer.name().equalsIgnoreCase(DeflateParams.EXTENSION_NAME)) {
                DeflateParams accepted = accept(offer, requestServerNoContextTakeover);
                if (accepted != null) {
                    return accepted;
                }
            }
        }
        return null;
    }

    /** The answer to one permessage-deflate offer, or null to decline it. */
    static DeflateParams accept(ExtensionOffer offer, boolean requestServerNoContextTakeover) {
        boolean serverNoContextTakeover = requestServerNoContextTakeover;
        boolean clientNoContextTakeover = false;
        int serverMaxWindowBits = 0;
        Set<String> seen = new HashSet<>();
        for (ExtensionOffer.Param p : offer.params()) {
            String name = p.name().toLowerCase(Locale.ROOT);
            if (!seen.add(name)) {
                return null; // §7: a parameter given twice declines the offer
            }
            switch (name) {
                case SERVER_NO_CONTEXT_TAKEOVER -> {
                    if (p.value() != null) {
                        return null;
                    }
                    serverNoContextTakeover = true;
                }
                case CLIENT_NO_CONTEXT_TAKEOVER -> {
                    if (p.value() != null) {
                        return null;
                    }
                    clientNoContextTakeover = true;
                }
                case SERVER_MAX_WINDOW_BITS -> {
                    int bits = windowBits(p.value());
                    if (bits != OUR_WINDOW_BITS) {
                        return null; // invalid, or smaller than java.util.zip can do
                    }
                    serverMaxWindowBits = bits;
                }
                case CLIENT_MAX_WINDOW_BITS -> {
                    if (p.value() != null && windowBits(p.value()) < 0) {
                        return null;
                    }
                    // not answered: the client keeps its default of at most 15 bits
                }
                default -> {
                    return null; // an unknown parameter declines the offer
                }
            }
        }
        return new DeflateParams(serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits);
    }

    /** A window-bits value: 1*DIGIT without leading zeros, 8 to 15; -1 when invalid. */
    static int windowBits(String value) {
        if (value == null || value.isEmpty() || value.length() > 2 || value.charAt(0) == '0') {
            return -1;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return -1;
            }
        }
        int bits = Integer.parseInt(value);
        return bits >= 8 && bits <= 15 ? bits : -1;
    }
}
