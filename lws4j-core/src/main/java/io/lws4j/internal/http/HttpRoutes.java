package io.lws4j.internal.http;

import io.lws4j.HttpHandler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dynamic HTTP handlers of a context, by path, and the bound on a request body they
 * may be sent.
 *
 * <p>Patterns and matching are those of {@link Endpoints} (an exact path, or a {@code /*}
 * prefix; exact wins, then the longest prefix): the matcher is an {@code Endpoints} whose
 * every pattern is bound to itself.
 *
 * <p>Instances are immutable.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class HttpRoutes {

    /** The default bound on a request body: 1 MiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;

    /** No handlers. */
    public static final HttpRoutes NONE = new HttpRoutes(Map.of(), DEFAULT_MAX_BODY_BYTES);

    private final Map<String, HttpHandler> handlers;
    private final Endpoints matcher;
    private final int maxBodyBytes;

    /**
     * @param handlers each pattern with its handler
     * @param maxBodyBytes the largest request body read for a handler
     * @throws IllegalArgumentException for a malformed pattern
     */
    public HttpRoutes(Map<String, HttpHandler> handlers, int maxBodyBytes) {
        Map<String, List<String>> self = new LinkedHashMap<>();
        for (String pattern : handlers.keySet()) {
            self.put(Endpoints.checkPattern(pattern), List.of(pattern));
        }
        this.handlers = Map.copyOf(handlers);
        this.matcher = new Endpoints(self, Set.of());
        this.maxBodyBytes = maxBodyBytes;
    }

    /** @return true when at least one handler is registered */
    public boolean isEmpty() {
        return handlers.isEmpty();
    }

    /** @return the largest request body read for a handler, in bytes */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /**
     * @param path the decoded request path
     * @return the handler for it, or null
     */
    public HttpHandler match(String path) {
        if (handlers.isEmpty()) {
            return null;
        }
        List<String> pattern = matcher.match(path, List.of());
        return pattern == null || pattern.isEmpty() ? null : handlers.get(pattern.get(0));
    }
}
