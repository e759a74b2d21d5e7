package io.lws4j.benchmarks.harness;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The runtime jars each server needs, picked from this JVM's class path by artifact name
 * (the module's dependency tree: what a user of that library ships).
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
final class Jars {
    private Jars() {
    }

    static Map<String, List<Path>> perServer() {
        Map<String, List<Path>> map = new LinkedHashMap<>();
        for (String server : List.of("floor", "lws4j", "netty", "jetty", "java-websocket")) {
            map.put(server, new ArrayList<>());
        }
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            String s = entry.replace('\\', '/');
            String name = p.getFileName() == null ? "" : p.getFileName().toString();
            if (s.contains("lws4j-core")) {
                map.get("lws4j").add(p);
            } else if (name.startsWith("netty-")) {
                map.get("netty").add(p);
            } else if (name.startsWith("jetty-")) {
                map.get("jetty").add(p);
            } else if (name.startsWith("Java-WebSocket")) {
                map.get("java-websocket").add(p);
            } else if (name.startsWith("slf4j-api")) {
                map.get("jetty").add(p);
                map.get("java-websocket").add(p);
            }
        }
        return map;
    }

    /** Total size; a class directory (a reactor build) is measured as the jar it would become. */
    static double totalBytes(List<Path> paths) {
        long total = 0;
        for (Path p : paths) {
            try {
                total += Files.isDirectory(p) ? jarSizeOf(p) : Files.size(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return total;
    }

    static String names(List<Path> paths) {
        List<String> names = new ArrayList<>();
        for (Path p : paths) {
            String n = p.getFileName().toString();
            names.add(Files.isDirectory(p) ? p.getParent().getParent().getFileName() + " (classes)" : n);
        }
        return names.size() <= 2 ? String.join(", ", names) : names.size() + " jars";
    }

    private static long jarSizeOf(Path dir) throws IOException {
        CountingStream counter = new CountingStream();
        try (JarOutputStream jar = new JarOutputStream(counter); Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                jar.putNextEntry(new JarEntry(dir.relativize(f).toString().replace('\\', '/')));
                jar.write(Files.readAllBytes(f));
                jar.closeEntry();
            }
        }
        return counter.count;
    }

    /** Counts bytes, keeps none. Not thread-safe: instances must not be shared. */
    private static final class CountingStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
