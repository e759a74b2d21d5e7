package io.lws4j.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lws4j.internal.loop.ContextConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coverage-guided fuzzing of static file resolution with arbitrary request targets (not
 * only those the parser lets through), against a tree with a secret file next to the
 * mount, a symlink leading to it, and dot-files. Without {@code JAZZER_FUZZ=1} it runs its
 * seed corpus as a regression test.
 */
class StaticFilesFuzzTest {

    @TempDir
    static Path temp;

    private static StaticFiles files;
    private static Path realRoot;

    @FuzzTest(maxDuration = "5m")
    void staticFilesNeverServeOutsideTheMountOrThrow(FuzzedDataProvider data) throws IOException {
        String method = data.consumeBoolean() ? "GET" : "HEAD";
        String target = data.consumeRemainingAsString();

        HttpResponse response = staticFiles().respond(
                new HttpRequest(method, target, "HTTP/1.1", HttpHeaders.of("Host", "a")));

        assertThat(response.status()).isIn(200, 301, 400, 403, 404);
        assertThat(response.head().position()).isZero();
        if (response.bodyFile() != null) {
            Path served = response.bodyFile().toRealPath();
            assertThat(served).startsWith(realRoot);
            assertThat(realRoot.relativize(served).toString()).doesNotStartWith(".").doesNotContain("/.");
            assertThat(Files.readString(served)).isNotEqualTo("secret");
        }
    }

    private static StaticFiles staticFiles() throws IOException {
        if (files == null) {
            Path root = Files.createDirectories(temp.resolve("root"));
            Path outside = Files.createDirectories(temp.resolve("outside"));
            Files.writeString(outside.resolve("secret.txt"), "secret");
            Files.writeString(root.resolve("index.html"), "index");
            Files.createDirectories(root.resolve("sub"));
            Files.writeString(root.resolve("sub/a.txt"), "a");
            Files.createDirectories(root.resolve(".git"));
            Files.writeString(root.resolve(".git/config"), "secret");
            try {
                Files.createSymbolicLink(root.resolve("out"), outside);
                Files.createSymbolicLink(root.resolve("sub/up"), Path.of(".."));
            } catch (UnsupportedOperationException | IOException e) {
                // no symlinks here: the remaining checks still apply
            }
            realRoot = root.toRealPath();
            files = new StaticFiles(List.of(new ContextConfig.Mount("/", root)));
        }
        return files;
    }
}
