package io.lws4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Context;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles the {@code java} code blocks of a markdown page of this repository against the
 * built lws4j-core, with the project's {@code -Xlint:all -Werror}, and loads the classes.
 * Every block must be a whole compilation unit with one public class.
 *
 * <p>Not thread-safe: one test class's set-up uses it.
 */
final class MarkdownSnippets {
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern CLASS_NAME = Pattern.compile("public class (\\w+)");

    private MarkdownSnippets() {
    }

    /**
     * Compiles the page's java blocks.
     *
     * @param page the page, relative to the repository root (the parent of this module)
     * @param work an empty directory for sources and classes
     * @param expectedClasses the public classes the page must define, in page order
     * @return a loader of the compiled classes whose parent is this test's loader
     */
    static URLClassLoader compile(String page, Path work, String... expectedClasses)
            throws IOException {
        String text = Files.readString(Path.of("..").resolve(page), StandardCharsets.UTF_8);
        Path src = Files.createDirectories(work.resolve("src"));
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<Path> files = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Matcher block = JAVA_BLOCK.matcher(text);
        while (block.find()) {
            Matcher name = CLASS_NAME.matcher(block.group(1));
            assertThat(name.find()).as("a public class in the block:%n%s", block.group(1)).isTrue();
            names.add(name.group(1));
            files.add(Files.writeString(src.resolve(name.group(1) + ".java"), block.group(1)));
        }
        assertThat(names).as("java blocks in " + page).containsExactly(expectedClasses);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, null)) {
            boolean ok = javac.getTask(null, fm, diagnostics,
                    List.of("--release", "17", "-Xlint:all", "-Werror",
                            "-classpath", coreClasses().toString(), "-d", classes.toString()),
                    null, fm.getJavaFileObjectsFromPaths(files)).call();
            assertThat(ok).as("%s snippets compile: %s", page, diagnostics.getDiagnostics()).isTrue();
        }
        return new URLClassLoader(new URL[] {classes.toUri().toURL()},
                MarkdownSnippets.class.getClassLoader());
    }

    private static Path coreClasses() {
        try {
            return Path.of(Context.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }
}
