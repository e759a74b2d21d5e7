package io.lws4j.internal.http;

import io.lws4j.Request;
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
     * @param peer the TCP peer's address, null when unknown
     * @param tls whether the connection runs over TLS
     * @return the request
     * @throws HttpException 400 for a malformed path or query or too many query parameters,
     *     431 for too many cookies
     */
    public static Request from(HttpRequest req, InetSocketAddress peer, boolean tls)
            throws HttpException {
        EffectiveClient client = resolveClient(req, peer, tls);
        Request.Builder b = Request.builder().method(req.method()).target(req.target())
                .peerAddress(peer).clientAddress(client.address()).tls(tls)
                .secure(client.secure());
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
     * The one place where the effective client address and scheme are decided: today the
     * TCP peer and the connection's own TLS. Trusted proxies ({@code Forwarded},
     * {@code X-Forwarded-For}, the PROXY protocol) plug in here.
     *
     * @param req the parsed request head
     * @param peer the TCP peer's address
     * @param tls whether the connection runs over TLS
     * @return the effective client
     */
    public static EffectiveClient resolveClient(HttpRequest req, InetSocketAddress peer,
            boolean tls) {
        return new EffectiveClient(peer, tls);
    }
}
