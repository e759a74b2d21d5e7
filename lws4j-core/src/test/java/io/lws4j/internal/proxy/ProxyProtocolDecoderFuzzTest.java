package io.lws4j.internal.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of {@link ProxyProtocolDecoder}. Without {@code JAZZER_FUZZ=1} each
 * method runs once per file of its seed corpus
 * ({@code src/test/resources/io/lws4j/internal/proxy/ProxyProtocolDecoderFuzzTestInputs/<method>/})
 * as a regression test.
 */
class ProxyProtocolDecoderFuzzTest {

    private static final int LARGE_LIMIT = 65535;

    /** What one decode run produced and how many bytes it took. */
    private record Outcome(ProxyProtocolResult result, int consumed) {
    }

    /**
     * Input layout: byte 0 chooses the chunk size (1..64, low 6 bits) and the v2 bound (bit 6:
     * 65535 instead of the default); the rest is the bytes on the wire.
     *
     * <p>Checks: any bytes give NEED_MORE, a header or a failure and nothing else; the answer
     * and the bytes consumed do not depend on the chunking; a header never takes more than
     * its version's bound; NEED_MORE takes everything offered; a TCP4 v1 header reads back
     * to exactly the consumed line; a v2 INET header's addresses are the bytes it carried.
     */
    @FuzzTest(maxDuration = "2m")
    void arbitraryBytesGiveAHeaderAFailureOrNeedMore(byte[] data) {
        if (data.length < 1) {
            return;
        }
        int chunk = (data[0] & 0x3F) + 1;
        int limit = (data[0] & 0x40) != 0 ? LARGE_LIMIT : ProxyProtocolDecoder.DEFAULT_MAX_V2_PAYLOAD;
        byte[] wire = Arrays.copyOfRange(data, 1, data.length);

        Outcome whole = decode(wire, wire.length, limit);
        Outcome chunked = decode(wire, chunk, limit);
        assertThat(chunked).as("same outcome whatever the chunking").isEqualTo(whole);

        ProxyProtocolResult result = whole.result();
        if (result == ProxyProtocolResult.NEED_MORE) {
            assertThat(whole.consumed()).isEqualTo(wire.length);
            assertThat(wire.length).isLessThan(16 + limit);
        } else if (result instanceof ProxyProtocolResult.Failed failed) {
            assertThat(failed.reason()).isNotBlank();
            assertThat(whole.consumed()).isLessThanOrEqualTo(16 + limit);
        } else {
            ProxyProtocolResult.Proxied proxied = (ProxyProtocolResult.Proxied) result;
            byte[] header = Arrays.copyOf(wire, whole.consumed());
            if (proxied.version() == 1) {
                assertThat(header.length).isLessThanOrEqualTo(ProxyProtocolDecoder.V1_MAX_BYTES);
                assertThat(new String(header, 0, 6, StandardCharsets.ISO_8859_1)).isEqualTo("PROXY ");
                assertThat(header[header.length - 2]).isEqualTo((byte) '\r');
                assertThat(header[header.length - 1]).isEqualTo((byte) '\n');
                if (header[9] == '4') {
                    assertThat(new String(header, StandardCharsets.ISO_8859_1)).isEqualTo("PROXY TCP4 "
                            + proxied.source().getAddress().getHostAddress() + " "
                            + proxied.destination().getAddress().getHostAddress() + " "
                            + proxied.source().getPort() + " " + proxied.destination().getPort() + "\r\n");
                }
            } else {
                int length = (header[14] & 0xFF) << 8 | (header[15] & 0xFF);
                assertThat(header.length).isEqualTo(16 + length);
                assertThat(length).isLessThanOrEqualTo(limit);
                assertThat(proxied.local()).isEqualTo((header[12] & 0x0F) == 0);
                if (proxied.source() != null && header[13] >>> 4 == 1) {
                    assertThat(proxied.source().getAddress().getAddress()).isEqualTo(Arrays.copyOfRange(header, 16, 20));
                    assertThat(proxied.destination().getAddress().getAddress())
                            .isEqualTo(Arrays.copyOfRange(header, 20, 24));
                    assertThat(proxied.source().getPort()).isEqualTo((header[24] & 0xFF) << 8 | (header[25] & 0xFF));
                }
            }
        }
    }

