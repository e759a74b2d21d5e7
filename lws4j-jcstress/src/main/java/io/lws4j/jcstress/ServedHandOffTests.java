package io.lws4j.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.lws4j.internal.loop.ServiceLoop;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * jcstress tests of the served-queue hand-off of the real {@link ServiceLoop#executeOrServe}
 * ({@code LentService}): a command posted while the loop waits in select is run by the
 * poster (it borrowed the role), by another borrower (which found it queued), or by the
 * loop's thread (which woke, or reclaimed the role from a borrower); it runs exactly once,
 * and commands of the loop never run at once.
 *
 * <p>What holds when {@code executeOrServe} returns: only that the command is queued and
 * will run ({@code LentService.serve}); a borrower stops at its next command once the loop
 * reclaims the role, leaving the rest to the loop, and a poster that finds the role lent
 * leaves its command to the holder. So the arbiter waits, bounded ({@link #RUN_BOUND_NANOS}),
 * until both commands ran; a command that has not run by then is reported as 0 (FORBIDDEN).
 *
 * <p>One loop for the whole JVM ({@link #LOOP}), started once, its thread a daemon, rather
 * than one per sample: a loop opens a selector and a thread, and jcstress makes millions of
 * samples. Sharing is sound here: every sample's state is its own (the counters are per
 * sample), a sample's commands are found only through its state, and the loop runs between
 * samples exactly as it runs between unrelated connections' SYNC notifications; a borrower
 * that runs another sample's leftover command only adds the cross-poster hand-off this test
 * is about. The loop has no channel and no timer, so it waits in a blocking select (the role
 * lendable) whenever no command wakes it.
 *
 * <p>Where a command ran: 1 on its own poster's thread, 2 on the other actor's thread (a
 * borrower that found it queued), 3 on the loop's thread, 0 not within the bound.
 *
 * <p>Not thread-safe: jcstress gives each test instance its own state; the commands'
 * plain fields are guarded by the loop's role.
 */
public final class ServedHandOffTests {
    /** The arbiter's bound on waiting for both commands: generous, the machine is shared. */
    static final long RUN_BOUND_NANOS = TimeUnit.SECONDS.toNanos(20);

    /** The loop every sample posts to (see the class comment for why one is sound). */
    static final ServiceLoop LOOP = startDaemonLoop();

    private ServedHandOffTests() {
    }

    /**
     * Creates and starts the shared loop. Its thread is created by the loop's constructor and
     * inherits the creating thread's daemon status, so a daemon thread creates it: a loop
     * nobody stops must not keep the forked JVM alive.
     */
    private static ServiceLoop startDaemonLoop() {
        LoopCreator creator = new LoopCreator();
        Thread thread = new Thread(creator, "jcstress-served-loop-creator");
        thread.setDaemon(true);
        thread.start();
        try {
            thread.join(); // publishes creator.loop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the loop", e);
        }
        creator.loop.start();
        return creator.loop;
    }

    /**
     * Creates the loop on the daemon thread. A class of its own, not a lambda: a lambda's
     * body is a method of this class, whose initialization (which runs
     * {@link #startDaemonLoop}) the creating thread would wait for while it waits for the
     * creating thread.
     */
    private static final class LoopCreator implements Runnable {
        ServiceLoop loop;

        @Override
        public void run() {
            loop = ServiceLoop.create("jcstress-served-loop");
        }
    }

    /**
     * The per-sample state two commands share: a plain counter and an overlap detector that
     * only the role's exclusion keeps right, and where each command ran (atomic, so that the
     * arbiter, once it reads both as set, also reads the plain fields the commands wrote).
     */
    abstract static class TwoCommands {
        final AtomicInteger whereFirst = new AtomicInteger();
        final AtomicInteger whereSecond = new AtomicInteger();
        int inside;
        int overlaps;
        int count;

        final void run(AtomicInteger where, Thread poster) {
            int was = inside;
            inside = was + 1;
            if (was != 0) {
                overlaps++;
            }
            count++;
            for (int i = 0; i < 8; i++) {
                Thread.onSpinWait(); // widen the window another holder would have to hit
            }
            inside--;
            Thread current = Thread.currentThread();
            where.set(current == poster ? 1 : LOOP.isLoopThread() ? 3 : 2);
        }

        final void report(IIII_Result r) {
            long deadline = System.nanoTime() + RUN_BOUND_NANOS;
            while ((whereFirst.get() == 0 || whereSecond.get() == 0)
                    && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(10_000);
            }
            r.r1 = whereFirst.get();
            r.r2 = whereSecond.get();
            r.r3 = count;
            r.r4 = overlaps;
        }
    }

    /** Two threads post served commands while the loop idles: either may borrow the role. */
    @JCStressTest
    @Description("executeOrServe() vs executeOrServe() on an idle loop: each command once, never together")
    @Outcome(id = "1, 1, 2, 0", expect = ACCEPTABLE,
            desc = "each poster ran its own command (borrowed one after the other)")
    @Outcome(id = {"1, 2, 2, 0", "2, 1, 2, 0"}, expect = ACCEPTABLE,
            desc = "one poster borrowed and ran both: the other found its command queued")
    @Outcome(id = {"[12], 3, 2, 0", "3, [12], 2, 0", "3, 3, 2, 0"}, expect = ACCEPTABLE,
            desc = "the loop ran a command: woken by a borrower's leftovers, or reclaiming")
    @Outcome(id = "2, 2, 2, 0", expect = ACCEPTABLE,
            desc = "each ran the other's command: a borrower runs all that is queued, and an actor ahead"
                    + " of the other by some samples finds the other's earlier commands queued")
    @Outcome(expect = FORBIDDEN,
            desc = "a command lost (0) or run twice, or two commands ran at once")
    @State
    public static class TwoServedCommands extends TwoCommands {
        @Actor
        public void first() {
            Thread poster = Thread.currentThread();
            if (!LOOP.executeOrServe(() -> run(whereFirst, poster))) {
                throw new IllegalStateException("the shared loop stopped");
            }
        }

        @Actor
        public void second() {
            Thread poster = Thread.currentThread();
            if (!LOOP.executeOrServe(() -> run(whereSecond, poster))) {
                throw new IllegalStateException("the shared loop stopped");
            }
        }

        @Arbiter
        public void end(IIII_Result r) {
            report(r);
        }
    }

    /**
     * A served command against a plain {@code execute}, which wakes the loop: the loop comes
     * back from select and reclaims its role, possibly while the first actor holds it as a
     * borrower, and must wait for it to give the role back before it runs the second
     * command.
     */
    @JCStressTest
    @Description("executeOrServe() vs execute() waking the loop: the reclaim waits for the borrower")
    @Outcome(id = "1, 3, 2, 0", expect = ACCEPTABLE,
            desc = "the poster borrowed the role and ran its command; the loop ran the other")
    @Outcome(id = "3, 3, 2, 0", expect = ACCEPTABLE,
            desc = "the loop was awake (or reclaimed first) and ran both")
    @Outcome(expect = FORBIDDEN,
            desc = "a command lost (0), run twice or on the wrong thread, or the two overlapped")
    @State
    public static class ServedVsLoopWakeUp extends TwoCommands {
        @Actor
        public void served() {
            Thread poster = Thread.currentThread();
            if (!LOOP.executeOrServe(() -> run(whereFirst, poster))) {
                throw new IllegalStateException("the shared loop stopped");
            }
        }

        @Actor
        public void executed() {
            Thread poster = Thread.currentThread();
            if (!LOOP.execute(() -> run(whereSecond, poster))) {
                throw new IllegalStateException("the shared loop stopped");
            }
        }

        @Arbiter
        public void end(IIII_Result r) {
            report(r);
        }
    }
}
