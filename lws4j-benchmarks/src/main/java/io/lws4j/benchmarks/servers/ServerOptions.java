package io.lws4j.benchmarks.servers;

import io.lws4j.benchmarks.BenchCertificate;
import java.nio.file.Path;

/**
 * Command-line options shared by every benchmark server.
 *
 * @param impl which server ({@link ServerMain#IMPLS})
 * @param port TCP port on 127.0.0.1, 0 for ephemeral
 * @param threads worker threads for streaming tasks (0 = no pool, echo only)
 * @param queue wait-queue bound of the worker pool
 * @param ioThreads selector / service threads
 * @param tls the key and certificate to serve wss with ({@code --tls-keystore P --tls-password W}),
 *        or null for plain ws
 * @param deflate whether to accept permessage-deflate ({@code --deflate on}); off, the
 *        server keeps its library's default (lws4j and Jetty accept it, Netty and
 *        Java-WebSocket do not), which does not matter: the generator then does not offer it
 * @param filter the opening-handshake check ({@code --filter}): {@code none}, {@code token}
 *        (accept only a query {@code token} of {@link HandshakeFilter#TOKEN}, else 401, in
 *        the library's handshake hook) or {@code deferred} (the same check, decided on
 *        another thread); see {@link HandshakeFilter}
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
record ServerOptions(String impl, int port, int threads, int queue, int ioThreads, BenchCertificate tls,
        boolean deflate, String filter) {

    static ServerOptions parse(String[] args) {
        String impl = null;
        int port = 0;
        int threads = 3;
        int queue = 1024;
        int io = 1;
        Path keystore = null;
        String password = null;
        boolean deflate = false;
        String filter = HandshakeFilter.NONE;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--impl" -> impl = value;
                case "--port" -> port = Integer.parseInt(value);
                case "--threads" -> threads = Integer.parseInt(value);
                case "--queue" -> queue = Integer.parseInt(value);
                case "--io-threads" -> io = Integer.parseInt(value);
                case "--tls-keystore" -> keystore = Path.of(value);
                case "--tls-password" -> password = value;
                case "--deflate" -> deflate = value.equals("on");
                case "--filter" -> filter = HandshakeFilter.check(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            i++;
        }
        if (impl == null) {
            throw new IllegalArgumentException("--impl is required, one of " + ServerMain.IMPLS);
        }
        if ((keystore == null) != (password == null)) {
            throw new IllegalArgumentException("--tls-keystore and --tls-password go together");
        }
        BenchCertificate tls = keystore == null ? null : new BenchCertificate(keystore, password);
        return new ServerOptions(impl, port, threads, queue, io, tls, deflate, filter);
    }
}
