package io.lws4j.internal.loop;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * jcstress tests of {@link ServiceRole}, the service loop's role that an idle loop lends:
 * the loop's thread lends and reclaims it around a select, other threads borrow it and give
 * it back. Holders never overlap, and what one holder wrote with plain stores the next one
 * reads. The loop actor binds the role to its own thread first, as a loop does before it
 * starts. In a reclaim that meets a borrower, the loop actor parks until the borrower gives
 * the role back, which it always does (the borrower actors never wait).
 *
 * <p>This class sits in the role's package because {@link ServiceRole} is package-private;
 * the jcstress module runs on the class path, where the package spans both jars.
 *
 * <p>Not thread-safe: jcstress gives each test instance its own state.
 */
public final class ServiceRoleTests {
    private ServiceRoleTests() {
    }

    /** The role passes loop -> borrower -> loop; each side's plain write is seen by the other. */
    @JCStressTest
    @Description("lend()+reclaim() vs tryBorrow()+giveBack(): hand-overs publish plain writes")
    @Outcome(id = "-1, 0, 0", expect = ACCEPTABLE,
            desc = "the borrower came before lend() or after reclaim(): no borrow, role OWNED")
    @Outcome(id = "1, 1, 0", expect = ACCEPTABLE,
            desc = "borrowed: saw the loop's write before lend(); the loop saw the borrower's")
    @Outcome(expect = FORBIDDEN,
            desc = "a write lost across the hand-over, or the role not OWNED at the end")
    @State
    public static class HandOverPublishesPlainWrites {
        final ServiceRole role = new ServiceRole();
        int writtenByLoop;
        int writtenByBorrower;

        @Actor
        public void loop(III_Result r) {
            role.bind(Thread.currentThread());
            writtenByLoop = 1;
            role.lend();
            role.reclaim();
            r.r2 = writtenByBorrower;
        }

        @Actor
        public void borrower(III_Result r) {
            if (role.tryBorrow()) {
                r.r1 = writtenByLoop;
                writtenByBorrower = 1;
                role.giveBack();
            } else {
                r.r1 = -1;
            }
        }

        @Arbiter
        public void end(III_Result r) {
            r.r3 = role.state();
        }
    }

    /** Increments of one plain counter by every holder: an overlap would lose one. */
    @JCStressTest
    @Description("the loop increments before lend() and after reclaim(), a borrower while lent")
    @Outcome(id = "0, 2", expect = ACCEPTABLE, desc = "no borrow: the loop's two increments")
    @Outcome(id = "1, 3", expect = ACCEPTABLE, desc = "borrowed: three increments, none lost")
    @Outcome(expect = FORBIDDEN, desc = "an increment lost: the loop and the borrower overlapped")
    @State
    public static class LoopAndBorrowerNeverOverlap {
        final ServiceRole role = new ServiceRole();
        int count;

        @Actor
        public void loop() {
            role.bind(Thread.currentThread());
            count++;
            role.lend();
            role.reclaim();
            count++;
        }

        @Actor
        public void borrower(II_Result r) {
            if (role.tryBorrow()) {
                count++;
                role.giveBack();
                r.r1 = 1;
            }
        }

        @Arbiter
        public void end(II_Result r) {
            r.r2 = count;
        }
    }

    /**
     * Two would-be borrowers race for a lent role: at most one holds it at a time. (The role
     * is lent in the constructor, on the thread the role is bound to, so that two actors
     * suffice: jcstress cannot schedule three on two CPUs.)
     */
    @JCStressTest
    @Description("tryBorrow()+giveBack() vs tryBorrow()+giveBack() on a lent role: no overlap")
    @Outcome(id = "1, 0, 1, 1", expect = ACCEPTABLE,
            desc = "only the first borrowed (the second tried while the first held it)")
    @Outcome(id = "0, 1, 1, 1", expect = ACCEPTABLE,
            desc = "only the second borrowed (the first tried while the second held it)")
    @Outcome(id = "1, 1, 2, 1", expect = ACCEPTABLE, desc = "both borrowed, one after the other")
    @Outcome(expect = FORBIDDEN,
            desc = "an increment lost (two holders overlapped), nobody borrowed, or not LENDABLE")
    @State
    public static class BorrowersNeverOverlap {
        final ServiceRole role = new ServiceRole();
        int count;

        public BorrowersNeverOverlap() {
            role.bind(Thread.currentThread());
            role.lend();
        }

        @Actor
        public void first(IIII_Result r) {
            if (role.tryBorrow()) {
                count++;
                role.giveBack();
                r.r1 = 1;
            }
        }

        @Actor
        public void second(IIII_Result r) {
            if (role.tryBorrow()) {
                count++;
                role.giveBack();
                r.r2 = 1;
            }
        }

        @Arbiter
        public void end(IIII_Result r) {
            r.r3 = count;
            r.r4 = role.state();
        }
    }
}
