package io.lws4j.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lws4j.internal.loop.ContextConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StaticFilesTest {

    @TempDir
    Path temp;

    private Path root;
    private Path outside;
    private StaticFiles files;

    @BeforeEach
    void createTree() throws IOException {
        root = Files.createDirectories(temp.resolve("root"));
        outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.writeString(root.resolve("index.html"), "<h1>root</h1>");
        Files.writeString(root.resolve("notes.txt"), "notes");
        Files.writeString(root.resolve("caf\u00e9.txt"), "utf-8 name");
        Files.writeString(root.resolve("%2e%2e"), "a file literally named %2e%2e");
        Files.writeString(root.resolve(".hidden"), "hidden");
        Files.createDirectories(root.resolve(".git"));
        Files.writeString(root.resolve(".git/config"), "hidden");
        Files.createDirectories(root.resolve(".well-known"));
        Files.writeString(root.resolve(".well-known/security.txt"), "contact");
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("sub/index.html"), "<h1>sub</h1>");
        Files.createDirectories(root.resolve("empty"));
        Path docs = Files.createDirectories(temp.resolve("docs"));
        Files.writeString(docs.resolve("x.txt"), "docs");
        Files.writeString(docs.resolve("index.html"), "docs index");
        Path api = Files.createDirectories(temp.resolve("api"));
        Files.writeString(api.resolve("x.txt"), "api");
        files = new StaticFiles(List.of(
                new ContextConfig.Mount("/", root),
                new ContextConfig.Mount("/docs/", docs),
                new ContextConfig.Mount("/docs/api", api),
                new ContextConfig.Mount("/gone", temp.resolve("no-such-directory"))));
    }

    private HttpResponse get(String target) {
        return files.respond(new HttpRequest("GET", target, "HTTP/1.1", HttpHeaders.of("Host", "a")));
    }

    private static String head(HttpResponse response) {
        return StandardCharsets.ISO_8859_1.decode(response.head().duplicate()).toString();
    }

    private static String header(HttpResponse response, String name) {
        for (String line : head(response).split("\r\n")) {
            if (line.regionMatches(true, 0, name + ": ", 0, name.length() + 2)) {
                return line.substring(name.length() + 2);
            }
        }
        return null;
    }

    private static String body(HttpResponse response) throws IOException {
        if (response.bodyFile() == null) {
            String text = head(response);
            return text.substring(text.indexOf("\r\n\r\n") + 4);
        }
        return Files.readString(response.bodyFile());
    }

    @Test
    void shouldServeAFileByNameWithLengthTypeAndSecurityHeaders() throws IOException {
        HttpResponse response = get("/notes.txt");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyFile()).isEqualTo(root.resolve("notes.txt").toRealPath());
        assertThat(response.bodyLength()).isEqualTo(5);
        assertThat(response.keepAlive()).isTrue();
        assertThat(head(response)).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\n");
        assertThat(header(response, "Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(header(response, "Content-Length")).isEqualTo("5");
        assertThat(header(response, "Last-Modified")).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
        assertThat(header(response, "X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(header(response, "Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(header(response, "X-Frame-Options")).isEqualTo("DENY");
        assertThat(header(response, "Content-Security-Policy"))
                .contains("default-src 'self'", "connect-src 'self' ws: wss:", "frame-ancestors 'none'");
        assertThat(header(response, "Connection")).isNull();
        assertThat(body(response)).isEqualTo("notes");
    }

    @Test
    void shouldAnswerHeadWithHeadersOnly() {
        HttpResponse response = files.respond(new HttpRequest("HEAD", "/notes.txt", "HTTP/1.1", HttpHeaders.of("Host", "a")));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyFile()).isNull();
        assertThat(response.bodyLength()).isZero();
        assertThat(header(response, "Content-Length")).isEqualTo("5");
        assertThat(head(response)).endsWith("\r\n\r\n");
    }

    @Test
    void shouldAnswerHeadOfAMissingFileWithoutBody() {
        HttpResponse response = files.respond(new HttpRequest("HEAD", "/missing", "HTTP/1.1", HttpHeaders.of("Host", "a")));

        assertThat(response.status()).isEqualTo(404);
        assertThat(head(response)).endsWith("\r\n\r\n");
        assertThat(header(response, "Content-Length")).isNotEqualTo("0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "OPTIONS", "get"})
    void shouldRefuseOtherMethodsWith405(String method) throws IOException {
        HttpResponse response = files.respond(new HttpRequest(method, "/notes.txt", "HTTP/1.1", HttpHeaders.of("Host", "a")));

        assertThat(response.status()).isEqualTo(405);
        assertThat(header(response, "Allow")).isEqualTo("GET, HEAD");
        assertThat(header(response, "Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(response.bodyFile()).isNull();
        assertThat(body(response)).isNotBlank();
    }

    @Test
    void shouldServeIndexHtmlForDirectories() throws IOException {
        assertThat(body(get("/"))).isEqualTo("<h1>root</h1>");
        assertThat(header(get("/"), "Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(body(get("/sub/"))).isEqualTo("<h1>sub</h1>");
        assertThat(body(get("/sub/?x=1"))).isEqualTo("<h1>sub</h1>");
        assertThat(body(get("/docs/"))).isEqualTo("docs index");
    }

    @Test
    void shouldRedirectDirectoriesWithoutTrailingSlash() {
        HttpResponse sub = get("/sub");
        assertThat(sub.status()).isEqualTo(301);
        assertThat(header(sub, "Location")).isEqualTo("/sub/");
        assertThat(sub.bodyFile()).isNull();

        assertThat(header(get("/sub?x=1&y"), "Location")).isEqualTo("/sub/?x=1&y");
        assertThat(header(get("/docs"), "Location")).isEqualTo("/docs/");
        assertThat(header(get("//sub"), "Location")).isEqualTo("/sub/");
    }

    @Test
    void shouldNotListDirectoriesWithoutIndex() {
        assertThat(get("/empty/").status()).isEqualTo(404);
    }

    @Test
    void shouldAnswerMissingFilesAndMountsWith404() {
        assertThat(get("/missing.html").status()).isEqualTo(404);
        assertThat(get("/sub/missing/deeper").status()).isEqualTo(404);
        assertThat(get("/notes.txt/").status()).isEqualTo(404);
        assertThat(get("/gone/x").status()).isEqualTo(404);
    }

    @Test
    void shouldPickTheLongestMatchingMountOnSegmentBoundaries() throws IOException {
        assertThat(body(get("/docs/x.txt"))).isEqualTo("docs");
        assertThat(body(get("/docs/api/x.txt"))).isEqualTo("api");
        assertThat(get("/docsx/x.txt").status()).isEqualTo(404);
        assertThat(get("/docs/notes.txt").status()).isEqualTo(404);
    }

    @Test
    void shouldDecodePercentEscapesOnceAsUtf8() throws IOException {
        assertThat(body(get("/caf%C3%A9.txt"))).isEqualTo("utf-8 name");
        assertThat(body(get("/%6eotes.txt"))).isEqualTo("notes");
        assertThat(body(get("/%252e%252e"))).isEqualTo("a file literally named %2e%2e");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/../outside/secret.txt",
        "/sub/../../outside/secret.txt",
        "/%2e%2e/outside/secret.txt",
        "/%2E%2E/outside/secret.txt",
        "/.%2e/outside/secret.txt",
        "/..%2foutside%2fsecret.txt",
        "/%2e%2e%2foutside%2fsecret.txt",
        "/sub/..",
        "/docs/../outside/secret.txt",
        "/..",
    })
    void shouldRefuseDotDotSegmentsWith403(String target) {
        HttpResponse response = get(target);

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.bodyFile()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/%252e%252e/outside/secret.txt",
        "/%252e%252e%252foutside%252fsecret.txt",
        "//outside/secret.txt",
        "/" + "/etc/passwd",
        "/~/secret.txt",
        "http://evil.example/../outside/secret.txt",
        "http://evil.example/%2e%2e/outside/secret.txt",
        "/..%5coutside%5csecret.txt",
        "/notes.txt%00.html",
        "/%c0%ae%c0%ae/outside/secret.txt",
        "/%",
        "/%zz",
        "/%4",
        "/%c3%28",
        "/%0d%0aX-Injected:%20yes",
        "*",
    })
    void shouldNeverServeAFileOutsideTheRoot(String target) {
        HttpResponse response = get(target);

        assertThat(response.status()).as(target).isIn(400, 403, 404);
        assertThat(response.bodyFile()).isNull();
        assertThat(head(response)).doesNotContain("X-Injected");
    }

    @ParameterizedTest
    @CsvSource({
        "/notes.txt%00.html, 400",
        "/..%5coutside, 400",
        "/a%5cb, 400",
        "/%zz, 400",
        "/%4, 400",
        "/%c3%28, 400",
        "/%c0%ae%c0%ae/x, 400",
        "/%0a, 400",
    })
    void shouldRejectMalformedOrDangerousEscapesWith400(String target, int status) {
        assertThat(get(target).status()).isEqualTo(status);
    }

    @Test
    void shouldRefuseSymlinksLeadingOutsideTheRoot() throws IOException {
        symlink(root.resolve("escape"), outside);
        symlink(root.resolve("escape.txt"), outside.resolve("secret.txt"));

        assertThat(get("/escape/secret.txt").status()).isEqualTo(403);
        assertThat(get("/escape.txt").status()).isEqualTo(403);
        assertThat(get("/escape/secret.txt").bodyFile()).isNull();
    }

    @Test
    void shouldServeSymlinksInsideTheRootButNotIntoHiddenFiles() throws IOException {
        symlink(root.resolve("link.txt"), root.resolve("notes.txt"));
        symlink(root.resolve("config.txt"), root.resolve(".git/config"));

        assertThat(body(get("/link.txt"))).isEqualTo("notes");
        assertThat(get("/config.txt").status()).isEqualTo(404);
    }

    @Test
    void shouldRefuseAnIndexThatIsASymlinkOutsideTheRoot() throws IOException {
        Files.createDirectories(root.resolve("trap"));
        symlink(root.resolve("trap/index.html"), outside.resolve("secret.txt"));

        assertThat(get("/trap/").status()).isEqualTo(403);
    }

    @Test
    void shouldHideDotFilesButServeWellKnown() throws IOException {
        assertThat(get("/.hidden").status()).isEqualTo(404);
        assertThat(get("/.git/config").status()).isEqualTo(404);
        assertThat(get("/%2egit/config").status()).isEqualTo(404);
        assertThat(get("/.git").status()).isEqualTo(404);
        assertThat(body(get("/.well-known/security.txt"))).isEqualTo("contact");
    }

    @ParameterizedTest
    @CsvSource({
        "index.html, text/html; charset=utf-8",
        "app.js, text/javascript; charset=utf-8",
        "mod.mjs, text/javascript; charset=utf-8",
        "style.css, text/css; charset=utf-8",
        "data.json, application/json",
        "img.png, image/png",
        "pic.jpg, image/jpeg",
        "PIC.JPG, image/jpeg",
        "anim.gif, image/gif",
        "logo.svg, image/svg+xml",
        "favicon.ico, image/x-icon",
        "notes.txt, text/plain; charset=utf-8",
        "code.wasm, application/wasm",
        "font.woff2, font/woff2",
        "app.js.map, application/json",
        "blob.bin, application/octet-stream",
        "Makefile, application/octet-stream",
    })
    void shouldSendTheContentTypeOfTheExtension(String name, String type) throws IOException {
        Files.writeString(root.resolve(name), "x");

        assertThat(header(get("/" + name), "Content-Type")).isEqualTo(type);
    }

    @Test
    void shouldAnswerNotModifiedWhenTheFileIsNoNewerThanIfModifiedSince() throws IOException {
        Files.setLastModifiedTime(root.resolve("notes.txt"),
                java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2024-03-05T10:20:30.900Z")));
        HttpResponse same = conditional("If-Modified-Since", "Tue, 05 Mar 2024 10:20:30 GMT");
        HttpResponse later = conditional("If-Modified-Since", "Wed, 06 Mar 2024 00:00:00 GMT");
        HttpResponse earlier = conditional("If-Modified-Since", "Tue, 05 Mar 2024 10:20:29 GMT");
        HttpResponse invalid = conditional("If-Modified-Since", "yesterday");
        HttpResponse withEtagCondition = files.respond(new HttpRequest("GET", "/notes.txt", "HTTP/1.1",
                HttpHeaders.of("Host", "a", "If-None-Match", "\"x\"", "If-Modified-Since", "Wed, 06 Mar 2024 00:00:00 GMT")));

        assertThat(same.status()).isEqualTo(304);
        assertThat(same.bodyFile()).isNull();
        assertThat(head(same)).endsWith("\r\n\r\n").doesNotContain("Content-Length");
        assertThat(header(same, "Last-Modified")).isEqualTo("Tue, 05 Mar 2024 10:20:30 GMT");
        assertThat(later.status()).isEqualTo(304);
        assertThat(earlier.status()).isEqualTo(200);
        assertThat(invalid.status()).isEqualTo(200);
        assertThat(withEtagCondition.status()).isEqualTo(200);
    }

    private HttpResponse conditional(String name, String value) {
        return files.respond(new HttpRequest("GET", "/notes.txt", "HTTP/1.1", HttpHeaders.of("Host", "a", name, value)));
    }

    @Test
    void shouldKeepHttp11ConnectionsOpenUnlessClosed() {
        HttpResponse close = files.respond(new HttpRequest("GET", "/notes.txt", "HTTP/1.1",
                HttpHeaders.of("Host", "a", "Connection", "Close")));

        assertThat(get("/notes.txt").keepAlive()).isTrue();
        assertThat(close.keepAlive()).isFalse();
        assertThat(header(close, "Connection")).isEqualTo("close");
        assertThat(get("/missing").keepAlive()).isTrue();
    }

    @Test
    void shouldCloseHttp10ConnectionsUnlessKeepAliveAsked() {
        HttpResponse plain = files.respond(new HttpRequest("GET", "/notes.txt", "HTTP/1.0", HttpHeaders.of()));
        HttpResponse keep = files.respond(new HttpRequest("GET", "/notes.txt", "HTTP/1.0",
                HttpHeaders.of("Connection", "keep-alive")));

        assertThat(plain.keepAlive()).isFalse();
        assertThat(header(plain, "Connection")).isEqualTo("close");
        assertThat(keep.keepAlive()).isTrue();
        assertThat(header(keep, "Connection")).isEqualTo("keep-alive");
    }

    @Test
    void shouldBuildErrorResponsesWithShortTextBodies() throws IOException {
        HttpResponse closing = StaticFiles.error(431, "request head larger than 8192 bytes", false);
        HttpResponse open = StaticFiles.error(404, "not\r\nfound", true);

        assertThat(head(closing)).startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n");
        assertThat(header(closing, "Connection")).isEqualTo("close");
        assertThat(header(closing, "Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(body(closing)).isEqualTo("request head larger than 8192 bytes\n");
        assertThat(header(closing, "Content-Length")).isEqualTo(String.valueOf(body(closing).length()));
        assertThat(closing.keepAlive()).isFalse();
        assertThat(header(open, "Connection")).isNull();
        assertThat(body(open)).isEqualTo("not??found\n");
        assertThatThrownBy(() -> StaticFiles.error(200, "ok", true)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void symlink(Path link, Path target) {
        try {
            Files.createSymbolicLink(link, target);
        } catch (IOException | UnsupportedOperationException e) {
            Assumptions.abort("symbolic links unsupported here: " + e);
        }
    }
}
