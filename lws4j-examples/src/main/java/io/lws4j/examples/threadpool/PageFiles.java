package io.lws4j.examples.threadpool;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The demo's web page. Static mounts serve a directory, but the page lives on the class
 * path (inside the jar, or under {@code target/classes} when run from the source tree), so
 * it is copied to a fresh temporary directory at start, together with a generated
 * {@code config.json} holding the workload settings, and deleted at shutdown.
 *
 * <p>Not thread-safe: instances must not be shared.
 */
final class PageFiles implements AutoCloseable {
    /** Every file of the page, relative to {@link #RESOURCE_DIR}. */
    static final List<String> FILES = List.of("index.html", "demo.css", "demo.js", "favicon.svg");
    private static final String RESOURCE_DIR = "page/";

    private final Path directory;

    private PageFiles(Path directory) {
        this.directory = directory;
    }

    /**
     * Copies the page into a new temporary directory.
     *
     * @param configJson the content of {@code config.json}
     * @return the extracted page
     * @throws UncheckedIOException when a file cannot be read or written
     */
    static PageFiles extract(String configJson) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("lws4j-demo-page-");
            for (String name : FILES) {
                try (InputStream in = PageFiles.class.getResourceAsStream(RESOURCE_DIR + name)) {
                    if (in == null) {
                        throw new IOException("page resource missing from the class path: "
                                + RESOURCE_DIR + name);
                    }
                    Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.writeString(dir.resolve("config.json"), configJson, StandardCharsets.UTF_8);
            return new PageFiles(dir);
        } catch (IOException e) {
            if (dir != null) {
                new PageFiles(dir).close();
            }
            throw new UncheckedIOException(e);
        }
    }

    /** The directory to mount at "/". */
    Path directory() {
        return directory;
    }

    /** Deletes the copied files and the directory; failures are ignored (it is a temp dir). */
    @Override
    public void close() {
        try (var entries = Files.list(directory)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(directory);
        } catch (IOException ignored) {
            // Best effort: the OS cleans temp directories eventually.
        }
    }
}
