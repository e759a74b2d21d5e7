package io.lws4j.internal.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which registered protocols may serve an upgrade to a given path, and which protocols
 * require the request to come from the server's own origin.
 *
 * <p>Bindings: an exact path ({@code /report}) or a prefix ending in {@code /*}
 * ({@code /chat/*} serves {@code /chat} and every path under {@code /chat/}; {@code /*}
 * serves every path). An exact binding wins over a prefix, a longer prefix over a shorter
 * one; several protocols bound to the same pattern share it, and the subprotocol rules of
 * api.md then choose among them (the first bound is the default). A context without
 * bindings serves every path with every protocol, as before paths could be bound; a
 * context with bindings answers an upgrade to an unbound path with 404.
 *
 * <p>Instances are immutable.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class Endpoints {

    /** No bindings and no origin requirement. */
    public static final Endpoints NONE = new Endpoints(Map.of(), Set.of());

    private final Map<String, List<String>> exact;
    /** Prefixes without the trailing "/*", longest first. */
    private final List<Map.Entry<String, List<String>>> prefixes;
    private final Set<String> sameOriginProtocols;

    /**
     * The endpoints of a context being built, once every protocol they name is known to be
     * registered.
     *
     * @param bindings each pattern with the protocol names bound to it, in binding order
     * @param sameOriginProtocols the protocols whose upgrades must come from the server's
     *     own origin
     * @param registered the names of the registered protocols
     * @return the endpoints
     * @throws IllegalStateException when a binding or origin requirement names a protocol
     *     that is not registered
     */
    public static Endpoints checked(Map<String, List<String>> bindings,
            Set<String> sameOriginProtocols, Set<String> registered) {
        for (List<String> names : bindings.values()) {
            for (String name : names) {
                if (!registered.contains(name)) {
                    throw new IllegalStateException("a path is bound to an unregistered "
                            + "protocol: " + name);
                }
            }
        }
        for (String name : sameOriginProtocols) {
            if (!registered.contains(name)) {
                throw new IllegalStateException("requireSameOrigin names an unregistered "
                        + "protocol: " + name);
            }
        }
        return new Endpoints(bindings, sameOriginProtocols);
    }

    /**
     * @param bindings each pattern with the protocol names bound to it, in binding order
     * @param sameOriginProtocols the protocols whose upgrades must come from the server's
     *     own origin
     * @throws IllegalArgumentException for a pattern that is not {@code /...} or
     *     {@code /.../*}, or holds '*' elsewhere, '?' or '#'
     */
    public Endpoints(Map<String, List<String>> bindings, Set<String> sameOriginProtocols) {
        Map<String, List<String>> exactPaths = new LinkedHashMap<>();
        List<Map.Entry<String, List<String>>> prefixList = new ArrayList<>();
        for (Map.Entry<String, List<String>> b : bindings.entrySet()) {
            String pattern = checkPattern(b.getKey());
            List<String> names = List.copyOf(b.getValue());
            if (pattern.endsWith("/*")) {
                prefixList.add(Map.entry(pattern.substring(0, pattern.length() - 2), names));
            } else {
                exactPaths.put(pattern, names);
            }
        }
        prefixList.sort(Comparator.comparingInt(
                (Map.Entry<String, List<String>> e) -> e.getKey().length()).reversed());
        this.exact = Map.copyOf(exactPaths);
        this.prefixes = List.copyOf(prefixList);
        this.sameOriginProtocols = Set.copyOf(sameOriginProtocols);
    }

    /**
     * Checks a binding pattern.
     *
     * @param pattern the pattern
     * @return the pattern
     * @throws IllegalArgumentException when it is not an exact path or a {@code /*} prefix
     */
    public static String checkPattern(String pattern) {
        if (!pattern.startsWith("/") || pattern.contains("?") || pattern.contains("#")) {
            throw new IllegalArgumentException("a path pattern starts with '/' and holds no "
                    + "'?' or '#': " + pattern);
        }
        int star = pattern.indexOf('*');
        if (star >= 0 && (star != pattern.length() - 1 || !pattern.endsWith("/*"))) {
            throw new IllegalArgumentException("'*' may only end a pattern, as '/*': " + pattern);
        }
        return pattern;
    }

    /**
     * @return true when at least one path is bound
     */
    public boolean hasBindings() {
        return !exact.isEmpty() || !prefixes.isEmpty();
    }

    /**
     * The protocols that may serve an upgrade to {@code path}.
     *
     * @param path the decoded request path
     * @param allProtocols every registered protocol name, in registration order
     * @return the candidate names, the default first; {@code allProtocols} when nothing is
     *     bound; null when paths are bound but none matches (404)
     */
    public List<String> match(String path, List<String> allProtocols) {
        if (!hasBindings()) {
            return allProtocols;
        }
        List<String> names = exact.get(path);
        if (names != null) {
            return names;
        }
        for (Map.Entry<String, List<String>> p : prefixes) {
            String prefix = p.getKey();
            if (path.startsWith(prefix) && (path.length() == prefix.length()
                    || path.charAt(prefix.length()) == '/' || prefix.isEmpty())) {
                return p.getValue();
            }
        }
        return null;
    }

    /**
     * @param protocolName a registered protocol
     * @return true when its upgrades must come from the server's own origin
     */
    public boolean requiresSameOrigin(String protocolName) {
        return sameOriginProtocols.contains(protocolName);
    }
}
