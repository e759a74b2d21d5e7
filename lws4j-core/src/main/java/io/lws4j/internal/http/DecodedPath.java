package io.lws4j.internal.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A request path percent-decoded exactly once (UTF-8) and split into segments, with empty
 * and {@code .} segments dropped.
 *
 * <p>Decoding refuses, before anything touches a file system: a malformed {@code %}
 * escape or invalid UTF-8 (400), a decoded control character such as NUL, or a backslash
 * (400), and any {@code ..} segment, whether sent raw, as {@code %2e%2e}, or joined to
 * its neighbour by an encoded {@code %2f} (403). Since decoding happens once, a
 * double-encoded {@code %252e%252e} becomes the literal segment {@code %2e%2e}, an
 * ordinary (and harmless) name.
 *
 * <p>Instances are immutable.
 *
 * <p>Thread-safe: any method may be called from any thread.
 *
 * @param segments the decoded segments, none empty, none {@code .} or {@code ..}, none
 *     holding '/', '\', or a control character
 * @param trailingSlash whether the decoded path ends with '/' (it names a directory)
 */
record DecodedPath(List<String> segments, boolean trailingSlash) {

    DecodedPath {
        segments = List.copyOf(segments);
    }

    /**
     * Decodes a raw (still percent-encoded) path.
     *
     * @param rawPath the path part of a request target, starting with '/'
     * @return the decoded path
     * @throws HttpException 400 or 403 as described in the class comment
     */
    static DecodedPath decode(String rawPath) throws HttpException {
        if (!rawPath.startsWith("/")) {
            throw new HttpException(400, "path must start with '/'");
        }
        String decoded = utf8(percentDecode(rawPath));
        List<String> segments = new ArrayList<>();
        int start = 0;
        while (start < decoded.length()) {
            int slash = decoded.indexOf('/', start);
            int end = slash < 0 ? decoded.length() : slash;
            String segment = decoded.substring(start, end);
            if (segment.equals("..")) {
                throw new HttpException(403, "'..' is not allowed in paths");
            }
            if (!segment.isEmpty() && !segment.equals(".")) {
                segments.add(segment);
            }
            start = end + 1;
        }
        return new DecodedPath(segments, decoded.endsWith("/"));
    }

    /**
     * The path re-encoded for a URL: '/' plus the segments, each percent-encoded except for
     * unreserved characters and the sub-delims a path segment may hold, plus a trailing '/'
     * when {@code withTrailingSlash}. Always starts with exactly one '/', so it can never be
     * read as a scheme-relative {@code //host} reference.
     */
    String toUrlPath(boolean withTrailingSlash) {
        StringBuilder url = new StringBuilder("/");
        for (int i = 0; i < segments.size(); i++) {
            if (i > 0) {
                url.append('/');
            }
            for (byte b : segments.get(i).getBytes(StandardCharsets.UTF_8)) {
                int c = b & 0xFF;
                if (HttpSyntax.isAlpha(c) || HttpSyntax.isDigit(c) || "-._~!$&'()*+,;=:@".indexOf(c) >= 0) {
                    url.append((char) c);
                } else {
                    url.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                            .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
                }
            }
        }
        if (withTrailingSlash && !segments.isEmpty()) {
            url.append('/');
        }
        return url.toString();
    }

    private static byte[] percentDecode(String raw) throws HttpException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length() || !HttpSyntax.isHexDigit(raw.charAt(i + 1))
                        || !HttpSyntax.isHexDigit(raw.charAt(i + 2))) {
                    throw new HttpException(400, "malformed percent-encoding in path");
                }
                out.write(Character.digit(raw.charAt(i + 1), 16) << 4 | Character.digit(raw.charAt(i + 2), 16));
                i += 2;
            } else if (c > 0xFF) {
                throw new HttpException(400, "non-ASCII character in path");
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    private static String utf8(byte[] bytes) throws HttpException {
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new HttpException(400, "path is not valid UTF-8");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F || c == '\\') {
                throw new HttpException(400, "control character or backslash in path");
            }
        }
        return s;
    }
}
