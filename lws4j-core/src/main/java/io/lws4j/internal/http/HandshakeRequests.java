package io.lws4j.internal.http;

import io.lws4j.Request;
import io.lws4j.internal.proxy.CidrSet;
import io.lws4j.internal.proxy.ForwardedClient;
import io.lws4j.internal.proxy.ForwardedHeaders;
import java.net.InetSocketAddress;

/**
 * Turns a parsed upgrade request into the public {@link Request}: parses the path, the query
 * and the cookies once (refusing malformed or oversized ones with their HTTP status), and
 * resolves the effective client address and scheme.
 *
 * <p>It holds no state.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class HandshakeRequests {

    private HandshakeRequests() {
    }

    /**
     * The client as far as this server can trust it.
     *
     * @param address the effective client address (null when unknown)
     * @param secure whether the client's scheme is wss
     */
    public record EffectiveClient(InetSocketAddress address, boolean secure) {
    }

    /**
     * Builds the request.
     *
     * @param req the parsed request head
     * @param peer the connection's peer: the PROXY header's source when there was one,
     *     else the TCP peer; null when unknown
     * @param socketPeer the TCP peer, null when unknown
     * @param tls whether the connection runs over TLS
     * @param trusted the trusted proxies, whose forwarding headers are believed
     * @param limits the query parameter and cookie bounds
     * @return the request
     * @throws HttpException 400 for a malformed path or query or too many query parameters,
     *     431 for too many cookies
     */
    public static Request from(HttpRequest req, InetSocketAddress peer,
            InetSocketAddress socketPeer, boolean tls, CidrSet trusted, HttpLimits limits)
            throws HttpException {
        EffectiveClient client = resolveClient(req, peer, tls, trusted);
        Request.Builder b = Request.builder().method(req.method()).target(req.target())
                .peerAddress(peer).socketPeerAddress(socketPeer)
                .clientAddress(client.address()).tls(tls).secure(client.secure())
                .maxQueryParameters(limits.maxQueryParameters()).maxCookies(limits.maxCookies());
        for (String name : req.headers().names()) {
            for (String value : req.headers().all(name)) {
                b.header(name, value);
            }
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            if (e.getCause() instanceof HttpException http) {
                throw http;
            }
            throw new HttpException(400, e.getMessage());
        }
    }

    /**
     * The one place where the effective client address and scheme are decided: the peer
     * and the connection's own TLS, unless the peer is a trusted proxy whose
     * {@code Forwarded} or {@code X-Forwarded-For} and {@code X-Forwarded-Proto} headers
     * name the client ({@link ForwardedHeaders#resolve}; never throws on their content).
     *
     * @param req the parsed request head
     * @param peer the connection's peer (after any PROXY header), null when unknown: then
     *     no header is believed
     * @param tls whether the connection runs over TLS
     * @param trusted the trusted proxies
     * @return the effective client
     */
    public static EffectiveClient resolveClient(HttpRequest req, InetSocketAddress peer,
            boolean tls, CidrSet trusted) {
        if (peer == null || trusted.isEmpty()) {
            return new EffectiveClient(peer, tls);
        }
        HttpHeaders headers = req.headers();
        ForwardedClient client = ForwardedHeaders.resolve(peer, tls, headers::all, trusted);
        return new EffectiveClient(client.address(), client.secure());
    }
}
