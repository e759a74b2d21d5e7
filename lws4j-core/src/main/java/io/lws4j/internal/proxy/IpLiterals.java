package io.lws4j.internal.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses IPv4 and IPv6 address literals without ever consulting a name service: a string
 * that is not a literal is refused here, so it can never reach
 * {@link InetAddress#getByName} and trigger a DNS lookup.
 *
 * <p>Addresses come out in one 16-byte form: IPv6 as is, IPv4 as its IPv4-mapped IPv6
 * address ({@code ::ffff:a.b.c.d}), so that IPv4 peers, IPv4-mapped peers and ranges of
 * either spelling compare bit by bit.
 *
 * <p>Accepted spellings: dotted-quad IPv4 with decimal parts 0 to 255 and no leading zeros
 * (so {@code 010.0.0.1} is refused rather than read as octal or decimal); RFC 4291 IPv6 text
 * with one optional {@code ::} and an optional dotted-quad tail. Zone ids ({@code %eth0}),
 * brackets and ports are not part of a literal; callers strip brackets and ports.
 *
 * <p>Thread-safe: stateless.
 */
public final class IpLiterals {

    /** Length of the 16-byte form every parsed address takes. */
    public static final int LENGTH = 16;

    /** The longest literal worth looking at (a full IPv6 address with an IPv4 tail is 45). */
    private static final int MAX_LITERAL_CHARS = 45;

    private IpLiterals() {
    }

    /**
     * Parses a literal.
     *
     * @param text the literal, without brackets, zone or port
     * @return the 16-byte form, or null when {@code text} is not an address literal
     */
    public static byte[] parse(CharSequence text) {
        return parse(text, 0, text.length());
    }

    /**
     * Parses the literal {@code text[from, to)}.
     *
     * @param text the text holding the literal
     * @param from first char of the literal
     * @param to one past its last char
     * @return the 16-byte form, or null when the range is not an address literal
     */
    public static byte[] parse(CharSequence text, int from, int to) {
        if (to - from < 2 || to - from > MAX_LITERAL_CHARS) {
            return null;
        }
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == ':') {
                return parseIpv6(text, from, to);
            }
        }
        byte[] out = new byte[LENGTH];
        out[10] = (byte) 0xFF;
        out[11] = (byte) 0xFF;
        return parseIpv4(text, from, to, out, 12) ? out : null;
    }

    /**
     * Whether a 16-byte address is IPv4-mapped ({@code ::ffff:0:0/96}).
     *
     * @param address a 16-byte address
     * @return true when it stands for an IPv4 address
     */
    public static boolean isIpv4Mapped(byte[] address) {
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xFF && address[11] == (byte) 0xFF;
    }

    /**
     * The 16-byte form of a socket address's IP.
     *
     * @param address an address (Inet4Address or Inet6Address)
     * @return its 16-byte form
     */
    public static byte[] toBytes(InetAddress address) {
        byte[] raw = address.getAddress();
        if (raw.length == LENGTH) {
            return raw;
        }
        byte[] out = new byte[LENGTH];
        out[10] = (byte) 0xFF;
        out[11] = (byte) 0xFF;
        System.arraycopy(raw, 0, out, 12, 4);
        return out;
    }

    /**
     * The JDK address for a 16-byte form: an {@link java.net.Inet4Address} for IPv4-mapped
     * bytes, otherwise an {@link java.net.Inet6Address}. No lookup happens (no host name is
     * given).
     *
     * @param address a 16-byte address
     * @return the JDK address
     */
    public static InetAddress toInetAddress(byte[] address) {
        if (address.length != LENGTH) {
            throw new IllegalArgumentException("not a 16-byte address: " + address.length);
        }
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new AssertionError("16 bytes is a legal address length", e);
        }
    }

    /**
     * Canonical text of a 16-byte form: dotted quad for IPv4-mapped addresses, RFC 5952
     * text (lower case, longest zero run compressed) otherwise.
     *
     * @param address a 16-byte address
     * @return the text
     */
    public static String format(byte[] address) {
        if (isIpv4Mapped(address)) {
            return (address[12] & 0xFF) + "." + (address[13] & 0xFF) + "."
                    + (address[14] & 0xFF) + "." + (address[15] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (group(address, i) != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && group(address, j) == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(group(address, i)));
        }
        return sb.toString();
    }

    private static int group(byte[] address, int index) {
        return (address[2 * index] & 0xFF) << 8 | (address[2 * index + 1] & 0xFF);
    }

    private static boolean parseIpv4(CharSequence text, int from, int to, byte[] out, int at) {
        int part = 0;
        int i = from;
        while (part < 4) {
            int start = i;
            int value = 0;
            while (i < to && i - start < 3) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                value = value * 10 + (c - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || value > 255 || (digits > 1 && text.charAt(start) == '0')) {
                return false;
            }
            out[at + part] = (byte) value;
            part++;
            if (part < 4) {
                if (i >= to || text.charAt(i) != '.') {
                    return false;
                }
                i++;
            }
        }
        return i == to;
    }

    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static byte[] parseIpv6(CharSequence text, int from, int to) {
        byte[] out = new byte[LENGTH];
        int groups = 0;
        int gap = -1;
        int i = from;
        if (text.charAt(i) == ':') {
            if (to - i < 2 || text.charAt(i + 1) != ':') {
                return null;
            }
            gap = 0;
            i += 2;
            if (i == to) {
                return out;
            }
        }
        while (i < to) {
            if (groups == 8) {
                return null;
            }
            int start = i;
            int value = 0;
            while (i < to && i - start < 4) {
                int digit = hexDigit(text.charAt(i));
                if (digit < 0) {
                    break;
                }
                value = value << 4 | digit;
                i++;
            }
            if (i < to && text.charAt(i) == '.') {
                if (groups > 6 || !parseIpv4(text, start, to, out, 2 * groups)) {
                    return null;
                }
                groups += 2;
                i = to;
                break;
            }
            if (i == start) {
                return null;
            }
            out[2 * groups] = (byte) (value >>> 8);
            out[2 * groups + 1] = (byte) value;
            groups++;
            if (i == to) {
                break;
            }
            if (text.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < to && text.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = groups;
                i++;
                if (i == to) {
                    break;
                }
            } else if (i == to) {
                return null;
            }
        }
        if (gap < 0) {
            return groups == 8 ? out : null;
        }
        if (groups == 8) {
            return null;
        }
        int tail = groups - gap;
        int shift = 8 - groups;
        System.arraycopy(out, 2 * gap, out, 2 * (gap + shift), 2 * tail);
        java.util.Arrays.fill(out, 2 * gap, 2 * (gap + shift), (byte) 0);
        return out;
    }
}
