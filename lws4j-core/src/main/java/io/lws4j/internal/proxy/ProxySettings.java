package io.lws4j.internal.proxy;

import java.util.Objects;

/**
 * A context's trusted-proxy settings, fixed when the context is built: the trusted ranges,
 * parsed once into a {@link CidrSet}, and whether the listener expects a PROXY protocol
 * header first on every connection.
 *
 * <p>Thread-safe: immutable.
 *
 * @param trusted the proxies whose forwarding headers and PROXY headers are believed
 * @param proxyProtocol whether every accepted connection must start with a PROXY protocol
 *     v1 or v2 header
 */
public record ProxySettings(CidrSet trusted, boolean proxyProtocol) {

    /** No trusted proxies, no PROXY protocol: the TCP peer is the client. */
    public static final ProxySettings NONE = new ProxySettings(CidrSet.empty(), false);

    /**
     * Checks the set is present.
     *
     * @param trusted the trusted ranges
     * @param proxyProtocol whether the PROXY protocol is expected
     */
    public ProxySettings {
        Objects.requireNonNull(trusted, "trusted");
    }

    /**
     * Whether a TCP peer may send a PROXY protocol header: any peer when no proxy is
     * trusted (the listener is then assumed reachable only by the proxy), else only a
     * trusted one.
     *
     * @param peer the socket's peer address, null when unknown
     * @return true when its PROXY header is to be read
     */
    public boolean mayProxy(java.net.InetSocketAddress peer) {
        if (trusted.isEmpty()) {
            return true;
        }
        return peer != null && peer.getAddress() != null && trusted.contains(peer.getAddress());
    }
}
