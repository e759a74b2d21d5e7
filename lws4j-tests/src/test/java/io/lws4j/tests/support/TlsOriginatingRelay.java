package io.lws4j.tests.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * Lets a client that cannot speak TLS (Autobahn|Testsuite under Jython) test a wss server:
 * listens for plain TCP on 127.0.0.1 and, for every accepted socket, opens a TLS connection to
 * the target, completes the handshake (the target's certificate must chain to the given
 * context's trust and match the target's IP address), then copies bytes both ways.
 *
 * <p>The copy is meant to be invisible to both ends. Each direction reads what is there (at
 * most {@link #CHUNK_BYTES}) and writes it on at once, so it holds at most one chunk and a
 * slow reader slows the writer exactly as on a direct connection. An orderly end of one
 * direction (TCP FIN from the client; close_notify or FIN from the target) becomes a
 * half-close of the same direction on the other side ({@code shutdownOutput}: FIN to the
 * client; close_notify then FIN to the target), while the other direction goes on. A failed
 * read or write (a reset, typically) resets both sockets at once: linger zero, no
 * close_notify. When both directions have ended the two sockets close.
 *
 * <p>The counts ({@link #accepted}, {@link #handshakes}, {@link #negotiated}) let a test show
 * that its traffic really crossed TLS.
 *
 * <p>Thread-safe: any method may be called from any thread. The accepting thread and the two
 * copying threads of each connection are daemons named {@code tls-relay-*}; {@link #close}
 * stops them all. A count read after the client has seen a connection's data reflects that
 * connection's handshake, which completes before its first byte is forwarded.
 */
public final class TlsOriginatingRelay implements AutoCloseable {
    /** What one direction reads and forwards at a time (a TLS record's plaintext limit). */
    static final int CHUNK_BYTES = 16 * 1024;
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    /** A handshake longer than this fails the connection (only the handshake is timed). */
    private static final int HANDSHAKE_TIMEOUT_MS = 30_000;
    private static final int MAX_PROBLEMS = 50;

    private final InetSocketAddress target;
    private final SSLContext tls;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger handshakes = new AtomicInteger();
    private final AtomicInteger handshakeFailures = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();
    private final AtomicLong bytesToTarget = new AtomicLong();
    private final AtomicLong bytesToClient = new AtomicLong();
    private final Map<String, AtomicInteger> negotiated = new ConcurrentHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private TlsOriginatingRelay(InetSocketAddress target, SSLContext tls, ServerSocket listener) {
        this.target = target;
        this.tls = tls;
        this.listener = listener;
        this.acceptor = new Thread(this::acceptLoop, "tls-relay-accept");
        this.acceptor.setDaemon(true);
    }

    /**
     * Starts relaying to a TLS server.
     *
     * @param target the TLS server (an IP address: its certificate must name it)
     * @param tls a client context trusting the target's certificate (and nothing else, in
     *     tests)
     * @return the running relay; clients connect to 127.0.0.1:{@link #port()}
     * @throws IOException when the listening socket cannot be opened
     */
    public static TlsOriginatingRelay start(InetSocketAddress target, SSLContext tls)
            throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        TlsOriginatingRelay relay = new TlsOriginatingRelay(target, tls, listener);
        relay.acceptor.start();
        return relay;
    }

    /** @return the plain TCP port clients connect to, on 127.0.0.1 */
    public int port() {
        return listener.getLocalPort();
    }

    /** @return client connections accepted so far */
    public int accepted() {
        return accepted.get();
    }

    /** @return TLS handshakes with the target completed so far (one per relayed connection) */
    public int handshakes() {
        return handshakes.get();
    }

    /** @return accepted connections whose TLS connection to the target could not be made */
    public int handshakeFailures() {
        return handshakeFailures.get();
    }

    /** @return connections ended by a failed read or write (reset both ways) */
    public int resets() {
        return resets.get();
    }

    /** @return application bytes forwarded from clients to the target (encrypted on the way) */
    public long bytesToTarget() {
        return bytesToTarget.get();
    }

    /** @return application bytes received from the target (decrypted) and forwarded */
    public long bytesToClient() {
        return bytesToClient.get();
    }

    /** @return completed handshakes by "protocol cipher-suite", e.g. "TLSv1.3 TLS_AES_..." */
    public Map<String, Integer> negotiated() {
        Map<String, Integer> copy = new TreeMap<>();
        negotiated.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    /** @return the first few handshake failures and unexpected errors, for a failure message */
    public List<String> problems() {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }

    /**
     * Stops accepting, resets every connection still open and waits briefly for the
     * relay's threads to end. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(listener);
        join(acceptor);
        List<Link> open = List.copyOf(links);
        for (Link link : open) {
            link.reset();
        }
        for (Link link : open) {
            link.join();
        }
    }

    private void acceptLoop() {
        int serial = 0;
        while (!closed.get()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!closed.get()) {
                    problem("accept: " + e);
                }
                return;
            }
            if (closed.get()) {
                abort(client);
                return;
            }
            accepted.incrementAndGet();
            Link link = new Link(++serial, client);
            links.add(link);
            link.upstream.start();
        }
    }

    private void problem(String text) {
        synchronized (problems) {
            if (problems.size() < MAX_PROBLEMS) {
                problems.add(text);
            }
        }
    }

    /**
     * One relayed connection: the client's plain socket and the TLS socket to the target,
     * layered over a raw TCP socket so a reset can skip close_notify. The upstream thread
     * connects, then copies client to target; the downstream thread, started once the
     * handshake is done, copies target to client. {@link #reset} may come from either or
     * from {@link TlsOriginatingRelay#close}; {@code finished} makes the end happen once.
     */
    private final class Link {
        final int serial;
        final Socket client;
        final Thread upstream;
        final Thread downstream;
        /** Written by the upstream thread before it starts the downstream one. */
        volatile Socket raw;
        volatile SSLSocket secure;
        /** Directions that ended in order; at two both sockets close. */
        final AtomicInteger directionsEnded = new AtomicInteger();
        final AtomicBoolean finished = new AtomicBoolean();

        Link(int serial, Socket client) {
            this.serial = serial;
            this.client = client;
            this.upstream = new Thread(this::runUpstream, "tls-relay-" + serial + "-to-target");
            this.downstream = new Thread(this::runDownstream,
                    "tls-relay-" + serial + "-to-client");
            upstream.setDaemon(true);
            downstream.setDaemon(true);
        }

        private void runUpstream() {
            assert Thread.currentThread() == upstream;
            try {
                connect();
            } catch (IOException e) {
                handshakeFailures.incrementAndGet();
                problem("connection " + serial + ": TLS connection to " + target + " failed: "
                        + e);
                reset();
                return;
            }
            if (finished.get()) {
                abort(raw); // reset (by close()) while the handshake was under way
                return;
            }
            downstream.start();
            try {
                pump(client.getInputStream(), secure.getOutputStream(), bytesToTarget);
                secure.shutdownOutput();
                directionEnded();
            } catch (IOException e) {
                failed("to target", e);
            }
        }

        private void runDownstream() {
            assert Thread.currentThread() == downstream;
            try {
                pump(secure.getInputStream(), client.getOutputStream(), bytesToClient);
                client.shutdownOutput();
                directionEnded();
            } catch (IOException e) {
                failed("to client", e);
            }
        }

        private void connect() throws IOException {
            Socket tcp = new Socket();
            raw = tcp;
            tcp.setTcpNoDelay(true);
            tcp.connect(target, CONNECT_TIMEOUT_MS);
            client.setTcpNoDelay(true);
            SSLSocket tlsSocket = (SSLSocket) tls.getSocketFactory().createSocket(tcp,
                    target.getHostString(), target.getPort(), true);
            secure = tlsSocket;
            SSLParameters parameters = tlsSocket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            tlsSocket.setSSLParameters(parameters);
            tlsSocket.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
            tlsSocket.startHandshake();
            tlsSocket.setSoTimeout(0);
            SSLSession session = tlsSocket.getSession();
            if (!session.isValid() || session.getProtocol().equals("NONE")) {
                throw new IOException("no TLS session after the handshake: " + session);
            }
            negotiated.computeIfAbsent(session.getProtocol() + " " + session.getCipherSuite(),
                    k -> new AtomicInteger()).incrementAndGet();
            handshakes.incrementAndGet();
        }

        /** Copies until end of stream; every chunk is written on as soon as it is read. */
        private void pump(InputStream in, OutputStream out, AtomicLong counter)
                throws IOException {
            byte[] chunk = new byte[CHUNK_BYTES];
            int n;
            while ((n = in.read(chunk)) >= 0) {
                out.write(chunk, 0, n);
                out.flush();
                counter.addAndGet(n);
            }
        }

        private void directionEnded() {
            if (directionsEnded.incrementAndGet() == 2 && finished.compareAndSet(false, true)) {
                closeQuietly(secure);
                closeQuietly(raw);
                closeQuietly(client);
                links.remove(this);
            }
        }

        private void failed(String direction, IOException e) {
            if (finished.get() || closed.get()) {
                return;
            }
            resets.incrementAndGet();
            if (!(e instanceof SocketException)) {
                // A reset or broken pipe is the peer's doing and is relayed as such; anything
                // else (a TLS alert, a bad record) is worth showing in a failure message.
                problem("connection " + serial + " " + direction + ": " + e);
            }
            reset();
        }

        /** Ends both sides at once with a TCP reset; idempotent. */
        void reset() {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            abort(client);
            abort(raw);
            links.remove(this);
        }

        void join() {
            TlsOriginatingRelay.join(upstream);
            TlsOriginatingRelay.join(downstream);
        }
    }

    /** Closes with linger zero: the peer sees a reset, and no close_notify is sent. */
    private static void abort(Socket socket) {
        if (socket == null) {
            return;
        }
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException alreadyClosed) {
            // closing below is all that is left to do
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception ignored) {
            // the socket is gone either way
        }
    }

    private static void join(Thread thread) {
        if (thread.getState() == Thread.State.NEW) {
            return;
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
