package io.lws4j.internal.tls;

import io.lws4j.internal.loop.ServiceLoop;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Creates the engines and transports of wss connections: TLS 1.3 and 1.2 only (those of
 * them the {@code SSLContext} enables), client engines with host name verification and SNI.
 *
 * <p>Thread-safe: any method may be called from any thread (stateless).
 */
public final class TlsEngines {
    private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private TlsEngines() {
    }

    /**
     * @param context the server's context (key material)
     * @param socket an accepted socket
     * @param loop its loop
     * @param resume run on the loop after a delegated task
     * @return a server-mode transport
     */
    public static TlsTransport serverTransport(SSLContext context, SocketChannel socket,
            ServiceLoop loop, Runnable resume) {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        restrictProtocols(engine);
        return new TlsTransport(socket, engine, loop, OffLoopExecutor.get(), resume);
    }

    /**
     * @param context the client's context (trust material)
     * @param host the host name from the URI, verified against the server's certificate
     * @param port the port
     * @param socket a connected socket
     * @param loop its loop
     * @param resume run on the loop after a delegated task
     * @return a client-mode transport whose handshake has begun
     * @throws javax.net.ssl.SSLException when the handshake cannot begin
     */
    public static TlsTransport clientTransport(SSLContext context, String host, int port,
            SocketChannel socket, ServiceLoop loop, Runnable resume)
            throws javax.net.ssl.SSLException {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        restrictProtocols(engine);
        SSLParameters params = engine.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (!isIpLiteral(host)) {
            params.setServerNames(List.of(new SNIHostName(host)));
        }
        engine.setSSLParameters(params);
        engine.beginHandshake();
        return new TlsTransport(socket, engine, loop, OffLoopExecutor.get(), resume);
    }

    private static void restrictProtocols(SSLEngine engine) {
        // of the protocols the SSLContext enables (so a "TLSv1.2" context stays at 1.2),
        // only TLS 1.3 and 1.2
        List<String> supported = Arrays.asList(engine.getEnabledProtocols());
        List<String> use = new ArrayList<>();
        for (String p : PROTOCOLS) {
            if (supported.contains(p)) {
                use.add(p);
            }
        }
        engine.setEnabledProtocols(use.toArray(new String[0]));
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }
}
