package io.lws4j.internal.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The address block of a PROXY protocol v2 header: source address, destination address,
 * source port, destination port, in network byte order.
 *
 * <p>Thread-safe: stateless.
 */
final class V2Addresses {

    /** {@code AF_UNSPEC}: no addresses. */
    static final int UNSPEC = 0;
    /** {@code AF_INET}: 4 + 4 + 2 + 2 bytes. */
    static final int INET = 1;
    /** {@code AF_INET6}: 16 + 16 + 2 + 2 bytes. */
    static final int INET6 = 2;
    /** {@code AF_UNIX}: two 108-byte paths. */
    static final int UNIX = 3;

    private V2Addresses() {
    }

    /**
     * The size of a family's address block.
     *
     * @param family 0 to 3
     * @return 0, 12, 36 or 216
     */
    static int blockLength(int family) {
        return switch (family) {
            case INET -> 12;
            case INET6 -> 36;
            case UNIX -> 216;
            default -> 0;
        };
    }

    /**
     * Reads source and destination.
     *
     * @param family the family nibble
     * @param block the payload, at least {@link #blockLength} bytes
     * @return {source, destination}, or null for families without internet addresses
     */
    static InetSocketAddress[] parse(int family, byte[] block) {
        int size;
        if (family == INET) {
            size = 4;
        } else if (family == INET6) {
            size = 16;
        } else {
            return null;
        }
        byte[] source = new byte[size];
        byte[] destination = new byte[size];
        System.arraycopy(block, 0, source, 0, size);
        System.arraycopy(block, size, destination, 0, size);
        int sourcePort = (block[2 * size] & 0xFF) << 8 | (block[2 * size + 1] & 0xFF);
        int destinationPort = (block[2 * size + 2] & 0xFF) << 8 | (block[2 * size + 3] & 0xFF);
        return new InetSocketAddress[] {
            new InetSocketAddress(address(source), sourcePort),
            new InetSocketAddress(address(destination), destinationPort)
        };
    }

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 and 16 bytes are legal address lengths", e);
        }
    }
}
