package io.lws4j.internal.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProxyProtocolDecoderTest {

    private static final byte[] SIGNATURE = {
        0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A
    };
    private static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private static InetSocketAddress socket(String literal, int port) {
        return new InetSocketAddress(IpLiterals.toInetAddress(IpLiterals.parse(literal)), port);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A v2 header laid out by hand: signature, ver/cmd, fam/proto, big-endian length, payload. */
    private static byte[] v2(int versionCommand, int familyTransport, byte[] payload) {
        return concat(SIGNATURE, new byte[] {(byte) versionCommand, (byte) familyTransport,
            (byte) (payload.length >>> 8), (byte) payload.length}, payload);
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static byte[] tlv(int type, byte[] value) {
        return concat(bytes(type, value.length >>> 8, value.length & 0xFF), value);
    }

    /** 192.0.2.1:56324 -> 198.51.100.7:443. */
    private static final byte[] INET_BLOCK = bytes(192, 0, 2, 1, 198, 51, 100, 7, 0xDC, 0x04, 0x01, 0xBB);

    private static byte[] inet6Block() {
        return concat(IpLiterals.parse("2001:db8::1"), IpLiterals.parse("2001:db8::2"), bytes(0x30, 0x39, 0, 80));
    }

    /**
     * Decodes {@code header + REQUEST} in every two-piece split and byte by byte; each time the
     * same answer must come out and, on success, exactly the request must be left unread.
     */
    private static ProxyProtocolResult decodeEverySplit(byte[] header) {
        byte[] wire = concat(header, REQUEST);
        ProxyProtocolResult whole = decodeInPieces(wire, wire.length);
        for (int split = 0; split <= wire.length; split++) {
            ProxyProtocolDecoder decoder = new ProxyProtocolDecoder();
            ByteBuffer first = ByteBuffer.wrap(wire, 0, split);
            ProxyProtocolResult answer = decoder.decode(first);
            int consumed = first.position();
            if (answer == ProxyProtocolResult.NEED_MORE) {
                assertThat(first.hasRemaining()).isFalse();
                ByteBuffer second = ByteBuffer.wrap(wire, split, wire.length - split);
                answer = decoder.decode(second);
                consumed = second.position();
            }
            assertThat(answer).as("split at %d", split).isEqualTo(whole);
            if (answer instanceof ProxyProtocolResult.Proxied) {
                assertThat(consumed).as("stops right after the header").isEqualTo(header.length);
            }
        }
        assertThat(decodeInPieces(wire, 1)).isEqualTo(whole);
        return whole;
    }

    private static ProxyProtocolResult decodeInPieces(byte[] wire, int piece) {
        ProxyProtocolDecoder decoder = new ProxyProtocolDecoder();
        int at = 0;
        while (at < wire.length) {
            ByteBuffer src = ByteBuffer.wrap(wire, at, Math.min(piece, wire.length - at));
            ProxyProtocolResult answer = decoder.decode(src);
            at = src.position();
            if (answer != ProxyProtocolResult.NEED_MORE) {
                if (answer instanceof ProxyProtocolResult.Proxied) {
                    assertThat(Arrays.copyOfRange(wire, at, wire.length)).isEqualTo(REQUEST);
                }
                return answer;
            }
        }
        return ProxyProtocolResult.NEED_MORE;
    }

    private static String failure(byte[] header) {
        ProxyProtocolResult answer = decodeEverySplit(header);
        assertThat(answer).isInstanceOf(ProxyProtocolResult.Failed.class);
        return ((ProxyProtocolResult.Failed) answer).reason();
    }

    // --- v1 ---

    @Test
    void v1Tcp4() {
        ProxyProtocolResult answer = decodeEverySplit(ascii("PROXY TCP4 192.0.2.1 198.51.100.7 56324 443\r\n"));
        assertThat(answer).isEqualTo(new ProxyProtocolResult.Proxied(1, false,
                socket("192.0.2.1", 56324), socket("198.51.100.7", 443)));
    }

    @Test
    void v1Tcp6() {
        ProxyProtocolResult answer = decodeEverySplit(ascii("PROXY TCP6 2001:db8::1 ::1 0 65535\r\n"));
        assertThat(answer).isEqualTo(new ProxyProtocolResult.Proxied(1, false,
                socket("2001:db8::1", 0), socket("::1", 65535)));
    }

    @Test
    void v1LongestHeadersFit() {
        String address = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        String tcp6 = "PROXY TCP6 " + address + " " + address + " 65535 65535\r\n";
        assertThat(tcp6).hasSize(104);
        assertThat(decodeEverySplit(ascii(tcp6))).isEqualTo(new ProxyProtocolResult.Proxied(1, false,
                socket(address, 65535), socket(address, 65535)));
        String unknown = "PROXY UNKNOWN " + address + " " + address + " 65535 65535\r\n";
        assertThat(unknown).hasSize(ProxyProtocolDecoder.V1_MAX_BYTES);
        assertThat(decodeEverySplit(ascii(unknown))).isEqualTo(new ProxyProtocolResult.Proxied(1, false, null, null));
    }

    @Test
    void v1OneByteTooLongFails() {
        String line = "PROXY UNKNOWN " + "x".repeat(92) + "\r\n";
        assertThat(line).hasSize(ProxyProtocolDecoder.V1_MAX_BYTES + 1);
        assertThat(failure(ascii(line))).contains("longer than 107 bytes");
        String fits = "PROXY UNKNOWN " + "x".repeat(91) + "\r\n";
        assertThat(decodeEverySplit(ascii(fits))).isEqualTo(new ProxyProtocolResult.Proxied(1, false, null, null));
    }

    @Test
    void v1UnknownIgnoresTheRestOfTheLine() {
        ProxyProtocolResult plain = decodeEverySplit(ascii("PROXY UNKNOWN\r\n"));
        assertThat(plain).isEqualTo(new ProxyProtocolResult.Proxied(1, false, null, null));
        ProxyProtocolResult withJunk = decodeEverySplit(ascii("PROXY UNKNOWN \u00ff\u0001 whatever 1 2\r\n"));
        assertThat(withJunk).isEqualTo(plain);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "PROXY TCP4 192.0.2.1 198.51.100.7 56324 443\n",
        "PROXY TCP4 192.0.2.1 198.51.100.7 56324 443\rX\n",
        "PROXY TCP4  192.0.2.1 198.51.100.7 56324 443\r\n",
        "PROXY TCP4 192.0.2.1 198.51.100.7 56324\r\n",
        "PROXY TCP4 192.0.2.1 198.51.100.7 56324 443 1\r\n",
        "PROXY TCP4 192.0.2.1 198.51.100.7 056324 443\r\n",
        "PROXY TCP4 192.0.2.1 198.51.100.7 65536 443\r\n",
        "PROXY TCP4 192.0.2.1 198.51.100.7 -1 443\r\n",
        "PROXY TCP4 2001:db8::1 198.51.100.7 1 2\r\n",
        "PROXY TCP6 192.0.2.1 ::1 1 2\r\n",
        "PROXY TCP4 proxy.example 198.51.100.7 1 2\r\n",
        "PROXY TCP4 192.0.2.01 198.51.100.7 1 2\r\n",
        "PROXY UDP4 192.0.2.1 198.51.100.7 1 2\r\n",
        "PROXY tcp4 192.0.2.1 198.51.100.7 1 2\r\n",
        "PROXY UNKNOWNX\r\n",
        "PROXY \r\n",
        "PROXY TCP4 192.0.2.1 198.51.100.7 1 2 \r\n",
        "PROXY TCP4 192.0.2.1\u00a0198.51.100.7 1 2\r\n",
        "PROXY\tTCP4 192.0.2.1 198.51.100.7 1 2\r\n",
        "PROXYTCP4 192.0.2.1 198.51.100.7 1 2\r\n",
        "proxy TCP4 192.0.2.1 198.51.100.7 1 2\r\n",
    })
    void v1MalformedFails(String header) {
        assertThat(failure(ascii(header))).isNotBlank();
    }

    @Test
    void plainHttpFailsOnItsSecondByte() {
        ProxyProtocolDecoder decoder = new ProxyProtocolDecoder();
        ByteBuffer src = ByteBuffer.wrap(ascii("POST / HTTP/1.1\r\n\r\n"));
        ProxyProtocolResult answer = decoder.decode(src);
        assertThat(answer).isInstanceOf(ProxyProtocolResult.Failed.class);
        assertThat(((ProxyProtocolResult.Failed) answer).reason()).contains("not a PROXY protocol header");
        assertThat(src.position()).isEqualTo(2);
        assertThat(failure(REQUEST)).contains("first byte 0x47");
        assertThat(failure(bytes(0x16, 0x03, 0x01))).contains("first byte 0x16");
    }

    @Test
    void failedAndDoneAreAbsorbing() {
        ProxyProtocolDecoder failed = new ProxyProtocolDecoder();
        ProxyProtocolResult first = failed.decode(ByteBuffer.wrap(ascii("GET")));
        ByteBuffer more = ByteBuffer.wrap(ascii("PROXY UNKNOWN\r\n"));
        assertThat(failed.decode(more)).isSameAs(first);
        assertThat(more.position()).isZero();

        ProxyProtocolDecoder done = new ProxyProtocolDecoder();
        ProxyProtocolResult header = done.decode(ByteBuffer.wrap(ascii("PROXY UNKNOWN\r\n")));
        ByteBuffer next = ByteBuffer.wrap(ascii("PROXY TCP4 1.2.3.4 1.2.3.4 1 2\r\n"));
        assertThat(done.decode(next)).isSameAs(header);
        assertThat(next.position()).isZero();
    }

    @Test
    void emptyInputNeedsMore() {
        ProxyProtocolDecoder decoder = new ProxyProtocolDecoder();
        assertThat(decoder.decode(ByteBuffer.allocate(0))).isSameAs(ProxyProtocolResult.NEED_MORE);
        assertThat(decoder.decode(ByteBuffer.wrap(ascii("PROXY TCP4 1.2")))).isSameAs(ProxyProtocolResult.NEED_MORE);
    }

    // --- v2 ---

    @Test
    void v2ProxyInet() {
        ProxyProtocolResult answer = decodeEverySplit(v2(0x21, 0x11, INET_BLOCK));
        assertThat(answer).isEqualTo(new ProxyProtocolResult.Proxied(2, false,
                socket("192.0.2.1", 56324), socket("198.51.100.7", 443)));
    }

    @Test
    void v2ProxyInet6() {
        ProxyProtocolResult answer = decodeEverySplit(v2(0x21, 0x21, inet6Block()));
        assertThat(answer).isEqualTo(new ProxyProtocolResult.Proxied(2, false,
                socket("2001:db8::1", 12345), socket("2001:db8::2", 80)));
    }

    @Test
    void v2LocalKeepsTheConnectionsAddresses() {
        assertThat(decodeEverySplit(v2(0x20, 0x00, new byte[0])))
                .isEqualTo(new ProxyProtocolResult.Proxied(2, true, null, null));
        assertThat(decodeEverySplit(v2(0x20, 0x11, INET_BLOCK)))
                .isEqualTo(new ProxyProtocolResult.Proxied(2, true, null, null));
    }

    @Test
    void v2UnspecAndUnixCarryNoInternetAddress() {
        assertThat(decodeEverySplit(v2(0x21, 0x00, bytes(1, 2, 3))))
                .isEqualTo(new ProxyProtocolResult.Proxied(2, false, null, null));
        byte[] unix = new byte[216];
        unix[0] = '/';
        assertThat(decodeEverySplit(v2(0x21, 0x31, unix)))
                .isEqualTo(new ProxyProtocolResult.Proxied(2, false, null, null));
    }

    @Test
    void v2TlvsAreSkipped() {
        byte[] payload = concat(INET_BLOCK, tlv(0x01, ascii("h2")), tlv(0x02, ascii("example.com")),
                tlv(0x04, new byte[0]), tlv(0x20, bytes(1, 0, 0, 0, 0, 0x21, 0, 3, 'T', 'L', 'S')),
                tlv(0xEA, ascii("vpce-0123456789")));
        ProxyProtocolResult answer = decodeEverySplit(v2(0x21, 0x11, payload));
        assertThat(answer).isEqualTo(new ProxyProtocolResult.Proxied(2, false,
                socket("192.0.2.1", 56324), socket("198.51.100.7", 443)));
    }

    @Test
    void v2Crc32cIsChecked() {
        byte[] withZeroCrc = v2(0x21, 0x11, concat(INET_BLOCK, tlv(0x03, new byte[4]), tlv(0x01, ascii("h2"))));
        CRC32C crc = new CRC32C();
        crc.update(withZeroCrc);
        int value = (int) crc.getValue();
        byte[] good = withZeroCrc.clone();
        int at = 16 + 12 + 3;
        good[at] = (byte) (value >>> 24);
        good[at + 1] = (byte) (value >>> 16);
        good[at + 2] = (byte) (value >>> 8);
        good[at + 3] = (byte) value;
        assertThat(decodeEverySplit(good)).isInstanceOf(ProxyProtocolResult.Proxied.class);

        byte[] bad = good.clone();
        bad[16] ^= 1; // the source address changed in transit
        assertThat(failure(bad)).contains("CRC32C");
        byte[] badValue = good.clone();
        badValue[at + 3] ^= 1;
        assertThat(failure(badValue)).contains("CRC32C");
        assertThat(failure(v2(0x21, 0x11, concat(INET_BLOCK, tlv(0x03, new byte[3])))))
                .contains("CRC32C TLV has length 3");
    }

    @Test
    void v2SignatureMismatchFailsAtTheFirstWrongByte() {
        for (int i = 1; i < SIGNATURE.length; i++) {
            byte[] header = v2(0x21, 0x11, INET_BLOCK);
            header[i] ^= 0x40;
            ProxyProtocolDecoder decoder = new ProxyProtocolDecoder();
            ByteBuffer src = ByteBuffer.wrap(header);
            ProxyProtocolResult answer = decoder.decode(src);
            assertThat(answer).isInstanceOf(ProxyProtocolResult.Failed.class);
            assertThat(((ProxyProtocolResult.Failed) answer).reason()).contains("signature mismatch at byte " + i);
            assertThat(src.position()).isEqualTo(i + 1);
        }
    }

    @Test
    void v2BadVersionCommandFamilyOrTransportFails() {
        assertThat(failure(v2(0x11, 0x11, INET_BLOCK))).contains("version 1");
        assertThat(failure(v2(0x31, 0x11, INET_BLOCK))).contains("version 3");
        assertThat(failure(v2(0x22, 0x11, INET_BLOCK))).contains("unknown command 2");
        assertThat(failure(v2(0x2F, 0x11, INET_BLOCK))).contains("unknown command 15");
        assertThat(failure(v2(0x21, 0x41, INET_BLOCK))).contains("unknown address family 4");
        assertThat(failure(v2(0x21, 0x13, INET_BLOCK))).contains("unknown transport 3");
        assertThat(failure(v2(0x21, 0x12, INET_BLOCK))).contains("datagram");
    }

    @Test
    void v2LengthsAreBounded() {
        assertThat(failure(v2(0x21, 0x11, Arrays.copyOf(INET_BLOCK, 11)))).contains("shorter than the 12-byte");
        assertThat(failure(v2(0x21, 0x21, new byte[35]))).contains("shorter than the 36-byte");
        assertThat(failure(v2(0x21, 0x31, new byte[215]))).contains("shorter than the 216-byte");
        byte[] huge = v2(0x21, 0x11, new byte[0]);
        huge[14] = (byte) 0xFF;
        huge[15] = (byte) 0xFF;
        ProxyProtocolDecoder decoder = new ProxyProtocolDecoder();
        ProxyProtocolResult answer = decoder.decode(ByteBuffer.wrap(huge));
        assertThat(((ProxyProtocolResult.Failed) answer).reason()).contains("65535 exceeds the limit of 4096");
        ProxyProtocolDecoder roomy = new ProxyProtocolDecoder(65535);
        assertThat(roomy.decode(ByteBuffer.wrap(huge))).isSameAs(ProxyProtocolResult.NEED_MORE);
        byte[] big = v2(0x21, 0x11, concat(INET_BLOCK, tlv(0xE0, new byte[60_000])));
        ProxyProtocolDecoder large = new ProxyProtocolDecoder(65535);
        ByteBuffer src = ByteBuffer.wrap(concat(big, REQUEST));
        assertThat(large.decode(src)).isInstanceOf(ProxyProtocolResult.Proxied.class);
        assertThat(src.remaining()).isEqualTo(REQUEST.length);
    }

    @Test
    void v2MalformedTlvsFail() {
        assertThat(failure(v2(0x21, 0x11, concat(INET_BLOCK, bytes(0x01, 0x00)))))
                .contains("inside a TLV's type and length");
        assertThat(failure(v2(0x21, 0x11, concat(INET_BLOCK, bytes(0x02, 0x00, 0x05, 'a', 'b')))))
                .contains("TLV 0x02 of 5 bytes overruns");
    }

    @Test
    void v2LocalAndUnspecBlocksAreDiscardedUnread() {
        assertThat(decodeEverySplit(v2(0x20, 0x00, bytes(0x04, 0xFF, 0xFF))))
                .isEqualTo(new ProxyProtocolResult.Proxied(2, true, null, null));
        assertThat(decodeEverySplit(v2(0x20, 0x11, concat(INET_BLOCK, tlv(0x03, new byte[4])))))
                .isEqualTo(new ProxyProtocolResult.Proxied(2, true, null, null));
        assertThat(decodeEverySplit(v2(0x21, 0x01, bytes(0x01, 0x00))))
                .isEqualTo(new ProxyProtocolResult.Proxied(2, false, null, null));
    }

    @Test
    void decoderBoundIsChecked() {
        assertThatThrownBy(() -> new ProxyProtocolDecoder(215)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("216 to 65535");
        assertThatThrownBy(() -> new ProxyProtocolDecoder(65536)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resultsCheckTheirComponents() {
        assertThatThrownBy(() -> new ProxyProtocolResult.Proxied(3, false, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ProxyProtocolResult.Proxied(1, false, socket("::1", 1), null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
