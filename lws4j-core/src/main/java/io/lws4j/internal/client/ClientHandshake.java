package io.lws4j.internal.client;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Protocol;
import io.lws4j.client.ClientOptions;
import io.lws4j.client.WebSocketConnectException;
import io.lws4j.client.WebSocketConnectException.Reason;
import io.lws4j.internal.conn.ClientRole;
import io.lws4j.internal.deflate.DeflateParams;
import io.lws4j.internal.deflate.DeflateResponseCheck;
import io.lws4j.internal.http.HttpHeaders;
import io.lws4j.internal.http.UpgradeHandshake;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLException;

/**
 * The client side of one opening handshake (RFC 6455 section 4.1): builds the upgrade
 * request with a fresh Sec-WebSocket-Key, checks the server's response, supplies masking
 * keys, and completes the connect future exactly once.
 *
 * <p>Masking keys come from this connection's own {@link SecureRandom}, drawn
 * {@value #MASK_BATCH} bytes at a time: RFC 6455 section 5.3 asks for keys a script
 * controlling the payload cannot predict, which rules out a seeded fast PRNG whose state
 * leaks through earlier keys seen on the wire; one instance per connection keeps it
 * service-thread confined, so there is no contention, and batching keeps the cost per frame
 * at a few array reads.
 *
 * <p>Service-thread confined: all methods must be called on the owning service thread,
 * except {@link #fail}, which completes the future and may be called from any thread.
 */
public final class ClientHandshake implements ClientRole {
    /*
     * Response parsing: bytes are copied into `head` (bounded by maxHeadBytes) one at a time
     * until CRLF CRLF, so bytes after the head (frames the server sent right after its 101)
     * stay in the caller's buffer. The head is short; per-byte copying costs nothing that
     * matters.
     */
    static final int MASK_BATCH = 256;

    private final ClientOptions options;
    private final CompletableFuture<Connection> future;
    private final SecureRandom random = new SecureRandom();
    private final byte[] masks = new byte[MASK_BATCH];
    private int maskOffset = MASK_BATCH;
    private final String key;
    private final ByteBuffer head;
    private DeflateParams deflateParams;

    /**
     * @param options the connect options
     * @param future completed with the connection or a {@link WebSocketConnectException}
     * @param maxHeadBytes the largest response head accepted
     */
    public ClientHandshake(ClientOptions options, CompletableFuture<Connection> future,
            int maxHeadBytes) {
        this.options = options;
        this.future = future;
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        this.key = Base64.getEncoder().encodeToString(nonce);
        this.head = ByteBuffer.allocate(maxHeadBytes);
    }

