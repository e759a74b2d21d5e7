package io.lws4j.internal.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A service loop idle in select lends its role ({@link ServiceRole}) to a thread calling
 * {@link ServiceLoop#executeOrServe}: what runs where, that holders of the role never
 * overlap, that a loop back from select waits for the borrower, and stop while lent.
 *
 * <p>A command that throws is only logged by the loop, so commands here record what they
 * see and the test thread asserts on the records. Bounds are liveness bounds (seconds);
 * nothing asserts how long anything took.
 */
class ServiceLoopLendingTest {
    private static final long BOUND_SECONDS = 10;
    /** How often a helper posts again when its post met the loop's thread still working. */
    private static final int BORROW_ATTEMPTS = 200;

    private final ServiceLoop loop = ServiceLoop.create("lending-loop");
    private Thread loopThread;

    // Touched only while holding the loop's role: plain on purpose, the role's hand-over
    // must make them consistent.
    private int counter;
    private boolean inside;
    private boolean overlapSeen;
    private boolean outsideRoleSeen;
    private int borrowedRuns;
    private boolean servedOutOfOrder;
    private int plainValue;

    @BeforeEach
    void start() throws InterruptedException {
        loop.start();
        loopThread = threadOf(loop);
    }

    @AfterEach
    void stop() throws InterruptedException {
        loop.stop();
        assertThat(loop.join(Duration.ofSeconds(BOUND_SECONDS))).isTrue();
    }

    @Test
    void aServedCommandFromAnotherThreadWhileTheLoopIdlesRunsOnTheCallerHoldingTheRole()
            throws Exception {
        AtomicBoolean inServiceInside = new AtomicBoolean();
        AtomicBoolean loopThreadInside = new AtomicBoolean(true);
        AtomicInteger runs = new AtomicInteger();
        long[] cycles = new long[2];
        serveBorrowed(loop, () -> {
            runs.incrementAndGet();
            inServiceInside.set(loop.inServiceThread());
            loopThreadInside.set(loop.isLoopThread());
        }, cycles);
        assertThat(runs.get()).as("ran once, on the caller, before executeOrServe returned")
                .isEqualTo(1);
        assertThat(inServiceInside).as("inServiceThread() while borrowed").isTrue();
        assertThat(loopThreadInside).as("isLoopThread() while borrowed").isFalse();
        assertThat(loop.inServiceThread()).as("the caller gave the role back").isFalse();
        assertThat(cycles[1]).as("serving on the borrowed role did not wake the loop")
                .isEqualTo(cycles[0]);
        // the loop still works after lending
        CountDownLatch after = new CountDownLatch(1);
        assertThat(loop.execute(after::countDown)).isTrue();
        assertThat(after.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void executeOrServeOnTheLoopThreadRunsLaterOnTheLoopThreadNeverInline() throws Exception {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        AtomicBoolean ranBeforeReturn = new AtomicBoolean(true);
        AtomicBoolean accepted = new AtomicBoolean();
        CountDownLatch ran = new CountDownLatch(1);
        loop.execute(() -> {
            accepted.set(loop.executeOrServe(() -> {
                ranOn.set(Thread.currentThread());
                ran.countDown();
            }));
            ranBeforeReturn.set(ranOn.get() != null);
        });
        assertThat(ran.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(accepted).isTrue();
        assertThat(ranBeforeReturn).as("ran inline inside executeOrServe").isFalse();
        assertThat(ranOn.get()).isSameAs(loopThread);
    }

    @Test
    void withLendingOffServedCommandsAlwaysRunOnTheLoopThread() throws Exception {
        ServiceLoop unlent = ServiceLoop.create("unlent-loop", false);
        unlent.start();
        try {
            Thread unlentThread = threadOf(unlent);
            for (int i = 0; i < 20; i++) {
                awaitIdle(unlent);
                AtomicReference<Thread> ranOn = new AtomicReference<>();
                AtomicBoolean inService = new AtomicBoolean();
                CountDownLatch ran = new CountDownLatch(1);
                assertThat(unlent.executeOrServe(() -> {
                    ranOn.set(Thread.currentThread());
                    inService.set(unlent.inServiceThread());
                    ran.countDown();
                })).isTrue();
                assertThat(ran.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
                assertThat(ranOn.get()).as("post %d", i).isSameAs(unlentThread);
                assertThat(inService).isTrue();
            }
        } finally {
            unlent.stop();
            assertThat(unlent.join(Duration.ofSeconds(BOUND_SECONDS))).isTrue();
        }
    }

    @Test
    void whileTheLoopWorksAServedCommandFromAnotherThreadRunsOnTheLoopThread() throws Exception {
        CountDownLatch working = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean released = new AtomicBoolean();
        loop.execute(() -> {
            working.countDown();
            try {
                // deliberately holds the loop busy (role OWNED) until the test releases it
                released.set(release.await(BOUND_SECONDS, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(working.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);
        assertThat(loop.executeOrServe(() -> {
            ranOn.set(Thread.currentThread());
            ran.countDown();
        })).isTrue();
        assertThat(ranOn.get()).as("the caller cannot borrow a role the loop holds").isNull();
        release.countDown();
        assertThat(ran.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(released).isTrue();
        assertThat(ranOn.get()).isSameAs(loopThread);
    }

    @Test
    void servedCommandsPlainCommandsAndTimersFromManyThreadsNeverOverlap_andSomeRanBorrowed()
            throws Exception {
        int producers = 4;
        int perProducer = 5_000;
        int[] lastServed = new int[producers]; // role-confined, like the fields it sits with
        java.util.Arrays.fill(lastServed, -1);
        CountDownLatch done = new CountDownLatch(producers * perProducer);
        AtomicInteger refused = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            threads.add(new Thread(() -> {
                Random random = new Random(producer);
                for (int i = 0; i < perProducer; i++) {
                    int seq = i;
                    boolean ok;
                    if (i % 8 == 0) {
                        ok = loop.execute(() -> countInRole(done));
                    } else if (i % 64 == 1) {
                        loop.schedule(Duration.ofNanos(random.nextInt(1_000_000)),
                                () -> countInRole(done));
                        ok = true;
                    } else {
                        ok = loop.executeOrServe(() -> {
                            if (lastServed[producer] >= seq) {
                                servedOutOfOrder = true;
                            }
                            lastServed[producer] = seq;
                            countInRole(done);
                        });
                    }
                    if (!ok) {
                        refused.incrementAndGet();
                    }
                    if (i % 256 == 255) {
                        LockSupport.parkNanos(200_000); // lets the loop go idle and lend
                    }
                }
            }, "producer-" + p));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(t.isAlive()).as("%s finished posting", t.getName()).isFalse();
        }
        assertThat(refused.get()).isZero();
        assertThat(done.await(30, TimeUnit.SECONDS)).as("every command ran").isTrue();
        int[] count = new int[2];
        boolean[] flags = new boolean[3];
        CountDownLatch read = new CountDownLatch(1);
        loop.execute(() -> {
            count[0] = counter;
            count[1] = borrowedRuns;
            flags[0] = overlapSeen;
            flags[1] = outsideRoleSeen;
            flags[2] = servedOutOfOrder;
            read.countDown(); // publishes the arrays to the test thread
        });
        assertThat(read.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(count[0]).as("no increment lost").isEqualTo(producers * perProducer);
        assertThat(flags[0]).as("two holders of the role overlapped").isFalse();
        assertThat(flags[1]).as("a command ran without the role").isFalse();
        assertThat(flags[2]).as("served commands of one thread ran out of order").isFalse();
        assertThat(count[1]).as("some commands ran on a borrowing thread").isPositive();
    }

    private void countInRole(CountDownLatch done) {
        if (inside) {
            overlapSeen = true;
        }
        inside = true;
        int before = counter;
        if (!loop.inServiceThread()) {
            outsideRoleSeen = true;
        }
        if (!loop.isLoopThread()) {
            borrowedRuns++;
        }
        counter = before + 1;
        inside = false;
        done.countDown();
    }

    @Test
    void aLoopWokenWhileTheRoleIsLentRunsNothingUntilTheBorrowerGivesItBack_andSeesItsWrites()
            throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FutureTask<Integer> borrower = startBorrower(() -> {
            events.add("borrower holds");
            holding.countDown();
            awaitQuietly(release);
            plainValue = 42; // no edge to the loop but the role's hand-over
            events.add("borrower done");
        });
        assertThat(holding.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        int[] seen = new int[1];
        CountDownLatch ran = new CountDownLatch(1);
        assertThat(loop.execute(() -> {
            events.add("loop command");
            seen[0] = plainValue;
            ran.countDown();
        })).isTrue();
        // Not a timing goal: gives a loop that wrongly ignored the lent role the chance to
        // run the command now, which the assertion below would catch.
        assertThat(ran.await(100, TimeUnit.MILLISECONDS)).as("ran while the role was lent")
                .isFalse();
        release.countDown();
        assertThat(ran.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        borrower.get(BOUND_SECONDS, TimeUnit.SECONDS);
        assertThat(events).containsExactly("borrower holds", "borrower done", "loop command");
        assertThat(seen[0]).as("the borrower's plain write, seen by the loop").isEqualTo(42);
    }

    @Test
    void aServedCommandPostedWhileTheRoleIsLentIsLeftToTheHolderAndRunsAfterItGivesBack()
            throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FutureTask<Integer> borrower = startBorrower(() -> {
            events.add("borrower holds");
            holding.countDown();
            awaitQuietly(release);
            events.add("borrower done");
        });
        assertThat(holding.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);
        assertThat(loop.executeOrServe(() -> {
            events.add("served later");
            ranOn.set(Thread.currentThread());
            ran.countDown();
        })).isTrue();
        assertThat(ranOn.get()).as("the poster cannot take a lent role").isNull();
        release.countDown();
        assertThat(ran.await(BOUND_SECONDS, TimeUnit.SECONDS)).as("the holder left it behind")
                .isTrue();
        borrower.get(BOUND_SECONDS, TimeUnit.SECONDS);
        assertThat(events).containsExactly("borrower holds", "borrower done", "served later");
        assertThat(ranOn.get()).isNotSameAs(Thread.currentThread());
    }

    @Test
    void stopWhileTheRoleIsLentEndsTheLoopOnceTheBorrowerGivesItBack_thenServingIsRefused()
            throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean borrowerFinished = new AtomicBoolean();
        AtomicBoolean loopEndedFirst = new AtomicBoolean();
        FutureTask<Integer> borrower = startBorrower(() -> {
            holding.countDown();
            awaitQuietly(release);
            loopEndedFirst.set(!loopThread.isAlive());
            borrowerFinished.set(true);
        });
        assertThat(holding.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        loop.stop();
        // Not a timing goal: the loop must not end while a borrower holds its role.
        assertThat(loop.join(Duration.ofMillis(100))).as("ended while the role was lent")
                .isFalse();
        release.countDown();
        borrower.get(BOUND_SECONDS, TimeUnit.SECONDS);
        assertThat(loop.join(Duration.ofSeconds(BOUND_SECONDS))).isTrue();
        assertThat(borrowerFinished).isTrue();
        assertThat(loopEndedFirst).isFalse();
        AtomicBoolean ranAfterStop = new AtomicBoolean();
        assertThat(loop.executeOrServe(() -> ranAfterStop.set(true))).isFalse();
        assertThat(loop.execute(() -> ranAfterStop.set(true))).isFalse();
        assertThat(ranAfterStop).isFalse();
    }

    @Test
    void aTimerOrCommandPostedByABorrowerRunsLaterOnTheLoopThread() throws Exception {
        AtomicReference<Thread> timerOn = new AtomicReference<>();
        AtomicReference<Thread> commandOn = new AtomicReference<>();
        CountDownLatch both = new CountDownLatch(2);
        AtomicBoolean ranInline = new AtomicBoolean();
        serveBorrowed(loop, () -> {
            loop.schedule(Duration.ofMillis(1), () -> {
                timerOn.set(Thread.currentThread());
                both.countDown();
            });
            loop.execute(() -> {
                commandOn.set(Thread.currentThread());
                both.countDown();
            });
            ranInline.set(timerOn.get() != null || commandOn.get() != null);
        }, null);
        assertThat(both.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(ranInline).isFalse();
        assertThat(timerOn.get()).isSameAs(loopThread);
        assertThat(commandOn.get()).isSameAs(loopThread);
    }

    @Test
    void aLoopWaitingForATimerLendsToo_andTheBorrowerHoldsThatLoopsRoleOnly() throws Exception {
        ServiceLoop other = ServiceLoop.create("other-loop");
        other.start();
        try {
            // select with a timeout rather than without one
            Timer far = loop.schedule(Duration.ofHours(1), () -> { });
            AtomicBoolean holdsThisLoop = new AtomicBoolean();
            AtomicBoolean holdsOtherLoop = new AtomicBoolean(true);
            serveBorrowed(loop, () -> {
                holdsThisLoop.set(loop.inServiceThread());
                holdsOtherLoop.set(other.inServiceThread());
            }, null);
            assertThat(holdsThisLoop).isTrue();
            assertThat(holdsOtherLoop).as("a borrower holds the lending loop's role only")
                    .isFalse();
            assertThat(far.cancel()).as("the far timer is still armed").isTrue();
        } finally {
            other.stop();
            assertThat(other.join(Duration.ofSeconds(BOUND_SECONDS))).isTrue();
        }
    }

    @Test
    void unparkAfterServiceIsRefusedOffTheRoleAndInAPlainLoopCommand() throws Exception {
        Thread other = new Thread(() -> { }, "never-started");
        assertThat(loop.unparkAfterService(other)).as("off the role").isFalse();
        AtomicBoolean deferredInCommand = new AtomicBoolean(true);
        CountDownLatch ran = new CountDownLatch(1);
        loop.execute(() -> {
            deferredInCommand.set(loop.unparkAfterService(other));
            ran.countDown();
        });
        assertThat(ran.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(deferredInCommand).as("in a plain command on the loop thread").isFalse();
    }

    @Test
    void aThreadReleasedInTheLoopsServedStepIsUnparkedOnceTheRoleIsLendable_andBorrowsIt()
            throws Exception {
        ParkedThread parked = ParkedThread.start(loop);
        CountDownLatch working = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        loop.execute(() -> {
            working.countDown();
            awaitQuietly(release); // keeps the role OWNED until the served command is queued
        });
        assertThat(working.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        AtomicBoolean deferred = new AtomicBoolean();
        AtomicBoolean onLoopThread = new AtomicBoolean();
        AtomicBoolean stillParked = new AtomicBoolean();
        assertThat(loop.executeOrServe(() -> {
            onLoopThread.set(loop.isLoopThread());
            deferred.set(loop.unparkAfterService(parked.thread));
            stillParked.set(parked.woke.getCount() == 1);
        })).isTrue();
        release.countDown();
        assertThat(parked.woke.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(onLoopThread).as("the loop's step 1 ran the served command").isTrue();
        assertThat(deferred).isTrue();
        assertThat(stillParked).isTrue();
        assertThat(parked.borrowedAfterWaking.get(BOUND_SECONDS, TimeUnit.SECONDS))
                .as("woken with the role lendable, its next served command ran on itself")
                .isTrue();
    }

    @Test
    void aThreadReleasedByABorrowerIsUnparkedOnlyWhenTheBorrowerGivesTheRoleBack()
            throws Exception {
        ParkedThread parked = ParkedThread.start(loop);
        AtomicBoolean deferred = new AtomicBoolean();
        AtomicBoolean stillParkedInCommand = new AtomicBoolean();
        serveBorrowed(loop, () -> {
            deferred.set(loop.unparkAfterService(parked.thread));
            // Not a timing goal: a wake-up that was not deferred would show here.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            stillParkedInCommand.set(parked.woke.getCount() == 1);
        }, null);
        assertThat(deferred).isTrue();
        assertThat(stillParkedInCommand).as("woken while the borrower still held the role")
                .isTrue();
        assertThat(parked.woke.await(BOUND_SECONDS, TimeUnit.SECONDS))
                .as("woken after the borrower gave the role back").isTrue();
        assertThat(parked.borrowedAfterWaking.get(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    /**
     * A thread parked until someone unparks it (as a pool worker waits for its SYNC's
     * answer), which then posts a served command and reports whether it ran borrowed.
     */
    private static final class ParkedThread {
        final CountDownLatch woke = new CountDownLatch(1);
        final java.util.concurrent.CompletableFuture<Boolean> borrowedAfterWaking =
                new java.util.concurrent.CompletableFuture<>();
        Thread thread;

        static ParkedThread start(ServiceLoop l) throws InterruptedException {
            ParkedThread p = new ParkedThread();
            p.thread = new Thread(() -> {
                // A fresh thread has no permit: an unpark ends this park (or, rarely, a
                // spurious return); the bound, longer than the test's waits, only keeps a
                // lost unpark from leaving the thread behind forever.
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(3 * BOUND_SECONDS));
                p.woke.countDown();
                Thread self = Thread.currentThread();
                AtomicReference<Thread> ranOn = new AtomicReference<>();
                l.executeOrServe(() -> ranOn.set(Thread.currentThread()));
                p.borrowedAfterWaking.complete(ranOn.get() == self);
            }, "parked");
            p.thread.setDaemon(true);
            p.thread.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
            while (p.thread.getState() != Thread.State.TIMED_WAITING) {
                assertThat(System.nanoTime()).as("the thread never parked").isLessThan(deadline);
                Thread.sleep(1);
            }
            return p;
        }
    }

    // ------------------------------------------------------------------------ helpers

    /**
     * Posts with {@link ServiceLoop#executeOrServe} from the calling thread once {@code l}
     * idles, until {@code body} has run borrowed on this thread; a post that met the loop's
     * thread still working (between its last step and its select) ran there without
     * {@code body} and is retried.
     *
     * @param cycles when not null, receives the loop's cycle count before and after the
     *     borrowed post
     * @return how many posts ran on the loop's thread first
     */
    private static int serveBorrowed(ServiceLoop l, Runnable body, long[] cycles)
            throws InterruptedException {
        Thread caller = Thread.currentThread();
        for (int attempt = 0; attempt < BORROW_ATTEMPTS; attempt++) {
            awaitIdle(l);
            long before = l.cycleCount();
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            CountDownLatch ran = new CountDownLatch(1);
            assertThat(l.executeOrServe(() -> {
                ranOn.set(Thread.currentThread());
                if (Thread.currentThread() == caller) {
                    body.run();
                }
                ran.countDown();
            })).isTrue();
            if (ranOn.get() == caller) {
                if (cycles != null) {
                    cycles[0] = before;
                    cycles[1] = l.cycleCount();
                }
                return attempt;
            }
            assertThat(ran.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(ranOn.get().getName()).isEqualTo(l.name());
        }
        return fail("the loop never lent its role in %d posts", BORROW_ATTEMPTS);
    }

    /** Runs {@code body} borrowed, as {@link #serveBorrowed}, on a thread of its own. */
    private FutureTask<Integer> startBorrower(Runnable body) {
        FutureTask<Integer> task = new FutureTask<>(() -> serveBorrowed(loop, body, null));
        new Thread(task, "borrower").start();
        return task;
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

    private static Thread threadOf(ServiceLoop l) throws InterruptedException {
        AtomicReference<Thread> thread = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);
        assertThat(l.execute(() -> {
            thread.set(Thread.currentThread());
            ran.countDown();
        })).isTrue();
        assertThat(ran.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        return thread.get();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            // the test releases it; the bound only keeps a failing test from hanging
            latch.await(BOUND_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
