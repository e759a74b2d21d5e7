package io.lws4j.benchmarks.loadgen;

import java.net.InetSocketAddress;
import java.net.URI;
import javax.net.ssl.SSLContext;

/**
 * Where the load goes: a loopback websocket endpoint.
 *
 * @param host loopback host name or address
 * @param port TCP port
 * @param path request target
 * @param subprotocol offered subprotocol, or null for none
 * @param tls the client context to speak TLS with (wss), or null for plain ws
 * @param deflate whether to offer permessage-deflate and require the server to accept it
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public record Target(String host, int port, String path, String subprotocol, SSLContext tls, boolean deflate) {

    public Target {
        if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1")) {
            throw new IllegalArgumentException("benchmarks run on loopback only, not " + host);
        }
    }

    /** A plain ws target without extensions. */
    public Target(String host, int port, String path, String subprotocol) {
        this(host, port, path, subprotocol, null, false);
    }

    public static Target loopback(int port) {
        return new Target("127.0.0.1", port, "/", null);
    }

    /** This target over TLS with {@code clientContext} (null: plain) and with or without deflate. */
    public Target with(SSLContext clientContext, boolean offerDeflate) {
        return new Target(host, port, path, subprotocol, clientContext, offerDeflate);
    }

    /** Parses {@code ws://127.0.0.1:port/path}. */
    public static Target parse(String url, String subprotocol) {
        URI uri = URI.create(url);
        if (!"ws".equals(uri.getScheme())) {
            throw new IllegalArgumentException("only ws:// URLs: " + url);
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path = path + "?" + uri.getRawQuery();
        }
        return new Target(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort(), path, subprotocol);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }
}
