package io.lws4j.internal.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A push parser for one HTTP/1.x request head at a time, fed whatever bytes have arrived
 * (a head may be split at any byte).
 *
 * <p>Rules, each failing with the status named:
 * <ul>
 *   <li>the head, counted from its first byte to the end of the blank line, is at most
 *       {@code maxHeadBytes}; the byte that passes the limit fails at once (431), and the
 *       parser never holds more than one line of it;</li>
 *   <li>at most {@code maxHeaders} header fields (431);</li>
 *   <li>lines end with CRLF; a bare LF is accepted as a line end (RFC 9112 §2.2), a CR not
 *       followed by LF is not (400); empty lines before the request line are skipped;</li>
 *   <li>request line {@code method SP target SP HTTP/1.x}: method a token, target visible
 *       ASCII in origin-form, absolute-form, {@code *} (OPTIONS only) or authority-form
 *       (CONNECT only), exactly one SP between the parts (400); a well-formed version other
 *       than 1.x, or an HTTP/0.9 request line without a version, is a 505;</li>
 *   <li>header lines {@code name ":" OWS value OWS}: name a token with no whitespace before
 *       the colon, no obs-fold continuation lines, no control characters in the value
 *       (400); values are decoded as ISO-8859-1;</li>
 *   <li>exactly one valid Host for HTTP/1.1, at most one for HTTP/1.0 (400);</li>
 *   <li>no request body: {@code Transfer-Encoding} or a {@code Content-Length} above zero
 *       is a 413 (a malformed or conflicting Content-Length is a 400), unless the parser
 *       was built to accept bodies: then the caller reads or refuses the body
 *       ({@link HttpRequest#announcedBodyLength()}) and the parser stops at the head.</li>
 * </ul>
 *
 * <p>States (int constants; {@code FAILED} is absorbing, since the position in the
 * connection's byte stream is lost after an error and the connection must close):
 * <pre>
 * REQUEST_LINE -&gt; HEADERS      : request line complete and valid
 * HEADERS      -&gt; DONE         : blank line and the head is valid; parse returns the request
 * DONE         -&gt; REQUEST_LINE : reset()
 * REQUEST_LINE, HEADERS -&gt; FAILED : an HttpException; every later parse rethrows it,
 *                                  reset() leaves it failed
 * </pre>
 *
 * <p>Not thread-safe: instances must not be shared.
 */
public final class HttpRequestParser {

    /** The default bound on header fields per request. */
    public static final int DEFAULT_MAX_HEADERS = 100;

    private static final int REQUEST_LINE = 0;
    private static final int HEADERS = 1;
    private static final int DONE = 2;
    private static final int FAILED = 3;

    private static final int INITIAL_LINE_CAPACITY = 256;

    private final int maxHeadBytes;
    private final int maxHeaders;
    private final boolean acceptBodies;

    private int state = REQUEST_LINE;
    /** Bytes of the current head consumed so far, including line ends. */
    private int headBytes;
    /** The line being collected, without its line end. */
    private byte[] line;
    private int lineLength;
    /** A CR was the last byte: the next byte must be LF. */
    private boolean pendingCr;

    private String method;
    private String target;
    private String version;
    private HttpHeaders.Builder headers;
    private HttpException failure;

    private Thread owner;

    /**
     * A parser with the default header-count bound.
     *
     * @param maxHeadBytes the largest request head accepted, in bytes, at least 16
     */
    public HttpRequestParser(int maxHeadBytes) {
        this(maxHeadBytes, DEFAULT_MAX_HEADERS);
    }

    /**
     * A parser.
     *
     * @param maxHeadBytes the largest request head accepted, in bytes, at least 16
     * @param maxHeaders the most header fields accepted, at least 1
     */
    public HttpRequestParser(int maxHeadBytes, int maxHeaders) {
        this(maxHeadBytes, maxHeaders, false);
    }

    /**
     * A parser that may leave announced bodies to its caller.
     *
     * @param maxHeadBytes the largest request head accepted, in bytes, at least 16
     * @param maxHeaders the most header fields accepted, at least 1
     * @param acceptBodies false: a request announcing a body fails with 413; true: the
     *     request is returned and the caller reads or refuses its body
     */
    public HttpRequestParser(int maxHeadBytes, int maxHeaders, boolean acceptBodies) {
        if (maxHeadBytes < 16) {
            throw new IllegalArgumentException("maxHeadBytes must be at least 16: " + maxHeadBytes);
        }
        if (maxHeaders < 1) {
            throw new IllegalArgumentException("maxHeaders must be at least 1: " + maxHeaders);
        }
        this.maxHeadBytes = maxHeadBytes;
        this.maxHeaders = maxHeaders;
        this.acceptBodies = acceptBodies;
        this.line = new byte[Math.min(INITIAL_LINE_CAPACITY, maxHeadBytes)];
        this.headers = new HttpHeaders.Builder();
    }

    /**
     * Consumes bytes of {@code src} up to and including the blank line that ends the head;
     * bytes after it stay in {@code src}.
     *
     * @param src the received bytes; its position advances over what was consumed
     * @return the request when the head is complete, null when more bytes are needed
     * @throws HttpException when the head is invalid (the connection should answer with the
     *     status and close, as the position in the byte stream is lost); after that every
     *     call throws the same exception
     * @throws IllegalStateException when called after a complete request without
     *     {@link #reset()}
     */
    public HttpRequest parse(ByteBuffer src) throws HttpException {
        assert isOwnerThread() : "parser used from two threads";
        if (state == FAILED) {
            throw failure;
        }
        if (state == DONE) {
            throw new IllegalStateException("request already complete: call reset() first");
        }
        try {
            while (src.hasRemaining()) {
                byte b = src.get();
                if (++headBytes > maxHeadBytes) {
                    throw new HttpException(431, "request head larger than " + maxHeadBytes + " bytes");
                }
                if (pendingCr) {
                    if (b != '\n') {
                        throw new HttpException(400, "CR not followed by LF");
                    }
                    pendingCr = false;
                    HttpRequest request = endOfLine();
                    if (request != null) {
                        return request;
                    }
                } else if (b == '\r') {
                    pendingCr = true;
                } else if (b == '\n') {
                    HttpRequest request = endOfLine();
                    if (request != null) {
                        return request;
                    }
                } else {
                    append(b);
                }
            }
            return null;
        } catch (HttpException e) {
            state = FAILED;
            failure = e;
            throw e;
        }
    }

    /**
     * @return true when no byte of a request has been consumed since construction or the
     *     last {@link #reset()}: a keep-alive connection waiting for its next request
     */
    public boolean isIdle() {
        assert isOwnerThread() : "parser used from two threads";
        return state == REQUEST_LINE && headBytes == 0;
    }

    /**
     * Forgets the current request and starts over: for the next request on a keep-alive
     * connection. A parser that has failed stays failed.
     */
    public void reset() {
        assert isOwnerThread() : "parser used from two threads";
        if (state == FAILED) {
            return;
        }
        state = REQUEST_LINE;
        headBytes = 0;
        lineLength = 0;
        pendingCr = false;
        method = null;
        target = null;
        version = null;
        headers = new HttpHeaders.Builder();
    }

    private void append(byte b) {
        if (lineLength == line.length) {
            // headBytes bounds lineLength, so the line never outgrows maxHeadBytes
            line = Arrays.copyOf(line, Math.min(line.length * 2, maxHeadBytes));
        }
        line[lineLength++] = b;
    }

    private HttpRequest endOfLine() throws HttpException {
        int length = lineLength;
        lineLength = 0;
        if (state == REQUEST_LINE) {
            if (length > 0) { // empty lines before the request line are skipped (RFC 9112 §2.2)
                parseRequestLine(length);
                state = HEADERS;
            }
            return null;
        }
        if (length > 0) {
            parseHeaderLine(length);
            return null;
        }
        HttpRequest request = new HttpRequest(method, target, version, headers.build());
        validate(request, acceptBodies);
        state = DONE;
        return request;
    }

    private void parseRequestLine(int length) throws HttpException {
        int methodEnd = 0;
        while (methodEnd < length && HttpSyntax.isTokenChar(line[methodEnd])) {
            methodEnd++;
        }
        if (methodEnd == 0 || methodEnd == length || line[methodEnd] != ' ') {
            throw new HttpException(400, "malformed request line");
        }
        int targetStart = methodEnd + 1;
        int targetEnd = targetStart;
        while (targetEnd < length && HttpSyntax.isTargetByte(line[targetEnd])) {
            targetEnd++;
        }
        if (targetEnd == targetStart) {
            throw new HttpException(400, "malformed request line");
        }
        if (targetEnd == length) {
            throw new HttpException(505, "HTTP/0.9 requests are not supported");
        }
        if (line[targetEnd] != ' ') {
            throw new HttpException(400, "malformed request line");
        }
        int versionStart = targetEnd + 1;
        method = ascii(0, methodEnd);
        target = ascii(targetStart, targetEnd);
        version = ascii(versionStart, length);
        checkVersion(version);
        checkTargetForm(method, target);
    }

    private static void checkVersion(String version) throws HttpException {
        // HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3), case-sensitive
        boolean wellFormed = version.length() == 8 && version.startsWith("HTTP/")
                && HttpSyntax.isDigit(version.charAt(5)) && version.charAt(6) == '.'
                && HttpSyntax.isDigit(version.charAt(7));
        // "HTTP/2", "HTTP/3": how later versions name themselves; "HTTP/1" is just malformed
        boolean otherMajorOnly = version.length() == 6 && version.startsWith("HTTP/")
                && HttpSyntax.isDigit(version.charAt(5)) && version.charAt(5) != '1';
        if (wellFormed && version.charAt(5) == '1') {
            return;
        }
        if (wellFormed || otherMajorOnly) {
            throw new HttpException(505, "only HTTP/1.x is supported");
        }
        throw new HttpException(400, "malformed HTTP version");
    }

    private static void checkTargetForm(String method, String target) throws HttpException {
        if (target.indexOf('#') >= 0) {
            throw new HttpException(400, "fragment in request target");
        }
        if (target.charAt(0) == '/') {
            return; // origin-form
        }
        if (target.equals("*")) {
            if (!method.equals("OPTIONS")) {
                throw new HttpException(400, "asterisk-form target is only for OPTIONS");
            }
            return;
        }
        if (method.equals("CONNECT")) {
            return; // authority-form; the method itself is refused later
        }
        int colon = target.indexOf("://");
        boolean absoluteForm = colon > 0 && HttpSyntax.isAlpha(target.charAt(0));
        for (int i = 1; absoluteForm && i < colon; i++) {
            char c = target.charAt(i);
            absoluteForm = HttpSyntax.isAlpha(c) || HttpSyntax.isDigit(c) || c == '+' || c == '-' || c == '.';
        }
        if (!absoluteForm) {
            throw new HttpException(400, "malformed request target");
        }
    }

    private void parseHeaderLine(int length) throws HttpException {
        if (line[0] == ' ' || line[0] == '\t') {
            throw new HttpException(400, "obsolete line folding in header");
        }
        int nameEnd = 0;
        while (nameEnd < length && HttpSyntax.isTokenChar(line[nameEnd])) {
            nameEnd++;
        }
        if (nameEnd == length) {
            throw new HttpException(400, "header line without colon");
        }
        if (line[nameEnd] != ':') {
            throw new HttpException(400, line[nameEnd] == ' ' || line[nameEnd] == '\t'
                    ? "whitespace before colon in header" : "invalid character in header name");
        }
        if (nameEnd == 0) {
            throw new HttpException(400, "empty header name");
        }
        for (int i = nameEnd + 1; i < length; i++) {
            if (!HttpSyntax.isFieldValueByte(line[i])) {
                throw new HttpException(400, "control character in header value");
            }
        }
        if (headers.fieldCount() >= maxHeaders) {
            throw new HttpException(431, "more than " + maxHeaders + " header fields");
        }
        headers.add(ascii(0, nameEnd),
                new String(line, nameEnd + 1, length - nameEnd - 1, StandardCharsets.ISO_8859_1));
    }

    private static void validate(HttpRequest request, boolean acceptBodies)
            throws HttpException {
        HttpHeaders h = request.headers();
        int hosts = h.count("Host");
        if (hosts > 1) {
            throw new HttpException(400, "more than one Host header");
        }
        if (hosts == 0 && request.isHttp11OrLater()) {
            throw new HttpException(400, "HTTP/1.1 request without Host header");
        }
        if (hosts == 1 && !HttpSyntax.isHostValue(h.first("Host"))) {
            throw new HttpException(400, "malformed Host header");
        }
        if (h.count("Transfer-Encoding") > 0 && !acceptBodies) {
            throw new HttpException(413, "request bodies are not accepted (Transfer-Encoding)");
        }
        String contentLength = null;
        for (String element : contentLengthElements(h)) {
            if (contentLength != null && !contentLength.equals(element)) {
                throw new HttpException(400, "conflicting Content-Length values");
            }
            contentLength = element;
        }
        if (contentLength != null && !isZero(contentLength) && !acceptBodies) {
            throw new HttpException(413, "request bodies are not accepted (Content-Length)");
        }
    }

    /** The Content-Length list elements, each checked to be 1*DIGIT. */
    private static Iterable<String> contentLengthElements(HttpHeaders h) throws HttpException {
        if (h.count("Content-Length") == 0) {
            return List.of();
        }
        List<String> elements = new ArrayList<>();
        for (String value : h.all("Content-Length")) {
            // split by hand: an empty element ("5,,5" or "") is malformed here
            for (String element : value.split(",", -1)) {
                String digits = trimOws(element);
                if (digits.isEmpty() || !digits.chars().allMatch(HttpSyntax::isDigit)) {
                    throw new HttpException(400, "malformed Content-Length");
                }
                elements.add(withoutLeadingZeros(digits));
            }
        }
        return elements;
    }

    private static boolean isZero(String digits) {
        return digits.equals("0");
    }

    private static String withoutLeadingZeros(String digits) {
        int i = 0;
        while (i < digits.length() - 1 && digits.charAt(i) == '0') {
            i++;
        }
        return digits.substring(i);
    }

    private static String trimOws(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
            from++;
        }
        while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
            to--;
        }
        return s.substring(from, to);
    }

    private String ascii(int from, int to) {
        return new String(line, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private boolean isOwnerThread() {
        Thread current = Thread.currentThread();
        if (owner == null) {
            owner = current;
        }
        return owner == current;
    }
}
