package io.lws4j.tests.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The outside programs of the chat cluster test: a Redis server and nginx, run as the
 * current user on 127.0.0.1 with their files in one temporary directory, and stopped (TERM,
 * then KILL) when closed.
 *
 * <p>Not thread-safe: used by the test's thread.
 */
final class ClusterProcesses implements AutoCloseable {
    private static final Duration START_LIMIT = Duration.ofSeconds(30);

    final Path runDir;
    private final List<Process> processes = new ArrayList<>();

    ClusterProcesses() throws IOException {
        runDir = Files.createTempDirectory("lws4j-cluster-test-");
        // nginx workers run as another user when the test runs as root
        runDir.toFile().setReadable(true, false);
        runDir.toFile().setExecutable(true, false);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts redis-server on {@code port}, with no persistence. */
    void startRedis(Path redisServer, int port) throws IOException {
        start("redis", List.of(redisServer.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", runDir.toString()));
        awaitPort(port, "redis-server");
    }

    /**
     * Fills in the repository's nginx.conf template and starts nginx with it.
     *
     * @param template lws4j-examples/cluster/nginx.conf
     */
    void startNginx(Path nginx, Path template, int listenPort, List<Integer> upstreamPorts)
            throws IOException {
        String conf = Files.readString(template, StandardCharsets.UTF_8)
                .replace("${RUN_DIR}", runDir.toString())
                .replace("${NGINX_PORT}", Integer.toString(listenPort))
                .replace("${PORT1}", Integer.toString(upstreamPorts.get(0)))
                .replace("${PORT2}", Integer.toString(upstreamPorts.get(1)))
                .replace("${PORT3}", Integer.toString(upstreamPorts.get(2)));
        Path confFile = runDir.resolve("nginx.conf");
        Files.writeString(confFile, conf, StandardCharsets.UTF_8);
        start("nginx", List.of(nginx.toString(), "-p", runDir.toString(), "-c",
                confFile.toString(), "-e", runDir.resolve("nginx-error.log").toString()));
        awaitPort(listenPort, "nginx");
    }

    private void start(String name, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(runDir.resolve(name + ".out").toFile())
                .start();
        processes.add(p);
    }

    private void awaitPort(int port, String what) {
        long end = System.nanoTime() + START_LIMIT.toNanos();
        while (System.nanoTime() - end < 0) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                if (!processes.get(processes.size() - 1).isAlive()) {
                    break;
                }
                sleep(50);
            }
        }
        throw new IllegalStateException(what + " did not listen on " + port + ": " + logs());
    }

    /** The programs' output and nginx's error log, for failure messages. */
    String logs() {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.list(runDir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".out")
                    || f.toString().endsWith(".log")).sorted().toList()) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                sb.append("\n--- ").append(f.getFileName()).append('\n')
                        .append(text.length() > 4000 ? text.substring(text.length() - 4000) : text);
            }
        } catch (IOException e) {
            sb.append("(logs unreadable: ").append(e).append(')');
        }
        return sb.toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            p.destroy();
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try (var files = Files.walk(runDir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException | UncheckedIOException e) {
            // best effort: a temp directory
        }
    }
}
