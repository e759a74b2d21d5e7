package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The exchange's state machine without a connection: first completion wins, delivery. */
class HttpExchangeImplTest {
    private final AtomicInteger posts = new AtomicInteger();

    private HttpExchangeImpl exchange(boolean headOnly) {
        return new HttpExchangeImpl(new byte[0], headOnly, true, true, 1024,
                ex -> posts.incrementAndGet());
    }

    @Test
    void racingCompletionsHaveExactlyOneWinner() throws Exception {
        for (int round = 0; round < 200; round++) {
            HttpExchangeImpl ex = exchange(false);
            ex.handlerReturned();
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger wins = new AtomicInteger();
            Thread[] threads = new Thread[4];
            for (int t = 0; t < threads.length; t++) {
                int id = t;
                threads[t] = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    boolean won = id % 2 == 0 ? ex.respond(200, "text/plain", "t" + id)
                            : ex.stream(200, "text/plain") != null;
                    if (won) {
                        wins.incrementAndGet();
                    }
                });
                threads[t].start();
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertThat(wins.get()).as("round " + round).isEqualTo(1);
            assertThat(ex.takeActions()).as("round " + round).hasSize(1);
        }
        assertThat(posts.get()).isEqualTo(200);
    }

    @Test
    void completionsDuringTheHandlerAreTakenWhenItReturnsNotPosted() {
        HttpExchangeImpl ex = exchange(false);
        assertThat(ex.respond(200, "text/plain", "now")).isTrue();
        assertThat(posts.get()).isZero();
        assertThat(ex.handlerReturned()).isTrue();
        List<HttpExchangeImpl.Action> actions = ex.takeActions();
        assertThat(actions).hasSize(1);
        String text = StandardCharsets.ISO_8859_1.decode(actions.get(0).bytes()).toString();
        assertThat(text).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Length: 3\r\n")
                .endsWith("\r\n\r\nnow");
        assertThat(ex.isDone()).isTrue();
    }

    @Test
    void headRequestsGetTheLengthWithoutTheBody() {
        HttpExchangeImpl ex = exchange(true);
        ex.respond(200, "text/plain", "four");
        String text = StandardCharsets.ISO_8859_1.decode(ex.takeActions().get(0).bytes())
                .toString();
        assertThat(text).contains("Content-Length: 4\r\n").endsWith("\r\n\r\n");
    }

    @Test
    void aClosedStreamFailsItsWaitingWriterAndRefusesMore() throws Exception {
        HttpExchangeImpl ex = exchange(false);
        ex.handlerReturned();
        HttpExchangeImpl.HttpBodyStream sink = ex.stream(200, null);
        var stage = sink.write(ByteBuffer.wrap(new byte[10])).toCompletableFuture();
        assertThatThrownBy(() -> sink.write(ByteBuffer.allocate(1)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> sink.write(ByteBuffer.allocate(1025)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ex.close()).as("a response had started").isFalse();
        assertThatThrownBy(stage::get).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(java.io.IOException.class);
        assertThat(sink.write(ByteBuffer.allocate(1)).toCompletableFuture())
                .isCompletedExceptionally();
        assertThat(sink.end()).isFalse();
        assertThat(ex.isDone()).isTrue();
    }

    @Test
    void badArgumentsAreRefused() {
        HttpExchangeImpl ex = exchange(false);
        assertThatThrownBy(() -> ex.respond(199, null, "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ex.respond(204, null, "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ex.header("Content-Length", "1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ex.header("X-A", "a\r\nb"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ex.respond(200, "text/plain\r\nX: y", "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ex.isDone()).isFalse();
        ex.close();
        ex.release();
    }
}
