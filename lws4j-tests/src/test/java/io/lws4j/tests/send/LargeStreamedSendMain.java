package io.lws4j.tests.send;

import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.MessageStream;
import io.lws4j.Protocol;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Run by {@link LargeStreamedSendTest} in a JVM with a small heap: a server streams one
 * binary message of {@code args[0]} bytes in fragments with a few in flight, and the JDK
 * client in the same JVM reads it in parts, checking every byte against the pattern and
 * that it is one message. Prints {@code OK bytes=N parts=P maxHeapMiB=H} and exits 0, or
 * prints what went wrong and exits 1.
 */
public final class LargeStreamedSendMain {
    static final int FRAGMENT = 256 * 1024;
    /** In flight: their frames together stay under the default 1 MiB outbound bound. */
    static final int IN_FLIGHT = 3;

    private LargeStreamedSendMain() {
    }

    static byte patternAt(long offset) {
        return (byte) (offset * 31 + (offset >>> 16));
    }

    public static void main(String[] args) throws Exception {
        long total = Long.parseLong(args[0]);
        CompletableFuture<Void> sent = new CompletableFuture<>();
        Protocol streamer = new Protocol() {
            @Override
            public void onEstablished(Connection connection) {
                Thread producer = new Thread(() -> {
                    try {
                        stream(connection, total);
                        sent.complete(null);
                    } catch (Throwable t) {
                        sent.completeExceptionally(t);
                    }
                }, "producer");
                producer.start();
            }
        };
        Receiver receiver = new Receiver(total);
        try (Context server = Context.builder().bindAddress("127.0.0.1").port(0)
                .protocol("lws-big", streamer).build()) {
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("lws-big")
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/"), receiver)
                    .get(30, TimeUnit.SECONDS);
            sent.get(10, TimeUnit.MINUTES);
            receiver.done.get(10, TimeUnit.MINUTES);
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.out.println("FAILED " + e);
            e.printStackTrace(System.out);
            System.exit(1);
        }
        System.out.println("OK bytes=" + receiver.received + " parts=" + receiver.parts
                + " maxHeapMiB=" + (Runtime.getRuntime().maxMemory() >> 20));
        System.exit(0);
    }

    /** Fragments from a reused buffer; waits for the oldest stage once IN_FLIGHT are out. */
    static void stream(Connection connection, long total) throws Exception {
        MessageStream out = connection.sendStream(false);
        ByteBuffer buf = ByteBuffer.allocate(FRAGMENT);
        ArrayDeque<CompletionStage<Void>> inFlight = new ArrayDeque<>();
        long offset = 0;
        while (offset < total) {
            int n = (int) Math.min(FRAGMENT, total - offset);
            buf.clear();
            for (int i = 0; i < n; i++) {
                buf.put(patternAt(offset + i));
            }
            buf.flip();
            if (inFlight.size() == IN_FLIGHT) {
                inFlight.poll().toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
            offset += n;
            inFlight.add(out.send(buf, offset == total)); // copied before send returns
        }
        for (CompletionStage<Void> s : inFlight) {
            s.toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
    }

    /** Checks the parts of one binary message as they come. */
    static final class Receiver implements WebSocket.Listener {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final long total;
        long received;
        long parts;

        Receiver(long total) {
            this.total = total;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            parts++;
            while (data.hasRemaining()) {
                byte b = data.get();
                if (b != patternAt(received)) {
                    done.completeExceptionally(new AssertionError("byte " + received + " is " + b
                            + ", expected " + patternAt(received)));
                    return null;
                }
                received++;
            }
            if (last) {
                if (received == total) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(new AssertionError("message ended after "
                            + received + " of " + total + " bytes"));
                }
            } else if (received > total) {
                done.completeExceptionally(new AssertionError("more than " + total + " bytes"));
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            done.completeExceptionally(new AssertionError("unexpected text"));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            done.completeExceptionally(error);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (!done.isDone()) {
                done.completeExceptionally(new AssertionError("closed with " + statusCode));
            }
            return null;
        }
    }
}
