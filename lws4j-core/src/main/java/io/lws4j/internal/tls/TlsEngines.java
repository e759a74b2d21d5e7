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
 * The expensive steps are here so callers can keep them off the service loops: a server
 * context's first-use set-up ({@link #initializeServer}, at {@code Context} build) and a
 * client's ClientHello ({@link #startClientEngine}, on the off-loop executor).
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
     * Does a server context's one-time set-up now, on the caller's thread (the builder of the
     * {@code Context}), instead of in the first accept on a service loop: the first engine of
     * a context loads the provider's handshake classes and works out the protocol and cipher
     * suite lists, and the first handshake context computes the suites its constraints allow.
     * That set-up is slow enough to stall every other connection of the loop it runs on.
     * The engine is dropped without any record leaving it.
     *
     * @param context the server's context (key material)
     */
    public static void initializeServer(SSLContext context) {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        restrictProtocols(engine);
        engine.getSession();
        try {
            engine.beginHandshake();
        } catch (javax.net.ssl.SSLException e) {
            // the accepts will meet the same problem and report it per connection
            System.getLogger(TlsEngines.class.getName()).log(System.Logger.Level.DEBUG,
                    "TLS set-up could not begin a handshake", e);
        }
    }

    /**
     * Creates a client engine and begins its handshake, which builds the ClientHello with its
     * key shares (a key pair per share) inside {@code beginHandshake} itself, not in a
     * delegated task: work for the off-loop executor, never for a service loop.
     *
     * @param context the client's context (trust material)
     * @param host the host name from the URI, verified against the server's certificate
     * @param port the port
     * @return a client-mode engine whose ClientHello waits to be wrapped
     * @throws javax.net.ssl.SSLException when the handshake cannot begin
     */
    public static SSLEngine startClientEngine(SSLContext context, String host, int port)
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
        return engine;
    }

    /**
     * @param engine an engine from {@link #startClientEngine}, handed to the loop's thread with
     *     a happens-before edge (for example through {@link ServiceLoop#execute})
     * @param socket a connected socket
     * @param loop its loop
     * @param resume run on the loop after a delegated task
     * @return a client-mode transport whose handshake has begun
     */
    public static TlsTransport clientTransport(SSLEngine engine, SocketChannel socket,
            ServiceLoop loop, Runnable resume) {
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
