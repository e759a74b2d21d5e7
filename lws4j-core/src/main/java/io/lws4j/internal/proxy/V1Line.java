package io.lws4j.internal.proxy;

import java.net.InetSocketAddress;

/**
 * The line of a PROXY protocol v1 header, CRLF already checked and removed:
 * {@code PROXY TCP4|TCP6 src dst sport dport} or {@code PROXY UNKNOWN[ anything]}.
 *
 * <p>Thread-safe: stateless.
 */
final class V1Line {

    private static final int PREFIX = "PROXY ".length();
    private static final byte[] UNKNOWN = "UNKNOWN".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private V1Line() {
    }

    /**
     * Parses the line.
     *
     * @param line the bytes, starting with {@code "PROXY "}
     * @param length the line length without CRLF
     * @return the header or the failure
     */
    static ProxyProtocolResult parse(byte[] line, int length) {
        if (isUnknown(line, length)) {
            // the spec has receivers ignore whatever follows UNKNOWN up to the CRLF
            return new ProxyProtocolResult.Proxied(1, false, null, null);
        }
        String text = ascii(line, length);
        if (text == null) {
            return failed("v1 header contains a byte that is not printable ASCII");
        }
        String rest = text.substring(PREFIX);
        String[] parts = rest.split(" ", -1);
        if (parts.length != 5) {
            return failed("v1 header needs protocol, two addresses and two ports separated by"
                    + " single spaces");
        }
        boolean ipv6;
        if (parts[0].equals("TCP4")) {
            ipv6 = false;
        } else if (parts[0].equals("TCP6")) {
            ipv6 = true;
        } else {
            return failed("v1 header has unknown protocol \"" + parts[0] + "\"");
        }
        byte[] source = address(parts[1], ipv6);
        byte[] destination = address(parts[2], ipv6);
        if (source == null || destination == null) {
            return failed("v1 header address is not a literal of its family " + parts[0]);
        }
        int sourcePort = port(parts[3]);
        int destinationPort = port(parts[4]);
        if (sourcePort < 0 || destinationPort < 0) {
            return failed("v1 header port is not a decimal 0 to 65535 without leading zeros");
        }
        return new ProxyProtocolResult.Proxied(1, false,
                new InetSocketAddress(IpLiterals.toInetAddress(source), sourcePort),
                new InetSocketAddress(IpLiterals.toInetAddress(destination), destinationPort));
    }

    private static boolean isUnknown(byte[] line, int length) {
        int end = PREFIX + UNKNOWN.length;
        if (length < end || (length > end && line[end] != ' ')) {
            return false;
        }
        for (int i = 0; i < UNKNOWN.length; i++) {
            if (line[PREFIX + i] != UNKNOWN[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] address(String text, boolean ipv6) {
        if (text.indexOf(':') >= 0 != ipv6) {
            return null;
        }
        return IpLiterals.parse(text);
    }

    private static int port(String text) {
        if (text.isEmpty() || text.length() > 5 || (text.length() > 1 && text.charAt(0) == '0')) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= 65535 ? value : -1;
    }

    private static String ascii(byte[] line, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            int b = line[i] & 0xFF;
            if (b < 0x20 || b > 0x7E) {
                return null;
            }
            chars[i] = (char) b;
        }
        return new String(chars);
    }

    private static ProxyProtocolResult failed(String reason) {
        return new ProxyProtocolResult.Failed(reason);
    }
}
