package io.lws4j.internal.http;

import io.lws4j.internal.deflate.DeflateParams;
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
     * @param deflate the accepted permessage-deflate parameters, or null when the connection
     *     runs without compression
     * @param acceptKey the {@code Sec-WebSocket-Accept} value of {@code response}, or null
     *     when unknown; needed to build another 101 ({@link HandshakeResponses#accept})
     * @param subprotocol the subprotocol {@code response} names, or null when it names none
     */
    record Accept(ByteBuffer response, String protocolName, DeflateParams deflate,
            String acceptKey, String subprotocol) implements UpgradeDecision {
        /**
         * Checks the response and protocol are present.
         *
         * @param response the 101 response
         * @param protocolName the selected protocol
         * @param deflate the deflate parameters or null
         * @param acceptKey the accept value or null
         * @param subprotocol the named subprotocol or null
         */
        public Accept {
            Objects.requireNonNull(response, "response");
            Objects.requireNonNull(protocolName, "protocolName");
        }

        /**
         * An acceptance whose response cannot be rebuilt.
         *
         * @param response the 101 response
         * @param protocolName the selected protocol
         * @param deflate the deflate parameters or null
         */
        public Accept(ByteBuffer response, String protocolName, DeflateParams deflate) {
            this(response, protocolName, deflate, null, null);
        }

        /**
         * An acceptance without compression.
         *
         * @param response the 101 response
         * @param protocolName the selected protocol
         */
        public Accept(ByteBuffer response, String protocolName) {
            this(response, protocolName, null, null, null);
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