    @Override
    public ByteBuffer request() {
        URI uri = options.uri();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        StringBuilder sb = new StringBuilder(256);
        sb.append("GET ").append(path).append(" HTTP/1.1\r\n");
        sb.append("Host: ").append(hostHeader()).append("\r\n");
        sb.append("Upgrade: websocket\r\nConnection: Upgrade\r\n");
        sb.append("Sec-WebSocket-Key: ").append(key).append("\r\n");
        sb.append("Sec-WebSocket-Version: 13\r\n");
        if (!options.subprotocols().isEmpty()) {
            sb.append("Sec-WebSocket-Protocol: ")
                    .append(String.join(", ", options.subprotocols())).append("\r\n");
        }
        if (options.permessageDeflate()) {
            sb.append("Sec-WebSocket-Extensions: ").append(DeflateResponseCheck.OFFER).append("\r\n");
        }
        if (options.origin() != null) {
            sb.append("Origin: ").append(options.origin()).append("\r\n");
        }
        for (Map.Entry<String, String> h : options.headers().entrySet()) {
            sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        sb.append("\r\n");
        return ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private String hostHeader() {
        String host = options.uri().getHost();
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        int port = options.uri().getPort();
        return port < 0 ? host : host + ":" + port;
    }

    @Override
    public Protocol protocol() {
        return options.protocol();
    }

    @Override
    public Duration handshakeTimeout() {
        return options.handshakeTimeout();
    }

    @Override
    public String readResponse(ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (!head.hasRemaining()) {
                throw handshake("response head larger than " + head.capacity() + " bytes");
            }
            head.put(buf.get());
            int n = head.position();
            if (n >= 4 && head.get(n - 4) == '\r' && head.get(n - 3) == '\n'
                    && head.get(n - 2) == '\r' && head.get(n - 1) == '\n') {
                return check(new String(head.array(), 0, n - 4, StandardCharsets.ISO_8859_1));
            }
        }
        return null;
    }

    /** @return the chosen subprotocol, "" for none */
    private String check(String text) throws WebSocketConnectException {
        String[] lines = text.split("\r\n", -1);
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
            throw handshake("not an HTTP/1.x response: " + abbreviate(lines[0]));
        }
        int code;
        try {
            code = Integer.parseInt(status[1]);
        } catch (NumberFormatException e) {
            throw handshake("bad status line: " + abbreviate(lines[0]));
        }
        if (code != 101) {
            String phrase = status.length > 2 ? " " + status[2] : "";
            throw new WebSocketConnectException(Reason.BAD_STATUS,
                    "server answered " + code + phrase + " instead of 101", code, null);
        }
        List<String> fields = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                throw handshake("malformed header line: " + abbreviate(lines[i]));
            }
            fields.add(lines[i].substring(0, colon).strip());
            fields.add(lines[i].substring(colon + 1).strip());
        }
        HttpHeaders headers = HttpHeaders.of(fields.toArray(new String[0]));
        if (!headers.containsToken("Upgrade", "websocket")) {
            throw handshake("101 response without 'Upgrade: websocket'");
        }
        if (!headers.containsToken("Connection", "upgrade")) {
            throw handshake("101 response without 'Connection: Upgrade'");
        }
        String accept = headers.first("Sec-WebSocket-Accept");
        if (accept == null || !accept.equals(UpgradeHandshake.acceptKey(key))) {
            throw handshake("wrong Sec-WebSocket-Accept: " + abbreviate(String.valueOf(accept)));
        }
        try {
            deflateParams = DeflateResponseCheck.check(headers.all("Sec-WebSocket-Extensions"),
                    options.permessageDeflate());
        } catch (DeflateResponseCheck.RefusedResponse e) {
            throw handshake(e.getMessage());
        }
        List<String> chosen = headers.listElements("Sec-WebSocket-Protocol");
        if (chosen.isEmpty()) {
            return "";
        }
        if (chosen.size() > 1 || !options.subprotocols().contains(chosen.get(0))) {
            throw handshake("server chose a subprotocol the client did not offer: "
                    + abbreviate(String.join(", ", chosen)));
        }
        return chosen.get(0);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    private static WebSocketConnectException handshake(String message) {
        return new WebSocketConnectException(Reason.BAD_HANDSHAKE, message, 0, null);
    }

    @Override
    public DeflateParams deflateParams() {
        return deflateParams;
    }

    @Override
    public int compressionThreshold() {
        return options.compressionThreshold();
    }

    @Override
    public int nextMaskKey() {
        if (maskOffset > MASK_BATCH - 4) {
            random.nextBytes(masks);
            maskOffset = 0;
        }
        int k = ((masks[maskOffset] & 0xFF) << 24) | ((masks[maskOffset + 1] & 0xFF) << 16)
                | ((masks[maskOffset + 2] & 0xFF) << 8) | (masks[maskOffset + 3] & 0xFF);
        maskOffset += 4;
        return k;
    }

    @Override
    public void established(Connection connection) {
        if (!future.complete(connection)) {
            // Cancelled while the handshake ran: nobody holds the connection.
            connection.close(CloseCodes.GOING_AWAY, "connect cancelled");
        }
    }

    @Override
    public void failed(IOException cause) {
        fail(classify(cause, options.uri()));
    }

    /**
     * Completes the future exceptionally; a no-op when it is already complete. Thread-safe.
     *
     * @param e the failure
     */
    public void fail(WebSocketConnectException e) {
        future.completeExceptionally(e);
    }

    static WebSocketConnectException classify(IOException cause, URI uri) {
        if (cause instanceof WebSocketConnectException w) {
            return w;
        }
        if (cause == null) {
            return new WebSocketConnectException(Reason.CLOSED,
                    "the server closed the connection before the handshake completed: " + uri,
                    0, null);
        }
        if (cause instanceof SocketTimeoutException) {
            return new WebSocketConnectException(Reason.TIMEOUT, cause.getMessage() + ": " + uri,
                    0, cause);
        }
        if (cause instanceof SSLException) {
            return new WebSocketConnectException(Reason.TLS_FAILED, "TLS handshake with " + uri
                    + " failed: " + cause.getMessage(), 0, cause);
        }
        return new WebSocketConnectException(Reason.CLOSED, "connection to " + uri
                + " failed during the handshake: " + cause, 0, cause);
    }
}
