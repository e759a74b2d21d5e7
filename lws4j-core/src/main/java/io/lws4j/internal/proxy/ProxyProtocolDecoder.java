package io.lws4j.internal.proxy;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * An incremental decoder for the HAProxy PROXY protocol header, version 1 (text) and 2
 * (binary), which a load balancer sends first on every connection to pass on the original
 * client's address. A connection on a listener configured for it feeds received bytes here
 * before any HTTP (or TLS) parsing, until the answer is not {@link ProxyProtocolResult#NEED_MORE};
 * on {@link ProxyProtocolResult.Failed} it closes without a response. The header is
 * mandatory on such a listener: a connection that starts with anything else fails, since a
 * receiver that guessed would let any client choose its own address.
 *
 * <p>Bytes are consumed up to the end of the header and never past it, so whatever follows
 * (the HTTP request, the TLS ClientHello) stays in the buffer. A header may arrive split at
 * any byte; the decoder copies what it needs into its own arrays, bounded by
 * {@link #V1_MAX_BYTES} for v1 and {@code 16 + maxV2Payload} for v2, and fails the moment
 * a byte cannot belong to a valid header (an HTTP request starting {@code POST} fails on
 * its second byte).
 *
 * <p>Version 1: {@code PROXY TCP4|TCP6 src dst sport dport\r\n} with single spaces,
 * literal addresses of the named family (IPv4 without leading zeros), decimal ports 0 to
 * 65535 without leading zeros, at most 107 bytes with the CRLF; or {@code PROXY UNKNOWN}
 * followed by anything up to the CRLF.
 *
 * <p>Version 2: the 12-byte signature, version 2, command LOCAL or PROXY, family UNSPEC,
 * INET, INET6 or UNIX, transport UNSPEC or STREAM (DGRAM cannot carry a websocket), a
 * length at least the family's address block and at most {@code maxV2Payload}. In a
 * PROXY header of family INET, INET6 or UNIX the TLVs after the addresses must each fit in
 * the header and are skipped, except that a {@code PP2_TYPE_CRC32C} is checked against the
 * header; the block of a LOCAL or UNSPEC header is discarded unread, as the spec says.
 *
 * <p>States ({@code DONE} and {@code FAILED} are absorbing: decode then consumes nothing
 * and returns the same answer again):
 * <pre>
 * START      -&gt; V1         : first byte 'P'
 * START      -&gt; V2_HEAD    : first byte CR (0x0D)
 * V2_HEAD    -&gt; V2_PAYLOAD : 16 bytes with a valid signature, version, command and length
 * V1         -&gt; DONE       : CRLF ending a valid line
 * V2_PAYLOAD -&gt; DONE       : the announced length read and valid
 * any but DONE -&gt; FAILED   : a byte or length that no valid header can have
 * </pre>
 *
 * <p>Not thread-safe: confined to the connection's service thread (asserted).
 */
public final class ProxyProtocolDecoder {

    /** The longest v1 header, CRLF included (the spec's bound). */
    public static final int V1_MAX_BYTES = 107;
    /** The default bound on the v2 bytes after the fixed 16: addresses and TLVs. */
    public static final int DEFAULT_MAX_V2_PAYLOAD = 4096;
    /** The smallest v2 payload bound: the AF_UNIX address block. */
    public static final int MIN_MAX_V2_PAYLOAD = 216;

    private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] V2_SIGNATURE = {
        0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A
    };
    private static final int V2_HEAD_BYTES = 16;
    private static final int TLV_CRC32C = 0x03;

    private static final int START = 0;
    private static final int V1 = 1;
    private static final int V2_HEAD = 2;
    private static final int V2_PAYLOAD = 3;
    private static final int DONE = 4;
    private static final int FAILED = 5;

    private final int maxV2Payload;
    private int state = START;
    /** The v1 line or the v2 fixed head, as far as received. */
    private final byte[] head = new byte[V1_MAX_BYTES];
    private int headLength;
    /** The v2 bytes after the head; allocated once the length is known and checked. */
    private byte[] payload;
    private int payloadLength;
    private ProxyProtocolResult result;
    private Thread owner;

    /** A decoder with the default v2 bound. */
    public ProxyProtocolDecoder() {
        this(DEFAULT_MAX_V2_PAYLOAD);
    }

    /**
     * A decoder with a chosen v2 bound.
     *
     * @param maxV2Payload the most v2 bytes accepted after the fixed 16, 216 to 65535
     */
    public ProxyProtocolDecoder(int maxV2Payload) {
        if (maxV2Payload < MIN_MAX_V2_PAYLOAD || maxV2Payload > 0xFFFF) {
            throw new IllegalArgumentException("maxV2Payload must be 216 to 65535: " + maxV2Payload);
        }
        this.maxV2Payload = maxV2Payload;
    }

    /**
     * Consumes header bytes from {@code src}, never past the end of the header.
     *
     * @param src received bytes, read from its position
     * @return {@link ProxyProtocolResult#NEED_MORE} when {@code src} ended first (all of it
     *     consumed), else the header or the failure
     */
    public ProxyProtocolResult decode(ByteBuffer src) {
        assert isOwnerThread() : "decoder used from two threads";
        while (result == null && src.hasRemaining()) {
            switch (state) {
                case START -> start(src.get(src.position()));
                case V1 -> v1Byte(src.get());
                case V2_HEAD -> v2HeadByte(src.get());
                case V2_PAYLOAD -> v2PayloadBytes(src);
                default -> throw new AssertionError("state " + state);
            }
        }
        return result == null ? ProxyProtocolResult.NEED_MORE : result;
    }

    private void start(byte first) {
        if (first == V1_PREFIX[0]) {
            state = V1;
        } else if (first == V2_SIGNATURE[0]) {
            state = V2_HEAD;
        } else {
            fail("not a PROXY protocol header (first byte 0x" + hex(first) + ")");
        }
    }

    private void v1Byte(byte b) {
        if (headLength < V1_PREFIX.length) {
            if (b != V1_PREFIX[headLength]) {
                fail("not a PROXY protocol header (v1 prefix \"PROXY \" expected)");
                return;
            }
        } else if (headLength > 0 && head[headLength - 1] == '\r' && b != '\n') {
            fail("v1 header has a CR not followed by LF");
            return;
        } else if (b == '\n') {
            if (head[headLength - 1] != '\r') {
                fail("v1 header line ends with a bare LF");
                return;
            }
            head[headLength++] = b;
            finish(V1Line.parse(head, headLength - 2));
            return;
        }
        if (headLength == V1_MAX_BYTES - 1) {
            fail("v1 header longer than " + V1_MAX_BYTES + " bytes");
            return;
        }
        head[headLength++] = b;
    }

    private void v2HeadByte(byte b) {
        int at = headLength;
        head[headLength++] = b;
        if (at < V2_SIGNATURE.length) {
            if (b != V2_SIGNATURE[at]) {
                fail("not a PROXY protocol header (v2 signature mismatch at byte " + at + ")");
            }
            return;
        }
        if (at == 12) {
            int version = (b & 0xF0) >>> 4;
            int command = b & 0x0F;
            if (version != 2) {
                fail("v2 header has version " + version);
            } else if (command > 1) {
                fail("v2 header has unknown command " + command);
            }
            return;
        }
        if (at == 13) {
            int family = (b & 0xF0) >>> 4;
            int transport = b & 0x0F;
            if (family > 3) {
                fail("v2 header has unknown address family " + family);
            } else if (transport > 2) {
                fail("v2 header has unknown transport " + transport);
            } else if (transport == 2) {
                fail("v2 header announces a datagram transport on a stream connection");
            }
            return;
        }
        if (at == V2_HEAD_BYTES - 1) {
            int length = (head[14] & 0xFF) << 8 | (b & 0xFF);
            int family = (head[13] & 0xF0) >>> 4;
            int needed = V2Addresses.blockLength(family);
            if (length > maxV2Payload) {
                fail("v2 header length " + length + " exceeds the limit of " + maxV2Payload);
            } else if (length < needed) {
                fail("v2 header length " + length + " is shorter than the " + needed
                        + "-byte address block of its family");
            } else {
                payload = new byte[length];
                state = V2_PAYLOAD;
                if (length == 0) {
                    finishV2();
                }
            }
        }
    }

    private void v2PayloadBytes(ByteBuffer src) {
        int n = Math.min(src.remaining(), payload.length - payloadLength);
        src.get(payload, payloadLength, n);
        payloadLength += n;
        if (payloadLength == payload.length) {
            finishV2();
        }
    }

    private void finishV2() {
        boolean local = (head[12] & 0x0F) == 0;
        int family = (head[13] & 0xF0) >>> 4;
        int addressBytes = V2Addresses.blockLength(family);
        // LOCAL and UNSPEC headers carry nothing that is used: the spec has the receiver
        // discard their block, TLVs included
        boolean used = !local && family != V2Addresses.UNSPEC;
        String tlvProblem = used ? checkTlvs(addressBytes) : null;
        if (tlvProblem != null) {
            fail(tlvProblem);
            return;
        }
        InetSocketAddress[] ends = used ? V2Addresses.parse(family, payload) : null;
        finish(new ProxyProtocolResult.Proxied(2, local, ends == null ? null : ends[0],
                ends == null ? null : ends[1]));
    }

    /** Walks the TLVs after the address block; returns a reason when they are malformed. */
    private String checkTlvs(int from) {
        int at = from;
        while (at < payload.length) {
            if (payload.length - at < 3) {
                return "v2 header ends inside a TLV's type and length";
            }
            int type = payload[at] & 0xFF;
            int length = (payload[at + 1] & 0xFF) << 8 | (payload[at + 2] & 0xFF);
            int value = at + 3;
            if (length > payload.length - value) {
                return "v2 TLV 0x" + hex((byte) type) + " of " + length + " bytes overruns the header";
            }
            if (type == TLV_CRC32C) {
                if (length != 4) {
                    return "v2 CRC32C TLV has length " + length + ", not 4";
                }
                if (!crcMatches(value)) {
                    return "v2 header fails its CRC32C check";
                }
            }
            at = value + length;
        }
        return null;
    }

    /** CRC32C of the whole header with the checksum's own four bytes taken as zero. */
    private boolean crcMatches(int valueAt) {
        CRC32C crc = new CRC32C();
        crc.update(head, 0, V2_HEAD_BYTES);
        crc.update(payload, 0, valueAt);
        crc.update(new byte[4], 0, 4);
        crc.update(payload, valueAt + 4, payload.length - valueAt - 4);
        long expected = ((payload[valueAt] & 0xFFL) << 24) | ((payload[valueAt + 1] & 0xFFL) << 16)
                | ((payload[valueAt + 2] & 0xFFL) << 8) | (payload[valueAt + 3] & 0xFFL);
        return crc.getValue() == expected;
    }

    private void finish(ProxyProtocolResult answer) {
        if (answer instanceof ProxyProtocolResult.Failed) {
            state = FAILED;
        } else {
            state = DONE;
        }
        result = answer;
        payload = null;
    }

    private void fail(String reason) {
        finish(new ProxyProtocolResult.Failed(reason));
    }

    private static String hex(byte b) {
        return String.format("%02x", b & 0xFF);
    }

    private boolean isOwnerThread() {
        Thread current = Thread.currentThread();
        if (owner == null) {
            owner = current;
        }
        return owner == current;
    }
}
