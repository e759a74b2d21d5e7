package io.lws4j.benchmarks.harness;

import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.client.ClientOptions;
import io.lws4j.client.WebSocketClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

/**
 * The xsend-client workload: T threads of this JVM send M text messages of S bytes each over
 * one client connection to a counting receiver (the {@code netty-messaging} server, which
 * answers {@code "done"} once it counted them), with the JDK's {@code HttpClient} WebSocket
 * and with lws4j's client. The JDK WebSocket allows one outstanding send at a time (a
 * second {@code sendText} before the first completed throws), so its threads append their
 * sends to one shared {@link CompletableFuture} chain under a lock; each thread still waits
 * for its own sends through its window of W. lws4j's threads call the thread-safe
 * {@link Connection#sendText} directly, with the same window.
 *
 * <p>Not thread-safe: one caller thread per run; the sender threads it starts share only the
 * chain (under its lock), the failure flag and the latches.
 */
final class ClientSenders {
    /** One run: messages, nanoseconds from the first send until "done" (-1: not done in time). */
    record Result(long messages, long nanos) {
        double rate() {
            return nanos > 0 ? messages * 1e9 / nanos : -1;
        }
    }

    private ClientSenders() {
    }

    /** T threads sending through the JDK client; see the class comment for its one-send rule. */
    static Result jdk(int port, int threads, int messages, int size, int window, long boundMillis)
            throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        if (data.toString().equals("done")) {
                            done.countDown();
                        }
                        w.request(1);
                        return null;
                    }
                }).get(boundMillis, TimeUnit.MILLISECONDS);
        try {
            Object lock = new Object();
            // the chain's tail; replaced under the lock only
            java.util.concurrent.atomic.AtomicReference<CompletableFuture<WebSocket>> chain =
                    new java.util.concurrent.atomic.AtomicReference<>(CompletableFuture.completedFuture(ws));
            ws.sendText("expect " + (long) threads * messages, true).get(boundMillis, TimeUnit.MILLISECONDS);
            return run(threads, messages, size, window, boundMillis, done, text -> {
                synchronized (lock) {
                    CompletableFuture<WebSocket> next = chain.get().thenCompose(w -> w.sendText(text, true));
                    chain.set(next);
                    return next;
                }
            });
        } finally {
            ws.abort();
        }
    }

    /** T threads sending through lws4j's client connection. */
    static Result lws4j(int port, int threads, int messages, int size, int window, long boundMillis)
            throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        try (Context ctx = Context.builder().noListener().build()) {
            Connection c = WebSocketClient.connect(ctx, ClientOptions.builder(
                    URI.create("ws://127.0.0.1:" + port + "/"), new Protocol() {
                        @Override
                        public void onText(Connection connection, String text) {
                            if (text.equals("done")) {
                                done.countDown();
                            }
                        }
                    }).permessageDeflate(false).build()).get(boundMillis, TimeUnit.MILLISECONDS);
            c.sendText("expect " + (long) threads * messages).toCompletableFuture()
                    .get(boundMillis, TimeUnit.MILLISECONDS);
            return run(threads, messages, size, window, boundMillis, done, c::sendText);
        }
    }

    /** The sending threads with their windows, and the wait for "done". */
    private static Result run(int threads, int messages, int size, int window, long boundMillis,
            CountDownLatch done, java.util.function.Function<String, CompletionStage<?>> send)
            throws InterruptedException {
        AtomicBoolean failed = new AtomicBoolean();
        Thread[] senders = new Thread[threads];
        long t0 = System.nanoTime();
        for (int tid = 0; tid < threads; tid++) {
            int id = tid;
            senders[tid] = new Thread(() -> {
                Semaphore outstanding = new Semaphore(window);
                String pad = "x".repeat(size);
                BiFunction<Object, Throwable, Void> release = (v, x) -> {
                    if (x != null) {
                        failed.set(true);
                    }
                    outstanding.release();
                    return null;
                };
                for (int seq = 0; seq < messages && !failed.get(); seq++) {
                    try {
                        outstanding.acquire();
                    } catch (InterruptedException e) {
                        return;
                    }
                    String prefix = "t" + id + ":" + seq + ";";
                    send.apply(prefix.length() >= size ? prefix : prefix + pad.substring(prefix.length()))
                            .handle(release);
                }
            }, "client-sender-" + tid);
            senders[tid].start();
        }
        boolean finished = done.await(boundMillis, TimeUnit.MILLISECONDS);
        long nanos = System.nanoTime() - t0;
        for (Thread t : senders) {
            t.interrupt();
            t.join(5_000);
        }
        return new Result((long) threads * messages, finished && !failed.get() ? nanos : -1);
    }
}
