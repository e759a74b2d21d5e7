package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Connection;
import io.lws4j.Context;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ConnectionInternals#callbackOnWritableFromCommand()}, the threadpool's way to ask for
 * onWritable from its SYNC notification: answered inside the command while queued data is at
 * or below the low-water mark, else in the flush; exactly one onWritable per request either
 * way; the loop's command batch, not a per-connection cap, bounds a cycle's command step.
 */
class WritableFromCommandTest {

    private final RecordingProtocol protocol = new RecordingProtocol();
    /** Per onWritable call: had the command that asked for it already returned? */
    private final CopyOnWriteArrayList<Boolean> commandReturnedAtWritable = new CopyOnWriteArrayList<>();
    private final AtomicBoolean commandReturned = new AtomicBoolean();
    private Context context;
    private JdkClient client;
    private ConnectionInternals connection;

    @BeforeEach
    void connect() throws Exception {
        protocol.writableHandler = c -> {
            commandReturnedAtWritable.add(commandReturned.get());
            c.writeText("from onWritable");
        };
        // 1 KiB bound: low-water mark 256 B, so a 600 B message is "too much queued".
        context = Context.builder().bindAddress("127.0.0.1").port(0).maxOutboundBytes(1024)
                .protocol("p", protocol).build();
        client = JdkClient.connect(context.port(), "p");
        Connection c = protocol.awaitEstablished();
        connection = (ConnectionInternals) c;
    }

    @AfterEach
    void close() {
        context.close();
    }

