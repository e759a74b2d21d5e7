package io.lws4j.tests.autobahn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * Starts Autobahn|Testsuite's {@code wstest} (0.5.6, bundled in the Autobahn Maven plugin) as
 * a separate Jython process. The two jars come from {@code target/autobahn-jars}, where the
 * {@code autobahn-client-jars} execution of maven-dependency-plugin copies them.
 *
 * <p>Thread-safe: stateless.
 */
final class AutobahnWstest {
    private AutobahnWstest() {
    }

    static Path jarDir() {
        return Path.of(System.getProperty("lws4j.autobahn.jarDir", "target/autobahn-jars"));
    }

    /**
     * Runs {@code wstest -m MODE -s SPEC} with stdout and stderr going to {@code log}.
     *
     * @param mode fuzzingserver or fuzzingclient
     * @param spec the JSON specification file
     * @param log where the process's output goes
     * @return the started process
     */
    static Process start(String mode, Path spec, Path log) throws IOException {
        Path jython = jarDir().resolve("jython-standalone.jar");
        Path plugin = jarDir().resolve("autobahntestsuite-maven-plugin.jar");
        for (Path jar : List.of(jython, plugin)) {
            assertTrue(jar.toFile().isFile(), jar + " is missing (the autobahn-client-jars"
                    + " execution of maven-dependency-plugin copies it; run through Maven)");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String script = "import sys; sys.argv=['wstest','-m','" + mode + "','-s','"
                + spec.toAbsolutePath().toString().replace("\\", "\\\\").replace("'", "\\'")
                + "']; from autobahntestsuite import wstest; wstest.run()";
        return new ProcessBuilder(java, "-cp", jython + File.pathSeparator + plugin,
                "org.python.util.jython", "-c", script)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /** @return {@code s} escaped for a JSON string literal (paths and case patterns) */
    static String jsonString(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** Deletes a directory tree (a previous run's reports); nothing when it is absent. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
