package io.lws4j.threadpool;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Spec section 7 case 20, close while syncing, for a close that starts with a handshake: the
 * server sends its close frame while the task waits in SYNC, and the peer is slow to answer.
 * Writes fail from the moment the close starts, so nobody will answer the SYNC: the worker
 * is released promptly (not when the close handshake ends or times out), the task function
 * is not called again, the task ends STOPPED, and cleanup runs once with no connection.
 *
 * <p>Event order, not a wall-clock goal: the peer holds its close reply until the test has
 * seen the cleanup (or has waited 4 s, less than the server's close timeout, after which
 * only the peer's reply or the timeout could end the handshake). The cleanup must come
 * first, while the server's {@code onClosed} has not run.
 */
class CloseHandshakeWhileSyncingTest {

    @Test
    void aTaskSyncingWhenTheServerStartsTheCloseHandshakeIsReleasedBeforeTheHandshakeEnds()
            throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<Task<?>> task = new AtomicReference<>();
        CountDownLatch cleaned = new CountDownLatch(1);
        AtomicInteger cleanups = new AtomicInteger();
        AtomicReference<Connection> cleanupConnection = new AtomicReference<>();
        AtomicBoolean closedBeforeCleanup = new AtomicBoolean();
        AtomicBoolean serverClosed = new AtomicBoolean();
        CountDownLatch closing = new CountDownLatch(1);
        Protocol protocol = new Protocol() {
            volatile ThreadPool pool;

            @Override
            public void onInit(Context ctx) {
                pool = ThreadPool.create(ctx, new CreateArgs(1, 4), "close-syncing");
            }

            @Override
            public void onEstablished(Connection c) {
                TaskArgs<Object> args = TaskArgs.builder(c, new Object(), (u, status) -> {
                    calls.incrementAndGet();
                    return status == TaskStatus.RUNNING ? TaskReturn.SYNC : TaskReturn.STOPPED;
                }).cleanup((conn, u) -> {
                    cleanupConnection.set(conn);
                    closedBeforeCleanup.set(serverClosed.get());
                    cleanups.incrementAndGet();
                    cleaned.countDown();
                }).build();
                task.set(pool.enqueue(args, "syncing"));
            }

            @Override
            public void onWritable(Connection c) {
                Task<?> t = ThreadPool.taskOf(c);
                if (t != null && t.status() == TaskStatus.SYNCING) {
                    c.close(CloseCodes.NORMAL, "going"); // the SYNC is never acknowledged
                    closing.countDown();
                }
            }

            @Override
            public void onClosed(Connection c, int code, String reason) {
                serverClosed.set(true);
            }
        };
        Context server = Context.builder().bindAddress("127.0.0.1").port(0).serviceThreads(1)
                .protocol("p", protocol).build();
        CompletableFuture<Void> reply = new CompletableFuture<>();
        try {
            WebSocket.Listener slowToAnswer = new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                    return reply; // the JDK client sends its close reply once this completes
                }
            };
            HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("p")
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/"), slowToAnswer)
                    .get(10, TimeUnit.SECONDS);
            assertThat(closing.await(10, TimeUnit.SECONDS)).as("the server started closing")
                    .isTrue();

            boolean releasedInHandshake = cleaned.await(4, TimeUnit.SECONDS);
            reply.complete(null);
            assertThat(releasedInHandshake)
                    .as("the syncing task was released during the close handshake").isTrue();
            assertThat(closedBeforeCleanup).as("onClosed ran before the cleanup").isFalse();
            assertThat(cleanupConnection.get()).as("cleanup's connection").isNull();
            assertThat(calls.get()).as("task function calls").isEqualTo(1);
            assertThat(task.get().statusNoReap()).isEqualTo(TaskStatus.STOPPED);
            assertThat(task.get().connection()).isNull();
            Thread.sleep(100); // not a timing goal: a second cleanup would have run by now
            assertThat(cleanups.get()).isEqualTo(1);
        } finally {
            reply.complete(null);
            server.close();
        }
    }
}