    private void runCommand(Runnable body) throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        assertThat(connection.execute(() -> {
            body.run();
            commandReturned.set(true);
            ran.countDown();
        })).isTrue();
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
    }

    /** Two more loop cycles: a duplicate onWritable would have run by then. */
    private void settle() throws InterruptedException {
        runCommand(() -> { });
        runCommand(() -> { });
    }

    @Test
    void writableAskedFromACommandIsAnsweredBeforeTheCommandReturns() throws Exception {
        runCommand(connection::callbackOnWritableFromCommand);
        assertThat(client.nextMessage()).isEqualTo("from onWritable");
        settle();
        assertThat(protocol.onWritableCalls.get()).isEqualTo(1);
        assertThat(commandReturnedAtWritable).containsExactly(false);
    }

    @Test
    void writableAskedAfterASmallWriteIsAnsweredInTheCommandAndKeepsWireOrder() throws Exception {
        runCommand(() -> {
            connection.writeText("queued first");
            connection.callbackOnWritableFromCommand();
        });
        assertThat(client.nextMessage()).isEqualTo("queued first");
        assertThat(client.nextMessage()).isEqualTo("from onWritable");
        settle();
        assertThat(protocol.onWritableCalls.get()).isEqualTo(1);
        assertThat(commandReturnedAtWritable).containsExactly(false);
    }

    @Test
    void everyAskFromCommandsOfOneCycleIsAnsweredDirectlyWhileBelowTheLowWaterMark() throws Exception {
        int asks = 10; // 170 B of frames: all below the 256 B low-water mark
        runCommand(() -> {
            for (int i = 0; i < asks; i++) {
                connection.callbackOnWritableFromCommand(); // each onWritable writes a message
            }
        });
        for (int i = 0; i < asks; i++) {
            assertThat(client.nextMessage()).isEqualTo("from onWritable");
        }
        settle();
        assertThat(protocol.onWritableCalls.get()).isEqualTo(asks);
        assertThat(commandReturnedAtWritable).hasSize(asks).containsOnly(false);
    }

    /**
     * The race the per-connection cap used to guard against: a worker whose next SYNC lands
     * while the loop still drains commands is answered in the same step, again and again.
     * Here the "worker" is the fastest possible one: each onWritable posts the next ask from
     * the service thread itself. The command batch must still end the step, so reads, flushes
     * and new cycles go on while the chain runs.
     */
    @Test
    void aSelfRenewingChainOfWritableAsksCannotHoldTheLoopInItsCommandStep() throws Exception {
        AtomicBoolean chainRunning = new AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicLong answers = new java.util.concurrent.atomic.AtomicLong();
        protocol.writableHandler = c -> {
            answers.incrementAndGet();
            if (chainRunning.get()) {
                c.execute(connection::callbackOnWritableFromCommand);
            }
        };
        java.util.concurrent.BlockingQueue<Long> answersAtRead = new java.util.concurrent.LinkedBlockingQueue<>();
        protocol.textHandler = (c, text) -> answersAtRead.add(answers.get());
        runCommand(connection::callbackOnWritableFromCommand);
        long answersAtStart = answers.get();
        client.socket.sendText("read while the chain runs", true).get(10, TimeUnit.SECONDS);
        Long atRead = answersAtRead.poll(10, TimeUnit.SECONDS);
        assertThat(atRead).as("the read was dispatched while the chain ran").isNotNull();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (answers.get() <= atRead && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        long answersAfterRead = answers.get();
        chainRunning.set(false);
        settle();
        // Not "atRead > answersAtStart": on a loaded machine the test thread can read
        // answersAtStart after a whole command batch, and the loop's I/O step right after that
        // batch can dispatch the read before the next batch runs; both orders are correct.
        assertThat(answersAtStart).as("the chain had started before the read was sent").isPositive();
        assertThat(answersAfterRead).as("the chain still ran after the read").isGreaterThan(atRead);
    }

    @Test
    void writableAskedAboveTheLowWaterMarkWaitsForTheFlushAndComesOnce() throws Exception {
        String big = "x".repeat(600);
        runCommand(() -> {
            assertThat(connection.writeText(big)).isTrue();
            connection.callbackOnWritableFromCommand();
            connection.callbackOnWritableFromCommand();
        });
        assertThat(client.nextMessage()).isEqualTo(big);
        assertThat(client.nextMessage()).isEqualTo("from onWritable");
        settle();
        assertThat(protocol.onWritableCalls.get()).isEqualTo(1);
        assertThat(commandReturnedAtWritable).containsExactly(true);
    }

    @Test
    void writableAskedFromACommandWhileOneIsPendingIsCoalesced() throws Exception {
        runCommand(() -> {
            connection.callbackOnWritable();
            connection.callbackOnWritableFromCommand();
        });
        assertThat(client.nextMessage()).isEqualTo("from onWritable");
        settle();
        assertThat(protocol.onWritableCalls.get()).isEqualTo(1);
        assertThat(commandReturnedAtWritable).containsExactly(true);
    }

    @Test
    void aMessageWrittenInOnWritableGoesOutInTheSameLoopCycle() throws Exception {
        ConnectionImpl impl = (ConnectionImpl) connection;
        long[] cycles = new long[2]; // at onWritable, at the probe after the flush it asked for
        long[] queuedAtProbe = {-1};
        CountDownLatch probed = new CountDownLatch(1);
        protocol.writableHandler = c -> {
            cycles[0] = impl.loop().cycleCount();
            c.writeText("from onWritable"); // queues the frame and its flush
            impl.loop().runAfterIo(() -> { // queued after that flush, so it runs after it
                cycles[1] = impl.loop().cycleCount();
                queuedAtProbe[0] = impl.queuedDataBytes();
                probed.countDown();
            });
        };
        // callbackOnWritable(): onWritable runs inside a flush in step 5, where its write
        // must not wait for another cycle
        runCommand(connection::callbackOnWritable);
        assertThat(probed.await(5, TimeUnit.SECONDS)).isTrue(); // also publishes the arrays
        assertThat(client.nextMessage()).isEqualTo("from onWritable");
        assertThat(cycles[1]).isEqualTo(cycles[0]);
        assertThat(queuedAtProbe[0]).isZero();
    }
}
