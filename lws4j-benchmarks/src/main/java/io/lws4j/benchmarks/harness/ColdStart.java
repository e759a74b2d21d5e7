package io.lws4j.benchmarks.harness;

import io.lws4j.benchmarks.Wire;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Cold start: from spawning the server's JVM to the first echoed message, with a blocking
 * client that retries the connect every 2 ms. Bounded at 30 s.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
final class ColdStart {
    private static final long BOUND_NANOS = 30_000_000_000L;

    private ColdStart() {
    }

    /** Milliseconds from process start to the echo, or -1 when it did not come within the bound. */
    static double measure(String server, Path logDir) throws IOException, InterruptedException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        try (ServerProcess p = ServerProcess.spawn(server, port, 0, 1, List.of(), logDir)) {
            long deadline = p.startNanos + BOUND_NANOS;
            while (System.nanoTime() < deadline) {
                try (SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
                    if (echoOnce(ch, port)) {
                        return (System.nanoTime() - p.startNanos) / 1e6;
                    }
                } catch (IOException notYet) {
                    Thread.sleep(2);
                }
            }
            return -1;
        }
    }

    private static boolean echoOnce(SocketChannel ch, int port) throws IOException {
        ch.write(ByteBuffer.wrap(Wire.upgradeRequest("127.0.0.1", port, "/", null)));
        ByteBuffer in = ByteBuffer.allocate(4096);
        int headEnd = -1;
        while (headEnd < 0) {
            if (ch.read(in) < 0) {
                return false;
            }
            String s = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
            int i = s.indexOf("\r\n\r\n");
            if (i >= 0) {
                if (!s.startsWith("HTTP/1.1 101") || !s.contains(Wire.ACCEPT)) {
                    throw new IOException("bad handshake: " + s.lines().findFirst().orElse(""));
                }
                headEnd = i + 4;
            }
        }
        byte[] payload = new byte[32];
        payload[0] = 42;
        ch.write(ByteBuffer.wrap(Wire.maskedFrame(Wire.OP_BINARY, payload)));
        int need = headEnd + 2 + payload.length;
        while (in.position() < need) {
            if (ch.read(in) < 0) {
                return false;
            }
        }
        return (in.get(headEnd) & 0x0f) == Wire.OP_BINARY && in.get(headEnd + 2) == 42;
    }
}
