package io.lws4j.internal.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A {@link VirtualMachineError} thrown by a command served on a borrowed role (a threadpool
 * worker running {@code onWritable} for its SYNC): the role is given back, the socket writes
 * claimed before the error still run and complete, the error reaches the borrower, and the
 * loop goes on. Bounds are liveness bounds; nothing asserts how long anything took.
 */
class ServiceLoopLentErrorTest {
    private static final long BOUND_SECONDS = 10;
    private static final int BORROW_ATTEMPTS = 200;

    private final ServiceLoop loop = ServiceLoop.create("lent-error-loop");

    @BeforeEach
    void start() {
        loop.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        loop.stop();
        assertThat(loop.join(Duration.ofSeconds(BOUND_SECONDS))).isTrue();
    }

    @Test
    void anErrorOnTheBorrowedRole_roleGivenBack_claimedWriteStillRunsAndCompletes_errorRethrown()
            throws Exception {
        Thread caller = Thread.currentThread();
        StackOverflowError error = new StackOverflowError("simulated, in a served command");
        AtomicReference<Thread> wroteOn = new AtomicReference<>();
        AtomicBoolean wroteWithRole = new AtomicBoolean(true);
        AtomicReference<Thread> completedOn = new AtomicReference<>();
        AtomicBoolean completedWithRole = new AtomicBoolean();
        CountDownLatch completed = new CountDownLatch(1);
        AtomicBoolean claimed = new AtomicBoolean();
        Throwable thrown = null;
        boolean borrowed = false;
        for (int attempt = 0; attempt < BORROW_ATTEMPTS && !borrowed; attempt++) {
            awaitIdle(loop);
            AtomicBoolean ranBorrowed = new AtomicBoolean();
            CountDownLatch ran = new CountDownLatch(1);
            try {
                assertThat(loop.executeOrServe(() -> {
                    ran.countDown();
                    if (Thread.currentThread() != caller) {
                        return; // met the loop's thread still working: try again
                    }
                    ranBorrowed.set(true);
                    claimed.set(loop.writeAfterGivingBack(() -> {
                        wroteOn.set(Thread.currentThread());
                        wroteWithRole.set(loop.inServiceThread());
                    }, () -> {
                        completedOn.set(Thread.currentThread());
                        completedWithRole.set(loop.inServiceThread());
                        completed.countDown();
                    }));
                    throw error;
                })).isTrue();
            } catch (StackOverflowError e) {
                thrown = e;
            }
            borrowed = ranBorrowed.get();
            assertThat(ran.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(borrowed).as("the loop lent its role within %d posts", BORROW_ATTEMPTS)
                .isTrue();
        assertThat(thrown).as("the error reached the borrower").isSameAs(error);
        assertThat(loop.inServiceThread()).as("the borrower gave the role back").isFalse();
        assertThat(claimed).as("the write was claimed for after the role").isTrue();
        assertThat(wroteOn.get()).as("the claimed write ran on the borrower").isSameAs(caller);
        assertThat(wroteWithRole).as("and without the role").isFalse();
        assertThat(completed.await(BOUND_SECONDS, TimeUnit.SECONDS))
                .as("its completion ran").isTrue();
        assertThat(completedWithRole).as("with the role").isTrue();
        CountDownLatch after = new CountDownLatch(1);
        assertThat(loop.execute(after::countDown)).isTrue();
        assertThat(after.await(BOUND_SECONDS, TimeUnit.SECONDS)).as("the loop lives on").isTrue();
    }

    /** Waits until {@code l}'s thread stays between cycles, that is waits in select. */
    private static void awaitIdle(ServiceLoop l) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
        long cycles;
        do {
            assertThat(System.nanoTime()).as("the loop never went idle").isLessThan(deadline);
            cycles = l.cycleCount();
            Thread.sleep(2);
        } while (l.currentWorkNanos() != 0 || l.cycleCount() != cycles);
    }
}