    /**
     * Input layout: byte 0 picks the form (bit 0: v2 instead of v1, bit 1: IPv6), byte 1 the
     * number of random TLV bytes to append to a v2 header as one TLV; the next 36 bytes are
     * the source and destination addresses (16 each, the first 4 for IPv4) and the ports.
     * The header is built the way a proxy would, followed by an HTTP request; decoding it in
     * any chunking gives exactly those addresses and leaves exactly the request.
     */
    @FuzzTest(maxDuration = "2m")
    void headersBuiltFromAnyAddressesDecodeToThem(byte[] data) {
        if (data.length < 38) {
            return;
        }
        boolean v2 = (data[0] & 1) != 0;
        boolean ipv6 = (data[0] & 2) != 0;
        int tlvBytes = data[1] & 0xFF;
        int size = ipv6 ? 16 : 4;
        byte[] source = Arrays.copyOfRange(data, 2, 2 + size);
        byte[] destination = Arrays.copyOfRange(data, 18, 18 + size);
        int sourcePort = (data[34] & 0xFF) << 8 | (data[35] & 0xFF);
        int destinationPort = (data[36] & 0xFF) << 8 | (data[37] & 0xFF);
        InetSocketAddress from = new InetSocketAddress(jdk(source), sourcePort);
        InetSocketAddress to = new InetSocketAddress(jdk(destination), destinationPort);

        ByteArrayOutputStream header = new ByteArrayOutputStream();
        if (v2) {
            byte[] tlvValue = Arrays.copyOfRange(data, 38, Math.min(data.length, 38 + tlvBytes));
            int length = 2 * size + 4 + 3 + tlvValue.length;
            header.writeBytes(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A,
                0x21, (byte) (ipv6 ? 0x21 : 0x11), (byte) (length >>> 8), (byte) length});
            header.writeBytes(source);
            header.writeBytes(destination);
            header.writeBytes(new byte[] {(byte) (sourcePort >>> 8), (byte) sourcePort,
                (byte) (destinationPort >>> 8), (byte) destinationPort});
            header.writeBytes(new byte[] {(byte) 0xE0, 0, (byte) tlvValue.length});
            header.writeBytes(tlvValue);
        } else {
            // Inet6Address.getHostAddress spells IPv6 in full, which v1 accepts
            String line = "PROXY " + (ipv6 ? "TCP6 " : "TCP4 ") + text(source) + " " + text(destination) + " "
                    + sourcePort + " " + destinationPort + "\r\n";
            header.writeBytes(line.getBytes(StandardCharsets.US_ASCII));
        }
        byte[] request = "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
        int headerLength = header.size();
        header.writeBytes(request);
        byte[] wire = header.toByteArray();
        int chunk = 1 + (data[0] & 0xFF) % 23;
        Outcome outcome = decode(wire, chunk, ProxyProtocolDecoder.DEFAULT_MAX_V2_PAYLOAD);
        assertThat(outcome.result()).isEqualTo(new ProxyProtocolResult.Proxied(v2 ? 2 : 1, false, from, to));
        assertThat(outcome.consumed()).isEqualTo(headerLength);
    }

    private static InetAddress jdk(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static String text(byte[] raw) {
        if (raw.length == 4) {
            return (raw[0] & 0xFF) + "." + (raw[1] & 0xFF) + "." + (raw[2] & 0xFF) + "." + (raw[3] & 0xFF);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 16; i += 2) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(Integer.toHexString((raw[i] & 0xFF) << 8 | (raw[i + 1] & 0xFF)));
        }
        return sb.toString();
    }

    private static Outcome decode(byte[] wire, int chunk, int limit) {
        ProxyProtocolDecoder decoder = new ProxyProtocolDecoder(limit);
        int at = 0;
        while (at < wire.length) {
            ByteBuffer src = ByteBuffer.wrap(wire, at, Math.min(chunk, wire.length - at));
            ProxyProtocolResult result = decoder.decode(src);
            at = src.position();
            if (result != ProxyProtocolResult.NEED_MORE) {
                return new Outcome(result, at);
            }
            assertThat(src.hasRemaining()).as("NEED_MORE leaves nothing unread").isFalse();
        }
        return new Outcome(ProxyProtocolResult.NEED_MORE, at);
    }
}
