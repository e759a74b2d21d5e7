package io.lws4j;

import io.lws4j.internal.proxy.CidrSet;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The reverse proxies and load balancers whose word about the client is believed: IPv4 and
 * IPv6 addresses and CIDR ranges. A request whose TCP peer is one of them may name the real
 * client in {@code Forwarded} (RFC 7239) or {@code X-Forwarded-For} and
 * {@code X-Forwarded-Proto}; those headers are read from the right, skipping further
 * trusted hops, and the first hop that is not trusted is the client. From any other peer
 * the headers are ignored, so a client cannot choose its own address. libwebsockets has no
 * counterpart: it reports the TCP peer ({@code lws_get_peer_simple}).
 *
 * <pre>{@code
 * TrustedProxies proxies = TrustedProxies.of("10.0.0.0/8", "192.168.1.10", "fd00::/8");
 * }</pre>
 *
 * <p>Entries are address literals only: {@code 192.0.2.7}, {@code 10.0.0.0/8},
 * {@code 2001:db8::1}, {@code 2001:db8::/32}. Host names are refused, never resolved, so
 * building a set never waits on DNS and never changes with it. IPv4 addresses and their
 * IPv4-mapped IPv6 forms ({@code ::ffff:10.0.0.1}) are the same address here, whichever
 * way the peer or the range is written.
 *
 * <p>Instances are immutable; equal when they hold the same ranges in the same order.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class TrustedProxies {

    private static final TrustedProxies NONE = new TrustedProxies(CidrSet.empty());

    private final CidrSet ranges;

    private TrustedProxies(CidrSet ranges) {
        this.ranges = ranges;
    }

    /**
     * No trusted proxies: forwarding headers are always ignored and the TCP peer is the
     * client. The default.
     *
     * @return the empty set
     */
    public static TrustedProxies none() {
        return NONE;
    }

    /**
     * Trusts the given addresses and ranges.
     *
     * @param addressesOrRanges literals such as {@code "10.0.0.0/8"} or {@code "::1"}
     * @return the set
     * @throws IllegalArgumentException naming the first entry that is not an address or
     *     CIDR literal (a host name, a prefix length out of range, or bits set below the
     *     prefix, as in {@code 10.0.0.1/8})
     * @throws NullPointerException when the array or an entry is null
     */
    public static TrustedProxies of(String... addressesOrRanges) {
        Objects.requireNonNull(addressesOrRanges, "addressesOrRanges");
        return of(Arrays.asList(addressesOrRanges));
    }

    /**
     * Trusts the given addresses and ranges.
     *
     * @param addressesOrRanges literals such as {@code "10.0.0.0/8"} or {@code "::1"}
     * @return the set
     * @throws IllegalArgumentException naming the first entry that is not an address or
     *     CIDR literal
     * @throws NullPointerException when the collection or an entry is null
     */
    public static TrustedProxies of(Collection<String> addressesOrRanges) {
        CidrSet parsed = CidrSet.parse(addressesOrRanges);
        return parsed.isEmpty() ? NONE : new TrustedProxies(parsed);
    }

    /**
     * Whether a peer address is trusted. Thread-safe and cheap; never a lookup.
     *
     * @param address an IPv4 or IPv6 address; null is never trusted
     * @return true when it lies in one of the ranges
     */
    public boolean isTrusted(InetAddress address) {
        return ranges.contains(address);
    }

    /**
     * Whether nothing is trusted.
     *
     * @return true for {@link #none()} and sets built from no entries
     */
    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /**
     * The ranges in canonical spelling ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, bare
     * addresses without a prefix, IPv4-mapped ranges as IPv4), in the order given with
     * duplicates removed. {@code of(ranges())} is an equal set.
     *
     * @return the ranges (unmodifiable)
     */
    public List<String> ranges() {
        return ranges.ranges();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrustedProxies other && ranges.equals(other.ranges);
    }

    @Override
    public int hashCode() {
        return ranges.hashCode();
    }

    @Override
    public String toString() {
        return "TrustedProxies" + ranges;
    }
}
