package io.lws4j;

import io.lws4j.internal.http.CookieParser;
import io.lws4j.internal.http.HttpException;
import io.lws4j.internal.http.HttpRequest;
import io.lws4j.internal.http.PercentDecoding;
import io.lws4j.internal.http.QueryParser;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The opening request of a websocket connection: method, path, query, headers, cookies, the
 * subprotocols and extensions the client offered, and where it came from. lws reads these
 * with {@code lws_hdr_copy}, {@code lws_hdr_total_length}, {@code lws_get_urlarg_by_name},
 * {@code lws_http_cookie_get} and {@code lws_get_peer_simple}; here they are kept, parsed
 * once, in one immutable value: {@link Connection#request()} for the connection's life, and
 * the first argument of {@link Protocol#onHandshake}.
 *
 * <p>Decoding: {@link #path()} and the query parameters are percent-decoded exactly once as
 * UTF-8 (in the query, {@code +} is a space); the raw forms stay available. A request whose
 * path or query is malformed, or that carries more than
 * {@link Context.Builder#maxQueryParameters(int)} query parameters (256 by default), is
 * refused with 400 before any upgrade; more than
 * {@link Context.Builder#maxCookies(int)} cookies (128 by default) with 431. Its
 * whole size is bounded by {@link Context.Builder#maxHttpHeadBytes(int)}.
 *
 * <p>Header names are case-insensitive; every collection returned is unmodifiable.
 *
 * <p>Thread-safe: immutable; any method may be called from any thread. A request is built
 * before the handshake hook is called, so everything it holds is visible to the hook and
 * to any thread the connection or the request is handed to.
 */
public final class Request {

    private final String method;
    private final String rawPath;
    private final String path;
    private final String rawQuery;
    private final Map<String, List<String>> queryParams;
    private final Map<String, List<String>> headers;
    private final Map<String, List<String>> cookies;
    private final List<String> subprotocols;
    private final List<String> extensions;
    private final InetSocketAddress peerAddress;
    private final InetSocketAddress clientAddress;
    private final InetSocketAddress socketPeerAddress;
    private final boolean tls;
    private final boolean secure;

    private Request(Builder b, Map<String, List<String>> headers, String rawPath, String path,
            String rawQuery, Map<String, List<String>> queryParams,
            Map<String, List<String>> cookies) {
        this.method = b.method;
        this.rawPath = rawPath;
        this.path = path;
        this.rawQuery = rawQuery;
        this.queryParams = queryParams;
        this.headers = headers;
        this.cookies = cookies;
        this.subprotocols = listElements(headers.get("Sec-WebSocket-Protocol"));
        this.extensions = listElements(headers.get("Sec-WebSocket-Extensions"));
        this.peerAddress = b.peerAddress;
        this.clientAddress = b.clientAddress != null ? b.clientAddress : b.peerAddress;
        this.socketPeerAddress = b.socketPeerAddress != null ? b.socketPeerAddress
                : b.peerAddress;
        this.tls = b.tls;
        this.secure = b.secure != null ? b.secure : b.tls;
    }

    /**
     * Starts a request, for lws4j's handshake and for tests of a {@link Protocol#onHandshake}
     * implementation.
     *
     * @return a builder for a {@code GET /} request
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return the method, as sent ({@code GET} for every upgrade lws4j accepts)
     */
    public String method() {
        return method;
    }

    /**
     * lws {@code WSI_TOKEN_GET_URI}.
     *
     * @return the path of the target, without the query, as sent (not decoded)
     */
    public String rawPath() {
        return rawPath;
    }

    /**
     * @return the path of the target, percent-decoded once as UTF-8, without the query;
     *     the endpoint bindings of {@link Context.Builder#bindPath} match against it
     */
    public String path() {
        return path;
    }

    /**
     * lws {@code WSI_TOKEN_HTTP_URI_ARGS}.
     *
     * @return the query after '?', not decoded; empty when the target has none
     */
    public String rawQuery() {
        return rawQuery;
    }

    /**
     * lws {@code lws_get_urlarg_by_name}.
     *
     * @param name the decoded parameter name, case-sensitive
     * @return the first value of the parameter, decoded; empty when the query has none
     */
    public Optional<String> queryParam(String name) {
        List<String> values = queryParams.get(name);
        return values == null ? Optional.empty() : Optional.of(values.get(0));
    }

    /**
     * @param name the decoded parameter name, case-sensitive
     * @return every value of the parameter in order, decoded; empty when none
     */
    public List<String> queryParams(String name) {
        return queryParams.getOrDefault(name, List.of());
    }

    /**
     * @return every query parameter, decoded, in order of first appearance, each with its
     *     values in order
     */
    public Map<String, List<String>> queryParams() {
        return queryParams;
    }

    /**
     * lws {@code lws_hdr_copy}.
     *
     * @param name the header name, case-insensitive
     * @return the first value of the header field; empty when the request has none
     */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null ? Optional.empty() : Optional.of(values.get(0));
    }

    /**
     * lws {@code lws_hdr_copy_fragment}.
     *
     * @param name the header name, case-insensitive
     * @return every value of the header field, one per field line, in order; empty when none
     */
    public List<String> headers(String name) {
        return headers.getOrDefault(name, List.of());
    }

    /**
     * @return every header field by name; lookups in the map ignore case (the names of a
     *     request lws4j received are in lower case)
     */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /**
     * lws {@code lws_http_cookie_get}.
     *
     * @param name the cookie name, case-sensitive
     * @return the first value of the cookie (quotes removed, not decoded); empty when none
     */
    public Optional<String> cookie(String name) {
        List<String> values = cookies.get(name);
        return values == null ? Optional.empty() : Optional.of(values.get(0));
    }

    /**
     * @return every cookie of every {@code Cookie} field, in order of first appearance,
     *     each name with its values in order
     */
    public Map<String, List<String>> cookies() {
        return cookies;
    }

    /**
     * lws {@code WSI_TOKEN_PROTOCOL}.
     *
     * @return the subprotocols offered in {@code Sec-WebSocket-Protocol}, in the client's
     *     order; empty when none
     */
    public List<String> subprotocols() {
        return subprotocols;
    }

    /**
     * lws {@code WSI_TOKEN_EXTENSIONS}.
     *
     * @return the extension offers of {@code Sec-WebSocket-Extensions} as sent, one element
     *     per offer with its parameters ({@code permessage-deflate; client_max_window_bits});
     *     empty when none
     */
    public List<String> extensions() {
        return extensions;
    }

    /**
     * @return the {@code Origin} header; empty when the request has none (non-browser
     *     clients usually send none)
     */
    public Optional<String> origin() {
        return header("Origin");
    }

    /**
     * Whether the request comes from a page of this server (the defence against
     * cross-site websocket hijacking for endpoints that authenticate with cookies): the
     * request has one {@code Origin}, of scheme http or https, whose host and port (with
     * the scheme's default port) equal those of the {@code Host} header (with the default
     * port of {@link #scheme()}). Host names compare ignoring case.
     *
     * @return true when the origin is this server's own
     */
    public boolean isSameOrigin() {
        List<String> origins = headers("Origin");
        List<String> hosts = headers("Host");
        if (origins.size() != 1 || hosts.size() != 1) {
            return false;
        }
        String originAuthority = originAuthority(origins.get(0));
        String hostAuthority = authority(hosts.get(0), secure ? 443 : 80);
        return originAuthority != null && originAuthority.equals(hostAuthority);
    }

    /**
     * Whether the request's one {@code Origin} is in {@code allowed} (compared ignoring
     * case, as {@code scheme://host[:port]} without a trailing slash).
     *
     * @param allowed the allowed origins, such as {@code https://example.com}
     * @return true when the request has exactly one Origin and it is allowed
     */
    public boolean isOriginAllowed(Collection<String> allowed) {
        List<String> origins = headers("Origin");
        if (origins.size() != 1) {
            return false;
        }
        String origin = origins.get(0).strip();
        for (String a : allowed) {
            if (a.equalsIgnoreCase(origin)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @return true when this connection itself runs over TLS
     */
    public boolean isTls() {
        return tls;
    }

    /**
     * The scheme the client used, as far as this server can trust it: {@code wss} over TLS,
     * else {@code ws}. A trusted proxy that terminates TLS in front of lws4j may make this
     * {@code wss} on a plain connection ({@code Forwarded: proto=https} or
     * {@code X-Forwarded-Proto: https}; see {@link Context.Builder#trustedProxies}).
     *
     * @return {@code ws} or {@code wss}
     */
    public String scheme() {
        return secure ? "wss" : "ws";
    }

    /**
     * lws {@code lws_get_peer_simple}: the peer this connection came from, the same address
     * as {@link Connection#remoteAddress()}. Normally the TCP peer (a proxy, when there is
     * one); on a listener with {@link Context.Builder#proxyProtocol(boolean)}, the source
     * address of the PROXY header, the load balancer itself being
     * {@link #socketPeerAddress()}.
     *
     * @return the peer's address; null when the socket could no longer tell it
     */
    public InetSocketAddress peerAddress() {
        return peerAddress;
    }

    /**
     * The socket's own peer: equal to {@link #peerAddress()} except on a listener with
     * {@link Context.Builder#proxyProtocol(boolean)}, where it is the load balancer that
     * sent the PROXY header.
     *
     * @return the address at the other end of the TCP connection; null when unknown
     */
    public InetSocketAddress socketPeerAddress() {
        return socketPeerAddress;
    }

    /**
     * The client's address as far as this server can trust it: the {@link #peerAddress()},
     * unless that peer is one of the {@link Context.Builder#trustedProxies trusted proxies}
     * and names the client it serves in {@code Forwarded} or {@code X-Forwarded-For} (the
     * port is 0 when the header gave none).
     *
     * @return the effective client address; null when unknown
     */
    public InetSocketAddress clientAddress() {
        return clientAddress;
    }

    @Override
    public String toString() {
        return method + " " + rawPath + (rawQuery.isEmpty() ? "" : "?" + rawQuery)
                + " from " + clientAddress;
    }

    /** Host and port (lower case) of an http(s) origin, with the default port; null if not. */
    private static String originAuthority(String origin) {
        URI uri;
        try {
            uri = new URI(origin.strip());
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        int defaultPort;
        if (scheme.equals("https")) {
            defaultPort = 443;
        } else if (scheme.equals("http")) {
            defaultPort = 80;
        } else {
            return null;
        }
        if (uri.getHost() == null || uri.getRawPath() != null && !uri.getRawPath().isEmpty()
                || uri.getRawQuery() != null || uri.getRawUserInfo() != null) {
            return null;
        }
        int port = uri.getPort() < 0 ? defaultPort : uri.getPort();
        return uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** Host and port (lower case) of a Host header value, with the default port. */
    private static String authority(String host, int defaultPort) {
        String h = host.strip();
        int colon = h.lastIndexOf(':');
        if (colon > h.lastIndexOf(']')) { // a port, not part of an IPv6 literal
            String port = h.substring(colon + 1);
            if (port.isEmpty() || !port.chars().allMatch(c -> c >= '0' && c <= '9')
                    || port.length() > 5) {
                return null;
            }
            return h.substring(0, colon).toLowerCase(Locale.ROOT) + ":" + Integer.parseInt(port);
        }
        return h.toLowerCase(Locale.ROOT) + ":" + defaultPort;
    }

    /** The comma-separated elements of some field values, trimmed, empty ones dropped. */
    private static List<String> listElements(List<String> values) {
        if (values == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String v : values) {
            for (String element : v.split(",")) {
                String e = element.strip();
                if (!e.isEmpty()) {
                    out.add(e);
                }
            }
        }
        return List.copyOf(out);
    }

    /**
     * Builds a {@link Request}; {@link #build()} parses the target and the cookies.
     *
     * <p>Not thread-safe: one thread builds.
     */
    public static final class Builder {
        private String method = "GET";
        private String target = "/";
        private final List<String[]> fields = new ArrayList<>();
        private InetSocketAddress peerAddress;
        private InetSocketAddress clientAddress;
        private InetSocketAddress socketPeerAddress;
        private boolean tls;
        private Boolean secure;
        private int maxQueryParameters = QueryParser.DEFAULT_MAX_PARAMS;
        private int maxCookies = CookieParser.DEFAULT_MAX_COOKIES;

        Builder() {
        }

        /**
         * @param method the method token; default {@code GET}
         * @return this builder
         */
        public Builder method(String method) {
            this.method = Objects.requireNonNull(method, "method");
            return this;
        }

        /**
         * @param target the request target as sent: a path with an optional query
         *     ({@code /chat/a?token=x}), or an absolute {@code http://host/path?query};
         *     default {@code /}
         * @return this builder
         */
        public Builder target(String target) {
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        /**
         * Adds a header field; a name may be added several times.
         *
         * @param name the field name
         * @param value the field value
         * @return this builder
         */
        public Builder header(String name, String value) {
            fields.add(new String[] {Objects.requireNonNull(name, "name"),
                    Objects.requireNonNull(value, "value")});
            return this;
        }

        /**
         * @param address the TCP peer's address
         * @return this builder
         */
        public Builder peerAddress(InetSocketAddress address) {
            this.peerAddress = address;
            return this;
        }

        /**
         * @param address the socket's own peer when a PROXY header named another
         *     {@link #peerAddress(InetSocketAddress)}; by default the peer's
         * @return this builder
         */
        public Builder socketPeerAddress(InetSocketAddress address) {
            this.socketPeerAddress = address;
            return this;
        }

        /**
         * @param address the effective client address; by default the peer's
         * @return this builder
         */
        public Builder clientAddress(InetSocketAddress address) {
            this.clientAddress = address;
            return this;
        }

        /**
         * @param tls whether the connection runs over TLS; default false
         * @return this builder
         */
        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /**
         * @param secure whether the client's scheme is {@code wss} (behind a trusted
         *     proxy that terminates TLS); by default {@link #tls(boolean)}'s value
         * @return this builder
         */
        public Builder secure(boolean secure) {
            this.secure = secure;
            return this;
        }

        /**
         * @param count the most query parameters {@link #build()} accepts; default 256
         *     (a context uses {@link Context.Builder#maxQueryParameters(int)})
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Builder maxQueryParameters(int count) {
            this.maxQueryParameters = io.lws4j.internal.util.Args.atLeast(count, 0, "maxQueryParameters");
            return this;
        }

        /**
         * @param count the most cookies {@link #build()} accepts; default 128 (a context
         *     uses {@link Context.Builder#maxCookies(int)})
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Builder maxCookies(int count) {
            this.maxCookies = io.lws4j.internal.util.Args.atLeast(count, 0, "maxCookies");
            return this;
        }

        /**
         * Parses the target's path and query and the {@code Cookie} fields.
         *
         * @return the request
         * @throws IllegalArgumentException when the path or query is malformed, or there are
         *     too many query parameters or cookies (lws4j's handshake answers these with the
         *     HTTP status the cause carries: 400 or 431)
         */
        public Request build() {
            Map<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (String[] f : fields) {
                byName.computeIfAbsent(f[0], k -> new ArrayList<>(1)).add(f[1]);
            }
            for (Map.Entry<String, List<String>> e : byName.entrySet()) {
                e.setValue(List.copyOf(e.getValue()));
            }
            Map<String, List<String>> headers = Collections.unmodifiableMap(byName);
            int pathStart = HttpRequest.pathStart(target);
            int queryMark = target.indexOf('?', Math.max(pathStart, 0));
            String rawPath = pathStart < 0 ? "/" : target.substring(pathStart,
                    queryMark < 0 ? target.length() : queryMark);
            String rawQuery = queryMark < 0 ? "" : target.substring(queryMark + 1);
            try {
                String path = PercentDecoding.decode(rawPath, 0, rawPath.length(), false, "path");
                Map<String, List<String>> query = QueryParser.parse(rawQuery, maxQueryParameters);
                Map<String, List<String>> cookies = CookieParser.parse(
                        byName.getOrDefault("Cookie", List.of()), maxCookies);
                return new Request(this, headers, rawPath, path, rawQuery, query, cookies);
            } catch (HttpException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
    }
}
