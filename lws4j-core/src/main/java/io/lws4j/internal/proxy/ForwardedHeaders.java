package io.lws4j.internal.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Function;

/**
 * Finds a request's effective client address and scheme from {@code Forwarded} (RFC 7239)
 * or, when that is absent, {@code X-Forwarded-For} and {@code X-Forwarded-Proto}, trusting
 * them only as far as the configured proxies reach.
 *
 * <p>The rule: if the TCP peer is not a trusted proxy, the headers are ignored. Otherwise
 * the hops are walked from the right (each proxy appends the address it received the
 * request from), skipping trusted proxies, and the first hop that is not trusted is the
 * client. Everything left of it was written by the client or by proxies nobody vouches for
 * and is never read, so a client cannot spoof its address by sending the headers itself,
 * nor hide behind the proxy by sending garbage: a proxy appends the client's real address
 * to the right of whatever the client sent.
 *
 * <p>Where the walk cannot go on, the last address known to have reached a trusted proxy
 * is the client: the peer itself when the hop written by the peer is malformed, or the
 * nearest trusted proxy when a further hop is malformed, {@code unknown}, obfuscated
 * ({@code _hidden}) or a {@code Forwarded} element without {@code for}. A walk that finds
 * only trusted hops ends at the leftmost one. At most {@link #MAX_HOPS} hops are examined;
 * a walk that reaches the limit on trusted hops ends at the last one examined.
 *
 * <p>Scheme: starts as the connection's own (TLS or not). With {@code Forwarded}, each
 * examined element's {@code proto=} (http, https, ws or wss; other schemes are ignored)
 * replaces it, so the element naming the client wins. With {@code X-Forwarded-Proto}, when
 * both headers have the same number of entries, the entry aligned with the
 * {@code X-Forwarded-For} entry that gave the address (none when the address is the peer's
 * own: the connection's scheme stands); otherwise the leftmost entry, which the proxy
 * nearest the client set. Host: the {@code host=} of the examined element nearest the
 * client that has one.
 *
 * <p>Never throws on header content, whatever it holds. Hops are read from the right end
 * and the walk stops after {@link #MAX_HOPS}; only {@code X-Forwarded-*} entries are also
 * counted once over the whole header (to align the two headers), so work is at most linear
 * in the header length and nothing is kept per entry.
 *
 * <p>Thread-safe: stateless.
 */
public final class ForwardedHeaders {

    /** The most hops examined from the right. */
    public static final int MAX_HOPS = 32;

    private ForwardedHeaders() {
    }

    /**
     * Resolves the effective client.
     *
     * @param peer the TCP peer (after any PROXY protocol header); unresolved addresses are
     *     never trusted
     * @param tls whether the connection to us uses TLS
     * @param headers the request's header values by name, any case (for example
     *     {@code HttpHeaders::all}); an absent header gives an empty list or null
     * @param trusted the trusted proxies
     * @return the effective client; the peer and {@code tls} when the headers do not apply
     */
    public static ForwardedClient resolve(InetSocketAddress peer, boolean tls,
            Function<String, List<String>> headers, CidrSet trusted) {
        ForwardedClient direct = new ForwardedClient(peer, tls, null, ForwardedClient.Source.PEER);
        InetAddress peerAddress = peer.getAddress();
        if (peerAddress == null || !trusted.contains(peerAddress)) {
            return direct;
        }
        List<String> forwarded = values(headers, "Forwarded");
        if (!forwarded.isEmpty()) {
            return fromForwarded(direct, forwarded, trusted);
        }
        List<String> forwardedFor = values(headers, "X-Forwarded-For");
        List<String> forwardedProto = values(headers, "X-Forwarded-Proto");
        if (forwardedFor.isEmpty() && forwardedProto.isEmpty()) {
            return direct;
        }
        return fromXForwarded(direct, forwardedFor, forwardedProto, trusted);
    }

    private static List<String> values(Function<String, List<String>> headers, String name) {
        List<String> values = headers.apply(name);
        return values == null ? List.of() : values;
    }

    private static ForwardedClient fromForwarded(ForwardedClient direct, List<String> fields,
            CidrSet trusted) {
        ElementCursor cursor = new ElementCursor(fields);
        InetSocketAddress known = direct.address();
        ForwardedClient.Source source = ForwardedClient.Source.PEER;
        boolean secure = direct.secure();
        String host = null;
        for (int examined = 0; examined < MAX_HOPS && cursor.next(); examined++) {
            ForwardedElement element = cursor.unterminated() ? null
                    : ForwardedElement.parse(fields.get(cursor.field()), cursor.start(), cursor.end());
            if (element == null) {
                break;
            }
            if (element.secure() != null) {
                secure = element.secure();
            }
            if (element.host() != null) {
                host = element.host();
            }
            ForwardedNode node = element.node();
            if (node == null || node.address() == null) {
                break;
            }
            known = new InetSocketAddress(IpLiterals.toInetAddress(node.address()), node.port());
            source = ForwardedClient.Source.FORWARDED;
            if (!trusted.contains(node.address())) {
                break;
            }
        }
        return new ForwardedClient(known, secure, host, source);
    }

    private static ForwardedClient fromXForwarded(ForwardedClient direct, List<String> forFields,
            List<String> protoFields, CidrSet trusted) {
        InetSocketAddress known = direct.address();
        ForwardedClient.Source source = ForwardedClient.Source.PEER;
        int total = ListEntries.count(forFields);
        int examined = 0;
        int knownIndex = -1;
        walk:
        for (int f = forFields.size() - 1; f >= 0; f--) {
            String field = forFields.get(f);
            int end = field.length();
            while (end >= 0) {
                int comma = field.lastIndexOf(',', end - 1);
                int from = ListEntries.trimStart(field, comma + 1, end);
                int to = ListEntries.trimEnd(field, from, end);
                end = comma;
                if (from == to) {
                    continue;
                }
                if (examined == MAX_HOPS) {
                    break walk;
                }
                examined++;
                ForwardedNode node = ForwardedNode.parse(field, from, to);
                if (node == null || node.address() == null) {
                    break walk;
                }
                known = new InetSocketAddress(IpLiterals.toInetAddress(node.address()), node.port());
                source = ForwardedClient.Source.X_FORWARDED_FOR;
                knownIndex = total - examined;
                if (!trusted.contains(node.address())) {
                    break walk;
                }
            }
        }
        Boolean secure = protoFor(protoFields, total, knownIndex);
        return new ForwardedClient(known, secure == null ? direct.secure() : secure, null, source);
    }

    /**
     * The X-Forwarded-Proto entry for the hop at {@code index} of {@code total} (-1: the
     * peer itself, whose scheme is the connection's), or the leftmost entry when the counts
     * differ; null when there is none or it names another scheme.
     */
    private static Boolean protoFor(List<String> protoFields, int total, int index) {
        if (protoFields.isEmpty()) {
            return null;
        }
        int protoCount = ListEntries.count(protoFields);
        if (protoCount == total && index < 0) {
            return null;
        }
        int wanted = protoCount == total ? index : 0;
        int seen = 0;
        for (String field : protoFields) {
            int start = 0;
            while (start <= field.length()) {
                int comma = field.indexOf(',', start);
                int end = comma < 0 ? field.length() : comma;
                int from = ListEntries.trimStart(field, start, end);
                int to = ListEntries.trimEnd(field, from, end);
                start = end + 1;
                if (from == to) {
                    continue;
                }
                if (seen++ == wanted) {
                    return ForwardedElement.secureScheme(field.subSequence(from, to));
                }
            }
        }
        return null;
    }
}
