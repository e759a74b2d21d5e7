package io.lws4j.internal.proxy;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The client as a request's forwarding headers describe it, once trusted proxies are
 * taken off (see {@link ForwardedHeaders#resolve}).
 *
 * <p>Thread-safe: immutable.
 *
 * @param address the effective client address; its port is 0 when the headers named the
 *     client without a port (or with an obfuscated one)
 * @param secure whether the client's own connection used TLS ({@code https}/{@code wss})
 * @param host the {@code host=} the client asked for, from {@code Forwarded}, or null
 * @param source which header gave {@link #address}
 */
public record ForwardedClient(InetSocketAddress address, boolean secure, String host, Source source) {

    /** Where the effective address came from. */
    public enum Source {
        /** The TCP peer itself: the peer is not trusted, or the headers named no usable hop. */
        PEER,
        /** An RFC 7239 {@code Forwarded} element. */
        FORWARDED,
        /** An {@code X-Forwarded-For} entry. */
        X_FORWARDED_FOR
    }

    /**
     * Checks the components are present.
     *
     * @param address the effective client address
     * @param secure whether the client used TLS
     * @param host the forwarded host or null
     * @param source where the address came from
     */
    public ForwardedClient {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(source, "source");
    }

    /**
     * The scheme the client used.
     *
     * @param websocket true for {@code ws}/{@code wss}, false for {@code http}/{@code https}
     * @return the scheme name
     */
    public String scheme(boolean websocket) {
        if (websocket) {
            return secure ? "wss" : "ws";
        }
        return secure ? "https" : "http";
    }
}
