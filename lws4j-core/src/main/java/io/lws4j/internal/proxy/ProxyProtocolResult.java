package io.lws4j.internal.proxy;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * What {@link ProxyProtocolDecoder#decode} answers: more bytes are needed, the header was
 * read, or the connection must be dropped.
 *
 * <p>Thread-safe: every implementation is immutable.
 */
public sealed interface ProxyProtocolResult {

    /** The header is not complete yet; every byte offered was consumed. */
    ProxyProtocolResult NEED_MORE = new NeedMore();

    /** The header is not complete yet. */
    record NeedMore() implements ProxyProtocolResult {
    }

    /**
     * A complete, valid header; the buffer is positioned on the first byte after it.
     *
     * @param version 1 (text) or 2 (binary)
     * @param local true for a v2 LOCAL command: the proxy opened the connection for itself
     *     (a health check), so the connection's own addresses stand
     * @param source the original client, or null when the header does not give an internet
     *     address (LOCAL, v1 {@code UNKNOWN}, v2 {@code UNSPEC} or {@code AF_UNIX}); the
     *     connection's own peer address then stands
     * @param destination the address the client connected to, null exactly when
     *     {@code source} is
     */
    record Proxied(int version, boolean local, InetSocketAddress source,
            InetSocketAddress destination) implements ProxyProtocolResult {

        /**
         * Checks the components agree.
         *
         * @param version 1 or 2
         * @param local whether the command was LOCAL
         * @param source the client or null
         * @param destination the destination or null
         */
        public Proxied {
            if (version != 1 && version != 2) {
                throw new IllegalArgumentException("version must be 1 or 2: " + version);
            }
            if ((source == null) != (destination == null)) {
                throw new IllegalArgumentException("source and destination go together");
            }
        }
    }

    /**
     * The bytes are not a valid PROXY protocol header; the connection must be closed
     * without a response (the peer is not speaking HTTP to us).
     *
     * @param reason what was wrong, for the log
     */
    record Failed(String reason) implements ProxyProtocolResult {

        /**
         * Checks the reason is present.
         *
         * @param reason what was wrong
         */
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
