package io.lws4j.tests.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the node interop scripts of {@code lws4j-tests/node} (the echo checker, the stream
 * client) with a time limit. Skips or fails through {@link ExternalTools} when node or the
 * npm packages are unavailable, installing the packages with {@code npm ci} first when npm
 * is there.
 *
 * <pre>{@code
 * ProcessRun.Result r = NodeScripts.run("stream-client.mjs", Duration.ofSeconds(60),
 *         "--url", "ws://127.0.0.1:" + port + "/", "--protocol", "lws-minimal",
 *         "--connections", "4", "--pattern", "^pos (\\d+)$");
 * assertTrue(r.succeeded(), r::describe);
 * }</pre>
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class NodeScripts {
    private NodeScripts() {
    }

    /**
     * The scripts' directory: system property {@code lws4j.nodeDir} (the build sets it), else
     * {@code lws4j-tests/node} found from the working directory.
     *
     * @return the directory holding {@code package.json}
     */
    public static Path directory() {
        String configured = System.getProperty("lws4j.nodeDir");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        Path cwd = Path.of("").toAbsolutePath();
        for (Path candidate : List.of(cwd.resolve("node"), cwd.resolve("lws4j-tests/node"),
                cwd.resolveSibling("lws4j-tests").resolve("node"))) {
            if (Files.isRegularFile(candidate.resolve("package.json"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("cannot find lws4j-tests/node from " + cwd
                + "; set -Dlws4j.nodeDir");
    }

    /**
     * Runs {@code node SCRIPT ARGS...} in the scripts' directory.
     *
     * @param script the script file name, e.g. {@code echo-check.mjs}
     * @param timeout the limit; the process is killed when it is reached
     * @param args the script's arguments
     * @return the outcome, with output for assertion messages
     */
    public static ProcessRun.Result run(String script, Duration timeout, String... args) {
        Path node = ExternalTools.requireNode();
        Path dir = ExternalTools.requireNodeModules(directory());
        List<String> command = new ArrayList<>();
        command.add(node.toString());
        command.add(script);
        command.addAll(List.of(args));
        return ProcessRun.run(command, dir, timeout);
    }
}
