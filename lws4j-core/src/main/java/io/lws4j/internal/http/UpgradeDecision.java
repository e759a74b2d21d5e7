package io.lws4j.internal.http;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The outcome of a websocket upgrade request: switch protocols, or answer with an error
 * and close.
 *
 * <p>Decisions are immutable, but the positions of their buffers belong to the loop that
 * writes them.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public sealed interface UpgradeDecision {

    /**
     * Upgrade the connection.
     *
     * @param response the complete 101 response, ready to read
     * @param protocolName the registered protocol that serves the connection (the one the
     *     client chose, else the default)
     */
    record Accept(ByteBuffer response, String protocolName) implements UpgradeDecision {
        /**
         * Checks both parts are present.
         *
         * @param response the 101 response
         * @param protocolName the selected protocol
         */
        public Accept {
            Objects.requireNonNull(response, "response");
            Objects.requireNonNull(protocolName, "protocolName");
        }
    }

    /**
     * Refuse the upgrade: send the response, then close.
     *
     * @param response a complete error response with {@code Connection: close}
     */
    record Reject(HttpResponse response) implements UpgradeDecision {
        /**
         * Checks the response is present.
         *
         * @param response the error response
         */
        public Reject {
            Objects.requireNonNull(response, "response");
        }
    }
}
