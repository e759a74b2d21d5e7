package io.lws4j.examples;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;

/**
 * A websocket echo server: protocol {@code lws-echo} sends every text and binary message back
 * unchanged (the server the Autobahn test suite runs against).
 *
 * <p>Command line, two forms:
 * <ul>
 * <li>{@code EchoServer [--port N] [--bind HOST] [--cert CHAIN.pem --key KEY.pem]} (default
 *     port 7681, all interfaces; with a PEM certificate chain and PKCS#8 key, wss instead of
 *     ws, see {@link io.lws4j.TlsContexts#fromPem}): prints {@code listening on HOST:PORT}
 *     and blocks until SIGINT/SIGTERM, then closes the context cleanly and returns.</li>
 * <li>{@code EchoServer N}, a bare port number as the only argument (how the Autobahn Maven
 *     plugin starts a server in-process): starts the server and <em>returns</em> at once; the
 *     server keeps running on its non-daemon service threads, and a shutdown hook closes it
 *     when the JVM exits.</li>
 * </ul>
 *
 * <p>Flow control: a message the connection's outbound buffer cannot take waits in a small
 * per-connection backlog and goes out on {@link Protocol#onWritable}; a peer that lets the
 * backlog grow past {@link #MAX_BACKLOG_BYTES} is closed with 1008 instead of growing memory.
 *
 * <p>Thread-safe: the protocol's state is per connection and touched only on its service
 * thread.
 */
public final class EchoServer implements Protocol {
    /** Messages up to 16 MiB (Autobahn's largest) plus headroom are accepted. */
    static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024 + 64 * 1024;
    /** Echoed bytes waiting for the socket beyond the connection's outbound buffer. */
    static final long MAX_BACKLOG_BYTES = 64L * 1024 * 1024;

    /** The per-connection backlog of messages the outbound buffer refused. */
    private static final class Backlog {
        final ArrayDeque<Object> messages = new ArrayDeque<>();
        long bytes;
    }

    private EchoServer() {
    }

    /**
     * Starts an echo server context.
     *
     * @param bindAddress the host to listen on, or null for all interfaces
     * @param port the port, 0 for ephemeral
     * @return the running context
     */
    public static Context start(String bindAddress, int port) {
        return start(bindAddress, port, null);
    }

    /**
     * Starts an echo server context, serving wss when {@code tls} is given.
     *
     * @param bindAddress the host to listen on, or null for all interfaces
     * @param port the port, 0 for ephemeral
     * @param tls the server's key material (see {@link Context.Builder#tls}), or null for ws
     * @return the running context
     */
    public static Context start(String bindAddress, int port, SSLContext tls) {
        Context.Builder builder = Context.builder()
                .port(port)
                .protocol("lws-echo", new EchoServer())
                .maxMessageSize(MAX_MESSAGE_BYTES)
                .maxOutboundBytes(4 * 1024 * 1024);
        if (bindAddress != null) {
            builder.bindAddress(bindAddress);
        }
        if (tls != null) {
            builder.tls(tls);
        }
        return builder.build();
    }

    /**
     * Runs the server; see the class documentation for the two argument forms.
     *
     * @param args {@code [--port N] [--bind HOST] [--cert CHAIN.pem --key KEY.pem]}, or a
     *     bare port number
     * @throws InterruptedException when interrupted while waiting for a signal
     * @throws java.io.IOException when a PEM file cannot be read
     * @throws java.security.GeneralSecurityException when the PEM files hold no usable key
     *     and certificate
     */
    public static void main(String[] args) throws InterruptedException, java.io.IOException,
            java.security.GeneralSecurityException {
        if (args.length == 1 && args[0].matches("\\d+")) {
            Context context = start(null, Integer.parseInt(args[0]));
            Runtime.getRuntime().addShutdownHook(new Thread(context::close, "echo-shutdown"));
            System.out.println("listening on *:" + context.port());
            return;
        }
        int port = 7681;
        String bind = null;
        java.nio.file.Path cert = null;
        java.nio.file.Path key = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(value(args, ++i));
                case "--bind" -> bind = value(args, ++i);
                case "--cert" -> cert = java.nio.file.Path.of(value(args, ++i));
                case "--key" -> key = java.nio.file.Path.of(value(args, ++i));
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]
                        + " (usage: EchoServer [--port N] [--bind HOST]"
                        + " [--cert CHAIN.pem --key KEY.pem] | EchoServer PORT)");
            }
        }
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("--cert and --key go together");
        }
        SSLContext tls = cert == null ? null : io.lws4j.TlsContexts.fromPem(cert, key);
        Context context = start(bind, port, tls);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            context.close();
            stopped.countDown();
        }, "echo-shutdown"));
        if (tls != null) {
            System.out.println("wss with the certificate chain in " + cert);
        }
        System.out.println("listening on " + (bind == null ? "*" : bind) + ":" + context.port());
        stopped.await();
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException("missing value after " + args[i - 1]);
        }
        return args[i];
    }

    @Override
    public void onText(Connection connection, String text) {
        echo(connection, text);
    }

    @Override
    public void onBinary(Connection connection, ByteBuffer data) {
        echo(connection, data);
    }

    private void echo(Connection connection, Object message) {
        Backlog backlog = connection.userData();
        if (backlog == null && write(connection, message)) {
            return;
        }
        if (backlog == null) {
            backlog = new Backlog();
            connection.userData(backlog);
            connection.callbackOnWritable();
        }
        backlog.messages.add(message);
        backlog.bytes += size(message);
        if (backlog.bytes > MAX_BACKLOG_BYTES) {
            connection.close(CloseCodes.POLICY_VIOLATION, "not reading");
        }
    }

    @Override
    public void onWritable(Connection connection) {
        Backlog backlog = connection.userData();
        if (backlog == null) {
            return;
        }
        while (!backlog.messages.isEmpty()) {
            Object next = backlog.messages.peekFirst();
            if (!write(connection, next)) {
                connection.callbackOnWritable();
                return;
            }
            backlog.messages.pollFirst();
            backlog.bytes -= size(next);
        }
        connection.userData(null);
    }

    private static boolean write(Connection connection, Object message) {
        return message instanceof String text
                ? connection.writeText(text)
                : connection.writeBinary((ByteBuffer) message);
    }

    private static long size(Object message) {
        return message instanceof String text ? text.length() : ((ByteBuffer) message).remaining();
    }
}
