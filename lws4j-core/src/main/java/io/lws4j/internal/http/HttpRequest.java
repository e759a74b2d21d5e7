package io.lws4j.internal.http;

import java.util.Objects;

/**
 * A parsed request head.
 *
 * <p>The target is kept exactly as received. {@link #path()} and {@link #query()} split it
 * without percent-decoding, so that decoding happens exactly once, where the path is
 * interpreted (static files decode it; a double-encoded {@code %252e} stays a literal
 * {@code %2e}).
 *
 * <p>Instances are immutable.
 *
 * <p>Thread-safe: any method may be called from any thread.
 *
 * @param method the method token, case-sensitive ({@code GET})
 * @param target the request target as received: origin-form ({@code /a?b}), absolute-form
 *     ({@code http://host/a?b}), {@code *} or authority-form
 * @param version {@code HTTP/1.0}, {@code HTTP/1.1} (or a later {@code HTTP/1.x})
 * @param headers the header fields
 */
public record HttpRequest(String method, String target, String version, HttpHeaders headers) {

    /**
     * Checks the components are present.
     *
     * @param method the method token
     * @param target the request target
     * @param version the protocol version
     * @param headers the header fields
     */
    public HttpRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(headers, "headers");
    }

    /**
     * The path of the target, without the query and not percent-decoded. For an
     * absolute-form target this is the path after the authority ({@code /} when there is
     * none); for {@code *} and authority-form targets it is the target itself.
     *
     * @return the raw path
     */
    public String path() {
        int start = pathStart();
        if (start < 0) {
            return "/";
        }
        int query = target.indexOf('?', start);
        return target.substring(start, query < 0 ? target.length() : query);
    }

    /**
     * The query of the target, without the '?' and not percent-decoded.
     *
     * @return the raw query, or null when the target has no '?'
     */
    public String query() {
        int start = Math.max(pathStart(), 0);
        int query = target.indexOf('?', start);
        return query < 0 ? null : target.substring(query + 1);
    }

    /**
     * Whether the version is HTTP/1.1 or a later HTTP/1.x (as opposed to HTTP/1.0).
     *
     * @return true for HTTP/1.1 and later
     */
    public boolean isHttp11OrLater() {
        return version.length() == 8 && version.startsWith("HTTP/1.") && version.charAt(7) >= '1';
    }

    /**
     * Whether the connection may carry another request after this one: HTTP/1.1 unless
     * {@code Connection: close}, HTTP/1.0 only with {@code Connection: keep-alive}.
     *
     * @return true when the connection stays open after the response
     */
    public boolean isKeepAlive() {
        if (headers.containsToken("Connection", "close")) {
            return false;
        }
        return isHttp11OrLater() || headers.containsToken("Connection", "keep-alive");
    }

    /**
     * The request body's length as the head announces it (the parser checked that every
     * {@code Content-Length} is digits and that they agree).
     *
     * @return -1 for {@code Transfer-Encoding} (a body of unknown length), -2 when the head
     *     announces no body at all, else the {@code Content-Length}
     *     ({@link Long#MAX_VALUE} when it does not fit a long)
     */
    public long announcedBodyLength() {
        if (headers.count("Transfer-Encoding") > 0) {
            return -1;
        }
        String length = headers.first("Content-Length");
        if (length == null) {
            return -2;
        }
        int comma = length.indexOf(',');
        String digits = (comma < 0 ? length : length.substring(0, comma)).trim();
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // digits the parser accepted, too many of them
        }
    }

    /** @return true when the head announces a body that is not empty */
    public boolean announcesBody() {
        long length = announcedBodyLength();
        return length == -1 || length > 0;
    }

    private int pathStart() {
        return pathStart(target);
    }

    /**
     * Where the path starts in a request target: 0 for origin-form, {@code *} and
     * authority-form, after the authority for absolute-form, -1 for an absolute-form
     * without a path.
     *
     * @param target the request target
     * @return the index, or -1
     */
    public static int pathStart(String target) {
        if (target.isEmpty() || target.charAt(0) == '/' || target.equals("*")) {
            return 0;
        }
        int scheme = target.indexOf("://");
        if (scheme <= 0) {
            return 0; // authority-form (CONNECT host:port): the target is all there is
        }
        int authorityStart = scheme + 3;
        for (int i = authorityStart; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c == '/') {
                return i;
            }
            if (c == '?') {
                return -1;
            }
        }
        return -1;
    }
}
