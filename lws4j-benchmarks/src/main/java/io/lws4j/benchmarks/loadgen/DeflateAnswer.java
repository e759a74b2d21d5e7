package io.lws4j.benchmarks.loadgen;

import io.lws4j.benchmarks.Wire;

/**
 * A server's {@code Sec-WebSocket-Extensions} answer to the generator's bare
 * permessage-deflate offer. We offered no parameters, so the server may add only
 * {@code server_no_context_takeover} (then every message starts a fresh window),
 * {@code client_no_context_takeover} and {@code server_max_window_bits} (the inflater reads
 * any window); anything else, or no answer, refuses the connection.
 *
 * @param refusal why the answer is refused, or null when it is accepted
 * @param serverNoContextTakeover whether the server resets its window after every message
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
record DeflateAnswer(String refusal, boolean serverNoContextTakeover) {

    static DeflateAnswer of(String extensions) {
        if (extensions == null) {
            return refused("server did not accept permessage-deflate (no Sec-WebSocket-Extensions in its 101)");
        }
        String[] parts = extensions.split(";");
        if (parts.length == 0 || !parts[0].trim().equals(Wire.DEFLATE_OFFER) || extensions.contains(",")) {
            return refused("server answered other extensions than permessage-deflate: " + extensions);
        }
        boolean reset = false;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.equals("server_no_context_takeover")) {
                reset = true;
            } else if (!p.equals("client_no_context_takeover") && !p.startsWith("server_max_window_bits")) {
                return refused("server answered a parameter we did not offer: " + extensions);
            }
        }
        return new DeflateAnswer(null, reset);
    }

    private static DeflateAnswer refused(String why) {
        return new DeflateAnswer(why, false);
    }
}
