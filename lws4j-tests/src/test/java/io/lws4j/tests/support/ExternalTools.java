package io.lws4j.tests.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the outside programs interop tests drive (node, npm, Chromium, chromedriver, nginx,
 * redis-server) and
 * decides what a missing one means: the test is skipped with a message naming the program and
 * how to install it, unless system property {@code lws4j.requireExternal=true} (CI sets it),
 * in which case the test fails with that message instead.
 *
 * <pre>{@code
 * Path node = ExternalTools.requireNode();          // skips or fails when missing
 * Path chromium = ExternalTools.requireChromium();
 * }</pre>
 *
 * <p>Each program can be pointed elsewhere with a system property: {@code lws4j.node},
 * {@code lws4j.npm}, {@code lws4j.chromium}, {@code lws4j.chromedriver}, {@code lws4j.nginx},
 * {@code lws4j.redisServer}.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class ExternalTools {
    /** The system property that turns "missing program" skips into failures. */
    public static final String REQUIRE_PROPERTY = "lws4j.requireExternal";

    private static final Duration NPM_CI_TIMEOUT = Duration.ofMinutes(4);
    private static final Object NPM_LOCK = new Object();

    private ExternalTools() {
    }

    /**
     * True when missing programs must fail tests rather than skip them.
     *
     * @return the value of {@value #REQUIRE_PROPERTY}
     */
    public static boolean required() {
        return Boolean.getBoolean(REQUIRE_PROPERTY);
    }

    /**
     * Finds {@code node}.
     *
     * @return the node executable
     */
    public static Path requireNode() {
        return require("node", "lws4j.node", List.of(), "apt-get install nodejs npm");
    }

    /**
     * Finds {@code npm}.
     *
     * @return the npm executable
     */
    public static Path requireNpm() {
        return require("npm", "lws4j.npm", List.of(), "apt-get install npm");
    }

    /**
     * Finds the Chromium browser ({@code /usr/bin/chromium} on Debian).
     *
     * @return the chromium executable
     */
    public static Path requireChromium() {
        return require("chromium", "lws4j.chromium", List.of(Path.of("/usr/bin/chromium")),
                "apt-get install chromium");
    }

    /**
     * Finds chromedriver ({@code /usr/bin/chromedriver} on Debian).
     *
     * @return the chromedriver executable
     */
    public static Path requireChromedriver() {
        return require("chromedriver", "lws4j.chromedriver",
                List.of(Path.of("/usr/bin/chromedriver")), "apt-get install chromium-driver");
    }

    /**
     * Finds nginx ({@code /usr/sbin/nginx} on Debian, often not on a user's PATH).
     *
     * @return the nginx executable
     */
    public static Path requireNginx() {
        return require("nginx", "lws4j.nginx", List.of(Path.of("/usr/sbin/nginx")),
                "apt-get install nginx");
    }

    /**
     * Finds redis-server.
     *
     * @return the redis-server executable
     */
    public static Path requireRedisServer() {
        return require("redis-server", "lws4j.redisServer",
                List.of(Path.of("/usr/bin/redis-server")), "apt-get install redis-server");
    }

    /**
     * Makes sure the node interop scripts can load their packages: when
     * {@code node_modules/ws} is missing under {@code nodeDir}, runs
     * {@code npm ci --no-audit --no-fund} there once (bounded in time). A failed install
     * skips or fails like a missing program.
     *
     * @param nodeDir the directory holding {@code package.json} and {@code package-lock.json}
     * @return {@code nodeDir}
     */
    public static Path requireNodeModules(Path nodeDir) {
        requireNode();
        synchronized (NPM_LOCK) {
            if (Files.isDirectory(nodeDir.resolve("node_modules").resolve("ws"))) {
                return nodeDir;
            }
            Path npm = requireNpm();
            ProcessRun.Result result = ProcessRun.run(
                    List.of(npm.toString(), "ci", "--no-audit", "--no-fund"), nodeDir,
                    NPM_CI_TIMEOUT);
            if (!result.succeeded() || !Files.isDirectory(nodeDir.resolve("node_modules").resolve("ws"))) {
                missing("the npm packages of " + nodeDir + " (npm ci failed: " + result.describe()
                        + ")", "run: (cd " + nodeDir + " && npm ci)");
            }
            return nodeDir;
        }
    }

    /**
     * Skips the calling test, or fails it when {@value #REQUIRE_PROPERTY} is true, because
     * {@code what} is unavailable.
     *
     * @param what the missing program or resource
     * @param hint how to get it
     */
    public static void missing(String what, String hint) {
        String message = what + " is not available (" + hint + ")";
        if (required()) {
            throw new AssertionError(message + "; failing because -D" + REQUIRE_PROPERTY + "=true");
        }
        Assumptions.abort(message + "; skipping (set -D" + REQUIRE_PROPERTY
                + "=true to make this a failure)");
    }

    private static Path require(String name, String property, List<Path> knownLocations,
            String hint) {
        String configured = System.getProperty(property);
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            if (Files.isExecutable(path)) {
                return path;
            }
            missing(name + " at " + path + " (from -D" + property + ")", hint);
        }
        Optional<Path> found = onPath(name);
        if (found.isPresent()) {
            return found.get();
        }
        for (Path known : knownLocations) {
            if (Files.isExecutable(known)) {
                return known;
            }
        }
        missing(name + " (not on PATH)", hint);
        throw new AssertionError("unreachable");
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
