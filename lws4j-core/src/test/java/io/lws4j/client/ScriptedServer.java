package io.lws4j.client;

import io.lws4j.internal.http.UpgradeHandshake;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A raw server socket on 127.0.0.1 for one client: reads the request head, writes what the
 * script makes of it (the script gets the client's Sec-WebSocket-Key), then collects what
 * the client sends until it closes, 5 s pass or the expected byte count arrived.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
final class ScriptedServer implements AutoCloseable {
    final CompletableFuture<String> request = new CompletableFuture<>();
    final CompletableFuture<byte[]> afterResponse = new CompletableFuture<>();
    private final ServerSocket server;
    private final int expectBytes;
    private final Thread thread;

    ScriptedServer(Function<String, byte[]> script) throws IOException {
        this(script, Integer.MAX_VALUE);
    }

    /**
     * @param script the response for a Sec-WebSocket-Key; null for none, throwing hangs up
     * @param expectBytes stop collecting the client's bytes once this many arrived
     */
    ScriptedServer(Function<String, byte[]> script, int expectBytes) throws IOException {
        this.expectBytes = expectBytes;
        server = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"));
        thread = new Thread(() -> serve(script), "scripted-server");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** @return the 101 head with the right accept key, plus extra header lines */
    static byte[] accept(String key, String extraHeaders) {
        return ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + UpgradeHandshake.acceptKey(key) + "\r\n"
                + extraHeaders + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private void serve(Function<String, byte[]> script) {
        try (Socket s = server.accept()) {
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("client closed during its request");
                }
                head.append((char) b);
            }
            request.complete(head.toString());
            String key = "";
            for (String line : head.toString().split("\r\n")) {
                if (line.toLowerCase().startsWith("sec-websocket-key:")) {
                    key = line.substring(line.indexOf(':') + 1).strip();
                }
            }
            byte[] response;
            try {
                response = script.apply(key);
            } catch (RuntimeException hangUp) {
                afterResponse.complete(new byte[0]);
                return; // the script chose to drop the connection without an answer
            }
            if (response != null) {
                s.getOutputStream().write(response);
                s.getOutputStream().flush();
            }
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            try {
                int n;
                while (rest.size() < expectBytes && (n = in.read(buf)) > 0) {
                    rest.write(buf, 0, n);
                }
            } catch (IOException timeoutOrReset) {
                // whatever arrived so far is the answer
            }
            afterResponse.complete(rest.toByteArray());
        } catch (IOException e) {
            request.completeExceptionally(e);
            afterResponse.completeExceptionally(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
