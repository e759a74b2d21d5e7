package io.lws4j.internal.http;

import java.time.Duration;

/**
 * The per-request bounds a context applies to what a peer sends and to how long it may
 * leave a response unread.
 *
 * <p>Thread-safe: immutable.
 *
 * @param maxQueryParameters the most query parameters a request may carry (400 beyond)
 * @param maxCookies the most cookies a request may carry (431 beyond)
 * @param sendTimeout how long an HTTP response with bytes waiting may go without the peer
 *     taking any of them before the connection closes; positive
 */
public record HttpLimits(int maxQueryParameters, int maxCookies, Duration sendTimeout) {

    /** The default send timeout of an HTTP response: 30 s. */
    public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(30);

    /** The defaults: {@link QueryParser#DEFAULT_MAX_PARAMS}, {@link CookieParser#DEFAULT_MAX_COOKIES}, 30 s. */
    public static final HttpLimits DEFAULTS = new HttpLimits(QueryParser.DEFAULT_MAX_PARAMS,
            CookieParser.DEFAULT_MAX_COOKIES, DEFAULT_SEND_TIMEOUT);

    /**
     * Checks the bounds.
     */
    public HttpLimits {
        if (maxQueryParameters < 0 || maxCookies < 0) {
            throw new IllegalArgumentException("request limits must not be negative");
        }
        if (sendTimeout.isNegative() || sendTimeout.isZero()) {
            throw new IllegalArgumentException("sendTimeout must be positive: " + sendTimeout);
        }
    }
}
