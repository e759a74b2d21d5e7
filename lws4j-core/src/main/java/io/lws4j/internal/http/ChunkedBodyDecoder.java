package io.lws4j.internal.http;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * A push decoder for a request body in the chunked transfer coding (RFC 9112 section 7.1),
 * fed whatever bytes have arrived; it takes from the buffer only the bytes of the body, so
 * what follows (a pipelined request) stays there.
 *
 * <p>Strict rules, each failing with the status named; the position in the connection's
 * byte stream is lost after an error, so the caller closes the connection:
 * <ul>
 *   <li>a chunk size is 1 to {@value #MAX_SIZE_DIGITS} hex digits (400); a size that would
 *       take the body past {@code maxBodyBytes} fails at once, before its data is read
 *       (413);</li>
 *   <li>chunk extensions ({@code ;name=value}, after optional spaces) are skipped, at most
 *       {@value #MAX_EXTENSION_BYTES} bytes per chunk line, visible characters, spaces and
 *       tabs only (400);</li>
 *   <li>every line ends with CRLF, and the data of a chunk is followed by CRLF (400: no bare
 *       LF, which other parsers read differently, the root of request smuggling);</li>
 *   <li>trailer fields after the last chunk are read and dropped: each a line with a
 *       {@code name:} and no control characters but tab (400), all of them at most
 *       {@code maxTrailerBytes} (431).</li>
 * </ul>
 *
 * <p>States (int constants; {@code FAILED} is absorbing):
 * <pre>
 * SIZE     -&gt; EXT, SIZE_LF : ';', space or tab / CR after at least one digit
 * EXT      -&gt; SIZE_LF      : CR
 * SIZE_LF  -&gt; DATA         : LF after a size above 0
 * SIZE_LF  -&gt; TRAILER      : LF after the last chunk (size 0)
 * DATA     -&gt; DATA_CR      : the chunk's last byte
 * DATA_CR  -&gt; DATA_LF      : CR
 * DATA_LF  -&gt; SIZE         : LF
 * TRAILER  -&gt; FIELD        : a byte other than CR at the start of a line
 * FIELD    -&gt; FIELD_LF     : CR
 * FIELD_LF -&gt; TRAILER      : LF
 * TRAILER  -&gt; END_LF       : CR at the start of a line
 * END_LF   -&gt; DONE         : LF; {@link #feed} returns true
 * any      -&gt; FAILED       : an HttpException; every later feed rethrows it
 * </pre>
 *
 * <p>Memory: the body array grows by doubling, never past {@code maxBodyBytes}; nothing else
 * is kept but counters.
 *
 * <p>Not thread-safe: one connection's service thread feeds it.
 */
public final class ChunkedBodyDecoder {

    /** The most hex digits of one chunk size, leading zeros included. */
    public static final int MAX_SIZE_DIGITS = 16;
    /** The most bytes of chunk extensions on one chunk line. */
    public static final int MAX_EXTENSION_BYTES = 1024;

    private static final int SIZE = 0;
    private static final int EXT = 1;
    private static final int SIZE_LF = 2;
    private static final int DATA = 3;
    private static final int DATA_CR = 4;
    private static final int DATA_LF = 5;
    private static final int TRAILER = 6;
    private static final int FIELD = 7;
    private static final int FIELD_LF = 8;
    private static final int END_LF = 9;
    private static final int DONE = 10;
    private static final int FAILED = 11;

    private static final int INITIAL_CAPACITY = 8 * 1024;

    private final int maxBodyBytes;
    private final int maxTrailerBytes;
    private int state = SIZE;
    private HttpException failure;
    private byte[] body;
    private int filled;
    private long size;
    private int digits;
    private int extensionBytes;
    private long chunkLeft;
    private int trailerBytes;
    private int fieldLength;
    private boolean colonSeen;
    private boolean fieldHasName;

    /**
     * @param maxBodyBytes the largest decoded body accepted (413 beyond)
     * @param maxTrailerBytes the most bytes of trailer fields accepted (431 beyond)
     */
    public ChunkedBodyDecoder(int maxBodyBytes, int maxTrailerBytes) {
        this.maxBodyBytes = maxBodyBytes;
        this.maxTrailerBytes = maxTrailerBytes;
        this.body = new byte[Math.min(INITIAL_CAPACITY, maxBodyBytes)];
    }

    /**
     * Checks the framing headers of a request whose body would be chunked: exactly one
     * transfer coding, {@code chunked}; no {@code Content-Length} beside it; HTTP/1.1.
     *
     * @param head a request head carrying {@code Transfer-Encoding}
     * @throws HttpException 501 for another transfer coding, 400 for a Content-Length beside
     *     it or an HTTP/1.0 request (both ambiguous framing, RFC 9112 section 6.1)
     */
    public static void checkFraming(HttpRequest head) throws HttpException {
        if (head.headers().count("Content-Length") > 0) {
            throw new HttpException(400, "both Transfer-Encoding and Content-Length");
        }
        if (!head.isHttp11OrLater()) {
            throw new HttpException(400, "Transfer-Encoding in an HTTP/1.0 request");
        }
        List<String> codings = head.headers().listElements("Transfer-Encoding");
        if (codings.size() != 1 || !codings.get(0).equalsIgnoreCase("chunked")) {
            throw new HttpException(501, "transfer coding not supported: "
                    + String.join(", ", codings) + " (only chunked is)");
        }
    }

    /**
     * Decodes the next bytes, taking from {@code buf} only those of the body.
     *
     * @param buf received bytes; its position moves past what was taken
     * @return true when the body is complete (the last chunk and the trailer were read)
     * @throws HttpException 400, 413 or 431 as the class comment says
     */
    public boolean feed(ByteBuffer buf) throws HttpException {
        if (state == FAILED) {
            throw failure;
        }
        try {
            while (state != DONE && buf.hasRemaining()) {
                if (state == DATA) {
                    int n = (int) Math.min(buf.remaining(), chunkLeft);
                    buf.get(body, filled, n);
                    filled += n;
                    chunkLeft -= n;
                    if (chunkLeft == 0) {
                        state = DATA_CR;
                    }
                    continue;
                }
                step(buf.get() & 0xff);
            }
            return state == DONE;
        } catch (HttpException e) {
            state = FAILED;
            failure = e;
            throw e;
        }
    }

    /** @return the decoded body, its own array of exactly the decoded length; after DONE */
    public byte[] body() {
        assert state == DONE;
        return filled == body.length ? body : Arrays.copyOf(body, filled);
    }

    private void step(int b) throws HttpException {
        switch (state) {
            case SIZE -> size(b);
            case EXT -> {
                if (b == '\r') {
                    state = SIZE_LF;
                } else if (b != '\t' && (b < 0x20 || b == 0x7f)) {
                    throw new HttpException(400, "control character in a chunk extension");
                } else if (++extensionBytes > MAX_EXTENSION_BYTES) {
                    throw new HttpException(400, "chunk extensions longer than "
                            + MAX_EXTENSION_BYTES + " bytes");
                }
            }
            case SIZE_LF -> {
                expect(b, '\n', "chunk size line not ended by CRLF");
                startChunk();
            }
            case DATA_CR -> {
                expect(b, '\r', "chunk data not followed by CRLF");
                state = DATA_LF;
            }
            case DATA_LF -> {
                expect(b, '\n', "chunk data not followed by CRLF");
                state = SIZE;
                size = 0;
                digits = 0;
                extensionBytes = 0;
            }
            case TRAILER -> {
                if (b == '\r') {
                    state = END_LF;
                } else {
                    state = FIELD;
                    fieldLength = 0;
                    colonSeen = false;
                    fieldHasName = false;
                    field(b);
                }
            }
            case FIELD -> field(b);
            case FIELD_LF -> {
                expect(b, '\n', "trailer field not ended by CRLF");
                state = TRAILER;
            }
            case END_LF -> {
                expect(b, '\n', "chunked body not ended by CRLF");
                state = DONE;
            }
            default -> throw new IllegalStateException("state " + state);
        }
    }

    private void size(int b) throws HttpException {
        int v = Character.digit(b, 16);
        if (v >= 0) {
            if (++digits > MAX_SIZE_DIGITS) {
                throw new HttpException(400, "chunk size longer than " + MAX_SIZE_DIGITS
                        + " digits");
            }
            size = size * 16 + v; // never overflows: size stays at most maxBodyBytes here
            if (size > maxBodyBytes - filled) {
                throw new HttpException(413, "the request body exceeds " + maxBodyBytes
                        + " bytes");
            }
            return;
        }
        if (digits == 0) {
            throw new HttpException(400, "malformed chunk size");
        }
        if (b == '\r') {
            state = SIZE_LF;
        } else if (b == ';' || b == ' ' || b == '\t') {
            state = EXT;
            extensionBytes = 1;
        } else {
            throw new HttpException(400, "malformed chunk size");
        }
    }

    private void startChunk() {
        if (size == 0) {
            state = TRAILER;
            return;
        }
        int needed = filled + (int) size; // checked against maxBodyBytes in size()
        if (needed > body.length) {
            long grown = Math.max(needed, (long) body.length * 2);
            body = Arrays.copyOf(body, (int) Math.min(grown, maxBodyBytes));
        }
        chunkLeft = size;
        state = DATA;
    }

    private void field(int b) throws HttpException {
        if (++trailerBytes > maxTrailerBytes) {
            throw new HttpException(431, "trailer fields larger than " + maxTrailerBytes
                    + " bytes");
        }
        if (b == '\r') {
            if (!fieldHasName) {
                throw new HttpException(400, "malformed trailer field");
            }
            state = FIELD_LF;
            return;
        }
        if (!colonSeen) {
            if (b == ':') {
                colonSeen = true;
                fieldHasName = fieldLength > 0;
            } else if (!HttpSyntax.isTokenChar(b)) {
                throw new HttpException(400, "malformed trailer field name");
            }
        } else if (b != '\t' && (b < 0x20 || b == 0x7f)) {
            throw new HttpException(400, "control character in a trailer field");
        }
        fieldLength++;
    }

    private static void expect(int b, int wanted, String message) throws HttpException {
        if (b != wanted) {
            throw new HttpException(400, message);
        }
    }
}
