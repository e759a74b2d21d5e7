package io.lws4j.internal.proxy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A set of IP addresses and CIDR ranges, IPv4 and IPv6, parsed from literals only (never
 * a DNS lookup; see {@link IpLiterals}).
 *
 * <p>Every address and range is held in the 16-byte IPv6 form: an IPv4 range
 * {@code a.b.c.d/n} is the IPv4-mapped range {@code ::ffff:a.b.c.d/(96+n)}. So
 * {@code 10.0.0.0/8} and {@code ::ffff:10.0.0.0/104} are the same range, an IPv4 peer and
 * the same peer seen through an IPv4-mapped IPv6 socket match alike, and an IPv6 range
 * that covers {@code ::ffff:0:0/96} (such as {@code ::/0}) also covers every IPv4 address.
 *
 * <p>Spellings: {@code 192.0.2.7}, {@code 10.0.0.0/8}, {@code 2001:db8::1},
 * {@code 2001:db8::/32}, {@code ::ffff:10.0.0.0/104}; a bare address is a /32 or /128. A
 * range with bits set below its prefix ({@code 10.0.0.1/8}) is refused as a likely typo.
 *
 * <p>Thread-safe: immutable.
 */
public final class CidrSet {

    private static final CidrSet EMPTY = new CidrSet(new byte[0][], new int[0], List.of());

    /** Network addresses (16 bytes, host bits clear), parallel to {@link #prefixes}. */
    private final byte[][] networks;
    /** Prefix lengths in the 16-byte form, 0 to 128. */
    private final int[] prefixes;
    /** Canonical spellings, in the order given, duplicates removed. */
    private final List<String> canonical;

    private CidrSet(byte[][] networks, int[] prefixes, List<String> canonical) {
        this.networks = networks;
        this.prefixes = prefixes;
        this.canonical = canonical;
    }

    /**
     * The empty set: nothing is contained.
     *
     * @return the empty set
     */
    public static CidrSet empty() {
        return EMPTY;
    }

    /**
     * Parses addresses and ranges.
     *
     * @param ranges address or CIDR literals
     * @return the set
     * @throws IllegalArgumentException naming the first entry that is not an address or
     *     range literal, has a prefix length out of range, or has host bits set
     * @throws NullPointerException when the collection or an entry is null
     */
    public static CidrSet parse(Collection<String> ranges) {
        Objects.requireNonNull(ranges, "ranges");
        List<byte[]> nets = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String range : ranges) {
            Objects.requireNonNull(range, "range");
            String text = range.strip();
            int slash = text.indexOf('/');
            String addressText = slash < 0 ? text : text.substring(0, slash);
            byte[] address = IpLiterals.parse(addressText);
            if (address == null) {
                throw new IllegalArgumentException("not an IP address or CIDR range"
                        + " (host names are not resolved): \"" + range + "\"");
            }
            boolean ipv4 = addressText.indexOf(':') < 0;
            int prefix = slash < 0 ? 128 : parsePrefix(range, text.substring(slash + 1), ipv4);
            if (ipv4 && slash >= 0) {
                prefix += 96;
            }
            byte[] network = mask(address, prefix);
            if (!Arrays.equals(network, address)) {
                throw new IllegalArgumentException("host bits set below the prefix in \"" + range
                        + "\"; did you mean " + render(network, prefix) + "?");
            }
            String name = render(network, prefix);
            if (!names.contains(name)) {
                nets.add(network);
                lengths.add(prefix);
                names.add(name);
            }
        }
        if (names.isEmpty()) {
            return EMPTY;
        }
        int[] prefixArray = new int[lengths.size()];
        for (int i = 0; i < prefixArray.length; i++) {
            prefixArray[i] = lengths.get(i);
        }
        return new CidrSet(nets.toArray(new byte[0][]), prefixArray, List.copyOf(names));
    }

    /**
     * Whether an address lies in one of the ranges.
     *
     * @param address an IPv4 or IPv6 address (null is never contained)
     * @return true when contained
     */
    public boolean contains(InetAddress address) {
        return address != null && networks.length > 0 && contains(IpLiterals.toBytes(address));
    }

    /**
     * Whether a 16-byte address (see {@link IpLiterals}) lies in one of the ranges.
     *
     * @param address16 the address in 16-byte form
     * @return true when contained
     */
    public boolean contains(byte[] address16) {
        for (int r = 0; r < networks.length; r++) {
            if (matches(networks[r], prefixes[r], address16)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the set is empty.
     *
     * @return true when nothing is contained
     */
    public boolean isEmpty() {
        return networks.length == 0;
    }

    /**
     * The ranges in canonical spelling ({@code 10.0.0.0/8}, {@code 2001:db8::/32}; bare
     * addresses without a prefix), in the order given, duplicates removed. Parsing them
     * again gives an equal set.
     *
     * @return the ranges (unmodifiable)
     */
    public List<String> ranges() {
        return canonical;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CidrSet other && canonical.equals(other.canonical);
    }

    @Override
    public int hashCode() {
        return canonical.hashCode();
    }

    @Override
    public String toString() {
        return canonical.toString();
    }

    private static boolean matches(byte[] network, int prefix, byte[] address) {
        int whole = prefix >>> 3;
        for (int i = 0; i < whole; i++) {
            if (network[i] != address[i]) {
                return false;
            }
        }
        int rest = prefix & 7;
        if (rest == 0) {
            return true;
        }
        int bits = 0xFF00 >>> rest & 0xFF;
        return ((network[whole] ^ address[whole]) & bits) == 0;
    }

    private static int parsePrefix(String range, String digits, boolean ipv4) {
        int max = ipv4 ? 32 : 128;
        boolean wellFormed = !digits.isEmpty() && digits.length() <= 3
                && digits.chars().allMatch(c -> c >= '0' && c <= '9')
                && (digits.length() == 1 || digits.charAt(0) != '0');
        int value = wellFormed ? Integer.parseInt(digits) : -1;
        if (value < 0 || value > max) {
            throw new IllegalArgumentException("prefix length must be 0 to " + max + " in \""
                    + range + "\"");
        }
        return value;
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int bit = prefix; bit < 128; bit++) {
            out[bit >>> 3] &= (byte) ~(0x80 >>> (bit & 7));
        }
        return out;
    }

    private static String render(byte[] network, int prefix) {
        // a network with host bits clear below a prefix under 96 cannot be IPv4-mapped (the
        // mapping's ffff occupies bits 80 to 95), so mapped networks always print as IPv4
        String text = IpLiterals.format(network);
        if (prefix == 128) {
            return text;
        }
        return text + "/" + (IpLiterals.isIpv4Mapped(network) ? prefix - 96 : prefix);
    }
}
