package io.lws4j.benchmarks.servers;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the messaging servers ({@code lws4j-messaging}, {@code jetty-messaging},
 * {@code netty-messaging}) share: the two text commands of the xsend and broadcast workloads
 * and the messages they send.
 *
 * <ul>
 *   <li>{@code "xsend T M S W"}: T new application threads (neither service nor event-loop
 *       threads) each send M text messages of S bytes to the commanding connection, with at
 *       most W sends per thread not yet completed (a window; a thread blocks while it is
 *       full). Message {@code seq} of thread {@code tid} begins {@code "t<tid>:<seq>;"}.
 *   <li>{@code "bcast K S"}: the one application thread ({@link #APP}) sends one text message
 *       of S bytes, beginning {@code "b<K>;"}, to every open connection.
 * </ul>
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
final class Messaging {
    /** The single application thread broadcasts run on, in every messaging server. */
    static final ExecutorService APP = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "app-broadcaster");
        t.setDaemon(true);
        return t;
    });

    private Messaging() {
    }

    /** One library's asynchronous send: {@code done} runs once the send completed or failed. */
    interface AsyncSend {
        /**
         * @param text the message
         * @param done called with null on success, the cause on failure, on any thread
         */
        void send(String text, java.util.function.Consumer<Throwable> done);
    }

    /** The parsed "xsend" command, or null when {@code text} is not one. */
    static int[] parseXsend(String text) {
        return parse(text, "xsend ", 4);
    }

    /** The parsed "bcast" command, or null when {@code text} is not one. */
    static int[] parseBroadcast(String text) {
        return parse(text, "bcast ", 2);
    }

    private static int[] parse(String text, String verb, int count) {
        if (!text.startsWith(verb)) {
            return null;
        }
        String[] parts = text.substring(verb.length()).trim().split(" ");
        if (parts.length != count) {
            return null;
        }
        int[] v = new int[count];
        for (int i = 0; i < count; i++) {
            v[i] = Integer.parseInt(parts[i]);
        }
        return v;
    }

    /** The text message {@code prefix} padded with 'x' to {@code size} UTF-8 bytes (or longer when the prefix is). */
    static String message(String prefix, int size) {
        if (prefix.length() >= size) {
            return prefix;
        }
        return prefix + "x".repeat(size - prefix.length());
    }

    /** The broadcast's message, as bytes, for libraries that take bytes. */
    static byte[] broadcastBytes(int k, int size) {
        return message("b" + k + ";", size).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Starts the xsend command's T application threads, each sending through {@code sender}
     * with its own window; a failed send ends that thread's run (the client then sees
     * fewer messages than it asked for and reports it).
     */
    static void startSenders(int[] cmd, AsyncSend sender) {
        int threads = cmd[0];
        int messages = cmd[1];
        int size = cmd[2];
        int window = Math.max(1, cmd[3]);
        for (int tid = 0; tid < threads; tid++) {
            int id = tid;
            Thread t = new Thread(() -> sendAll(sender, id, messages, size, window), "app-sender-" + tid);
            t.setDaemon(true);
            t.start();
        }
    }

    private static void sendAll(AsyncSend sender, int tid, int messages, int size, int window) {
        Semaphore outstanding = new Semaphore(window);
        AtomicBoolean failed = new AtomicBoolean();
        String pad = "x".repeat(size);
        for (int seq = 0; seq < messages && !failed.get(); seq++) {
            try {
                outstanding.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            String prefix = "t" + tid + ":" + seq + ";";
            String text = prefix.length() >= size ? prefix : prefix + pad.substring(prefix.length());
            sender.send(text, x -> {
                if (x != null) {
                    failed.set(true);
                }
                outstanding.release();
            });
        }
        if (failed.get()) {
            System.err.println("app-sender-" + tid + ": a send failed, thread stopped");
        }
    }
}
