package io.lws4j.benchmarks.loadgen;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The handshake workload's generator: C client threads on 127.0.0.1, each in a loop of
 * connect, send an upgrade request ({@code GET /?token=T}), read the response head, then
 * drop the connection with a reset (SO_LINGER 0, so that no TIME_WAIT piles up on the
 * client's ports). Counts the 101s, the other answers and the failures, and the latency
 * from connect to the end of the response head, over a measured window after a warm-up.
 *
 * <p>Thread-safe: {@link #run} may be called from any thread; each call has its own state.
 */
public final class HandshakeLoad {
    private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};

    private HandshakeLoad() {
    }

    /**
     * What a run measured.
     *
     * @param upgrades 101 answers in the measured window
     * @param refused other status lines in it
     * @param errors failed attempts in it (connect, reset, timeout)
     * @param seconds the window's length
     * @param latency connect-to-response-head times of the upgrades, in ns
     */
    public record Result(long upgrades, long refused, long errors, double seconds,
            LogHistogram latency) {
        /** @return upgrades per second */
        public double rate() {
            return upgrades / seconds;
        }
    }

    /**
     * Runs the load.
     *
     * @param port the server's port on 127.0.0.1
     * @param target the request target, {@code /?token=bench-token}
     * @param clients concurrent client threads
     * @param warmupMillis load before measuring
     * @param measureMillis the measured window
     * @return the counts of the window
     * @throws InterruptedException when interrupted
     */
    public static Result run(int port, String target, int clients, long warmupMillis,
            long measureMillis) throws InterruptedException {
        byte[] request = ("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        List<Client> all = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Client c = new Client(port, request, measuring, stop);
            all.add(c);
            c.thread.start();
        }
        Thread.sleep(warmupMillis);
        measuring.set(true);
        long t0 = System.nanoTime();
        Thread.sleep(measureMillis);
        measuring.set(false);
        double seconds = (System.nanoTime() - t0) / 1e9;
        stop.set(true);
        long upgrades = 0;
        long refused = 0;
        long errors = 0;
        LogHistogram latency = new LogHistogram();
        for (Client c : all) {
            c.thread.join(10_000);
            upgrades += c.upgrades;
            refused += c.refused;
            errors += c.errors;
            latency.add(c.latency);
        }
        return new Result(upgrades, refused, errors, seconds, latency);
    }

    /** One client thread; its counters are read after join (happens-before). */
    private static final class Client implements Runnable {
        final Thread thread;
        private final int port;
        private final byte[] request;
        private final AtomicBoolean measuring;
        private final AtomicBoolean stop;
        private final byte[] buf = new byte[4096];
        final LogHistogram latency = new LogHistogram();
        long upgrades;
        long refused;
        long errors;

        Client(int port, byte[] request, AtomicBoolean measuring, AtomicBoolean stop) {
            this.port = port;
            this.request = request;
            this.measuring = measuring;
            this.stop = stop;
            this.thread = new Thread(this, "handshake-client");
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            while (!stop.get()) {
                long t0 = System.nanoTime();
                int status;
                try {
                    status = attempt();
                } catch (IOException e) {
                    status = -1;
                }
                if (!measuring.get()) {
                    continue;
                }
                if (status == 101) {
                    upgrades++;
                    latency.record(System.nanoTime() - t0);
                } else if (status > 0) {
                    refused++;
                } else {
                    errors++;
                }
            }
        }

        /** @return the response's status, or -1 when the head did not arrive whole */
        private int attempt() throws IOException {
            try (Socket s = new Socket()) {
                s.setTcpNoDelay(true);
                s.setSoTimeout(10_000);
                s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                s.setSoLinger(true, 0);
                OutputStream out = s.getOutputStream();
                out.write(request);
                out.flush();
                InputStream in = s.getInputStream();
                int filled = 0;
                while (filled < buf.length) {
                    int n = in.read(buf, filled, buf.length - filled);
                    if (n < 0) {
                        return -1;
                    }
                    filled += n;
                    if (endsHead(filled)) {
                        break;
                    }
                }
                // "HTTP/1.1 101 ..."
                if (filled < 12) {
                    return -1;
                }
                return Integer.parseInt(new String(buf, 9, 3, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        private boolean endsHead(int filled) {
            for (int i = Math.max(0, filled - 512); i + 4 <= filled; i++) {
                if (buf[i] == HEAD_END[0] && buf[i + 1] == HEAD_END[1] && buf[i + 2] == HEAD_END[2]
                        && buf[i + 3] == HEAD_END[3]) {
                    return true;
                }
            }
            return false;
        }
    }
}
