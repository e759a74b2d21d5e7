package io.lws4j.tests.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Skips a test with a clear message when an outside program is missing, or fails it when
 * system property {@code lws4j.requireExternal} is true (as CI sets it).
 *
 * <p>Thread-safe: stateless.
 */
final class RequiredPrograms {
    private RequiredPrograms() {
    }

    /** Returns {@code program} when it is an executable file, else skips or fails. */
    static Path require(Path program, String what, String installHint) {
        if (Files.isRegularFile(program) && Files.isExecutable(program)) {
            return program;
        }
        String message = what + " not found at " + program + " (" + installHint + ")";
        if (Boolean.getBoolean("lws4j.requireExternal")) {
            Assertions.fail(message + "; lws4j.requireExternal=true makes this a failure");
        }
        Assumptions.abort("skipped: " + message);
        return program;
    }
}
