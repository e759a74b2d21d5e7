package io.lws4j.internal.http;

import io.lws4j.internal.loop.ContextConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Serves files from mounted directories to GET and HEAD requests (libwebsockets' mounts).
 *
 * <p>Resolution, in order: method GET or HEAD, else 405 with {@code Allow: GET, HEAD};
 * the path is decoded once and checked by {@link DecodedPath} (400 for malformed escapes,
 * invalid UTF-8, NUL and other control characters or a backslash; 403 for any {@code ..}
 * segment); the mount with the longest prefix, matched on whole segments, is chosen (404
 * when none); a segment below the mount starting with '.' (except {@code .well-known}) is a
 * 404, so dot-files are neither served nor revealed; the file's real path (symlinks
 * followed) must lie inside the mount directory's real path, else 403; a directory
 * requested without a trailing slash is redirected (301) to the slash form, otherwise its
 * {@code index.html} is served (no listings: 404 without one); anything but a readable
 * regular file is a 404 (403 when unreadable).
 *
 * <p>Responses carry Content-Type (see {@link MimeTypes}), Content-Length, Last-Modified
 * (a GET or HEAD with a matching If-Modified-Since gets a 304) and the security headers of {@link ResponseHead#securityHeaders()}. Bodies are never read
 * here: the response names the file and its length and the service loop streams it. The
 * connection stays open after a response when the request allows it (HTTP/1.1 unless
 * {@code Connection: close}; HTTP/1.0 only with {@code Connection: keep-alive}).
 *
 * <p>The checks use blocking file-system calls (stat and real-path lookups, no reads) on
 * the calling thread, as libwebsockets does on its service thread.
 *
 * <p>Instances are immutable, so all service loops share one.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class StaticFiles {

    private static final String INDEX_FILE = "index.html";

    /** Where RFC 8615 well-known URIs live: the one dot-directory that is served. */
    private static final String WELL_KNOWN = ".well-known";

    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH)
                    .withZone(ZoneOffset.UTC);

    /** A mount with its prefix split into segments; sorted longest prefix first. */
    private record MountPoint(List<String> prefix, Path directory) {
    }

    private final List<MountPoint> mounts;

    /**
     * Static files for these mounts.
     *
     * @param mounts the mounts; prefixes start with '/', a trailing '/' is insignificant;
     *     when two mounts have the same prefix the first wins
     */
    public StaticFiles(List<ContextConfig.Mount> mounts) {
        List<MountPoint> points = new ArrayList<>();
        for (ContextConfig.Mount mount : mounts) {
            List<String> prefix = new ArrayList<>();
            for (String segment : mount.urlPrefix().split("/")) {
                if (!segment.isEmpty()) {
                    prefix.add(segment);
                }
            }
            points.add(new MountPoint(List.copyOf(prefix), Objects.requireNonNull(mount.directory(), "directory")));
        }
        // stable sort: among equal prefixes the first registered stays first
        points.sort(Comparator.comparingInt((MountPoint p) -> p.prefix().size()).reversed());
        this.mounts = List.copyOf(points);
    }

    /**
     * Answers a non-upgrade request.
     *
     * @param req the request
     * @return 200 with a file to stream (or, for HEAD, headers only), 301, 304, 400, 403,
     *     404 or 405
     */
    public HttpResponse respond(HttpRequest req) {
        boolean keepAlive = req.isKeepAlive();
        boolean headOnly = req.method().equals("HEAD");
        String connection = connectionHeader(req, keepAlive);
        if (!headOnly && !req.method().equals("GET")) {
            return error(ResponseHead.status(405).header("Allow", "GET, HEAD"),
                    "only GET and HEAD are served here", connection, keepAlive, false);
        }
        try {
            DecodedPath path = DecodedPath.decode(req.path());
            return serve(req, path, headOnly, connection, keepAlive);
        } catch (HttpException e) {
            return error(ResponseHead.status(e.status()), e.getMessage(), connection, keepAlive, headOnly);
        }
    }

    /**
     * An error response with a short text/plain body.
     *
     * @param status the status, 400..599
     * @param message a short explanation for the peer (control characters are replaced)
     * @param keepAlive whether the connection stays open afterwards; false adds
     *     {@code Connection: close}
     * @return the response, entirely in its head buffer
     */
    public static HttpResponse error(int status, String message, boolean keepAlive) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("not an error status: " + status);
        }
        return error(ResponseHead.status(status), message, keepAlive ? null : "close", keepAlive, false);
    }

    private HttpResponse serve(HttpRequest req, DecodedPath path, boolean headOnly, String connection,
                               boolean keepAlive) throws HttpException {
        MountPoint mount = mountFor(path.segments());
        if (mount == null) {
            throw new HttpException(404, "not found");
        }
        List<String> below = path.segments().subList(mount.prefix().size(), path.segments().size());
        if (below.stream().anyMatch(StaticFiles::isHidden)) {
            throw new HttpException(404, "not found");
        }
        Path realRoot = realPath(mount.directory());
        Path file = inside(realRoot, realRoot, below);
        BasicFileAttributes attributes = attributes(file);
        if (attributes.isDirectory()) {
            if (!path.trailingSlash()) {
                // relative links in the index resolve against the directory only with the slash
                return redirect(path, req.query(), connection, keepAlive);
            }
            file = inside(realRoot, file, List.of(INDEX_FILE));
            attributes = attributes(file);
        } else if (path.trailingSlash()) {
            throw new HttpException(404, "not found"); // "file/" names a directory that is not there
        }
        if (!attributes.isRegularFile()) {
            throw new HttpException(404, "not found");
        }
        if (!Files.isReadable(file)) {
            throw new HttpException(403, "not readable");
        }
        Instant modified = attributes.lastModifiedTime().toInstant().truncatedTo(ChronoUnit.SECONDS);
        if (isUnmodifiedSince(req.headers(), modified)) {
            ResponseHead notModified = ResponseHead.status(304)
                    .header("Last-Modified", HTTP_DATE.format(modified))
                    .securityHeaders();
            if (connection != null) {
                notModified.header("Connection", connection);
            }
            return new HttpResponse(notModified.toBuffer(), null, 0, keepAlive);
        }
        ResponseHead head = ResponseHead.status(200)
                .header("Content-Type", MimeTypes.forFileName(file.getFileName().toString()))
                .header("Content-Length", attributes.size())
                .header("Last-Modified", HTTP_DATE.format(modified))
                .securityHeaders();
        if (connection != null) {
            head.header("Connection", connection);
        }
        if (headOnly) {
            return new HttpResponse(head.toBuffer(), null, 0, keepAlive);
        }
        return new HttpResponse(head.toBuffer(), file, attributes.size(), keepAlive);
    }

    /**
     * Whether If-Modified-Since holds a valid date no earlier than the file's modification
     * (RFC 9110 §13.1.3). An invalid date is ignored, and so is the whole header when
     * If-None-Match is present: we send no entity tags, so that condition never matches.
     */
    private static boolean isUnmodifiedSince(HttpHeaders headers, Instant modified) {
        String since = headers.first("If-Modified-Since");
        if (since == null || headers.first("If-None-Match") != null) {
            return false;
        }
        try {
            return !modified.isAfter(HTTP_DATE.parse(since, Instant::from));
        } catch (DateTimeException e) {
            return false;
        }
    }

    private MountPoint mountFor(List<String> segments) {
        for (MountPoint mount : mounts) {
            List<String> prefix = mount.prefix();
            if (prefix.size() <= segments.size() && segments.subList(0, prefix.size()).equals(prefix)) {
                return mount;
            }
        }
        return null;
    }

    private static boolean isHidden(String segment) {
        return segment.startsWith(".") && !segment.equals(WELL_KNOWN);
    }

    /**
     * The real path of {@code base} resolved by {@code segments}, which must lie inside
     * {@code realRoot} both before and after following symlinks, and whose part below the
     * root holds no hidden segment (a symlink may not lead to a dot-file either).
     */
    private static Path inside(Path realRoot, Path base, List<String> segments) throws HttpException {
        Path candidate = base;
        for (String segment : segments) {
            Path step;
            try {
                step = base.getFileSystem().getPath(segment);
            } catch (InvalidPathException e) {
                throw new HttpException(404, "not found"); // a name this file system cannot hold
            }
            if (step.isAbsolute() || step.getNameCount() != 1 || step.getRoot() != null) {
                throw new HttpException(404, "not found"); // e.g. a drive letter on Windows
            }
            candidate = candidate.resolve(step);
        }
        if (!candidate.normalize().startsWith(realRoot)) {
            throw new HttpException(403, "outside the mount");
        }
        Path real = realPath(candidate);
        if (!real.startsWith(realRoot)) {
            throw new HttpException(403, "outside the mount");
        }
        for (Path name : realRoot.relativize(real)) {
            if (isHidden(name.toString())) {
                throw new HttpException(404, "not found");
            }
        }
        return real;
    }

    private static Path realPath(Path path) throws HttpException {
        try {
            return path.toRealPath();
        } catch (NoSuchFileException e) {
            throw new HttpException(404, "not found");
        } catch (AccessDeniedException e) {
            throw new HttpException(403, "not readable");
        } catch (IOException e) {
            throw new HttpException(404, "not found");
        }
    }

    private static BasicFileAttributes attributes(Path real) throws HttpException {
        try {
            return Files.readAttributes(real, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new HttpException(404, "not found");
        }
    }

    private static HttpResponse redirect(DecodedPath path, String query, String connection, boolean keepAlive) {
        String location = path.toUrlPath(true) + (query == null ? "" : "?" + ResponseHead.safeText(query));
        ResponseHead head = ResponseHead.status(301).header("Location", location);
        return error(head, "moved to " + location, connection, keepAlive, false);
    }

    /** "close", "keep-alive" (HTTP/1.0 keeping the connection) or null (the default holds). */
    private static String connectionHeader(HttpRequest req, boolean keepAlive) {
        if (!keepAlive) {
            return "close";
        }
        return req.isHttp11OrLater() ? null : "keep-alive";
    }

    private static HttpResponse error(ResponseHead head, String message, String connection, boolean keepAlive,
                                      boolean headOnly) {
        byte[] body = (ResponseHead.safeText(message) + "\n").getBytes(StandardCharsets.UTF_8);
        head.header("Content-Type", "text/plain; charset=utf-8")
                .header("Content-Length", body.length)
                .securityHeaders();
        if (connection != null) {
            head.header("Connection", connection);
        }
        return new HttpResponse(head.toBuffer(headOnly ? null : body), null, 0, keepAlive);
    }
}
