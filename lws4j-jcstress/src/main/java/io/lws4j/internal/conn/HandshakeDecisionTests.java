package io.lws4j.internal.conn;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.lws4j.Request;
import io.lws4j.internal.http.UpgradeDecision;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * jcstress tests of {@link PendingHandshake}, the {@code HandshakeDecision} that
 * {@code Protocol.onHandshake} completes from any thread: the first move out of UNDECIDED
 * wins, a later completion returns false and changes nothing, and the connection applies
 * exactly one outcome, whichever of its three paths delivers it: {@code hookReturned()}
 * reporting a decision taken during the hook, the {@code post} callback for a decision
 * taken after it (the connection's {@code postDecision}, here a counter), or a
 * {@code close} with TIMED_OUT (the 503 of the handshake timeout) or ABANDONED (the client
 * left) that returned true, which the service thread applies itself.
 *
 * <p>Outcome numbers: the {@link PendingHandshake.Outcome} ordinals, 0 UNDECIDED,
 * 1 ACCEPTED, 2 REFUSED, 3 TIMED_OUT, 4 ABANDONED.
 *
 * <p>This class sits in the decision's package because {@link PendingHandshake} is
 * package-private; the jcstress module runs on the class path, where the package spans both
 * jars.
 *
 * <p>Not thread-safe: jcstress gives each test instance its own state.
 */
public final class HandshakeDecisionTests {
    private HandshakeDecisionTests() {
    }

    /** A decision the way UpgradePhase makes one, posting to a counter instead of a loop. */
    abstract static class Decision {
        private static final Request REQUEST = Request.builder().method("GET").target("/chat")
                .header("Host", "127.0.0.1").build();
        private static final UpgradeDecision.Accept ACCEPT = new UpgradeDecision.Accept(
                ByteBuffer.wrap("HTTP/1.1 101 Switching Protocols\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer(), "chat");

        final AtomicInteger posts = new AtomicInteger();
        final PendingHandshake decision = new PendingHandshake(REQUEST, ACCEPT,
                p -> posts.incrementAndGet());

        static int flag(boolean b) {
            return b ? 1 : 0;
        }
    }

    /** The application accepts on one thread and refuses on another, after the hook. */
    @JCStressTest
    @Description("accept() vs refuse() after the hook returned: one wins, posted once")
    @Outcome(id = "1, 0, 1, 1", expect = ACCEPTABLE, desc = "accept won; the refusal changed nothing")
    @Outcome(id = "0, 1, 1, 2", expect = ACCEPTABLE, desc = "refuse won; the acceptance changed nothing")
    @Outcome(expect = FORBIDDEN,
            desc = "both or neither won, the outcome disagrees with the winner, or posted other than once")
    @State
    public static class AcceptVsRefuse extends Decision {
        public AcceptVsRefuse() {
            decision.hookReturned(); // the hook returned undecided: completions post
        }

        @Actor
        public void accepting(IIII_Result r) {
            r.r1 = flag(decision.accept());
        }

        @Actor
        public void refusing(IIII_Result r) {
            r.r2 = flag(decision.refuse(403, "no"));
        }

        @Arbiter
        public void end(IIII_Result r) {
            r.r3 = posts.get();
            r.r4 = decision.outcome().ordinal();
        }
    }

    /** The application accepts while the service thread's handshake timer runs out. */
    @JCStressTest
    @Description("accept() vs close(TIMED_OUT): exactly one outcome reaches the connection")
    @Outcome(id = "1, 0, 1, 1", expect = ACCEPTABLE,
            desc = "accept won: posted once; the timer saw it decided and sent nothing")
    @Outcome(id = "0, 1, 0, 3", expect = ACCEPTABLE,
            desc = "the timeout won (503 by the service thread); the late accept returned false, no post")
    @Outcome(expect = FORBIDDEN,
            desc = "both or neither applied (an accept posted after a 503, or nothing sent)")
    @State
    public static class AcceptVsTimeout extends Decision {
        public AcceptVsTimeout() {
            decision.hookReturned();
        }

        @Actor
        public void accepting(IIII_Result r) {
            r.r1 = flag(decision.accept());
        }

        @Actor
        public void timer(IIII_Result r) {
            r.r2 = flag(decision.close(PendingHandshake.Outcome.TIMED_OUT));
        }

        @Arbiter
        public void end(IIII_Result r) {
            r.r3 = posts.get();
            r.r4 = decision.outcome().ordinal();
        }
    }

    /** The application refuses while the client leaves (the connection closes). */
    @JCStressTest
    @Description("refuse() vs close(ABANDONED): exactly one outcome reaches the connection")
    @Outcome(id = "1, 0, 1, 2", expect = ACCEPTABLE,
            desc = "refuse won: posted once (the posted command finds the connection gone)")
    @Outcome(id = "0, 1, 0, 4", expect = ACCEPTABLE,
            desc = "the client left first; the late refusal returned false, no post")
    @Outcome(expect = FORBIDDEN, desc = "both or neither applied")
    @State
    public static class RefuseVsAbandon extends Decision {
        public RefuseVsAbandon() {
            decision.hookReturned();
        }

        @Actor
        public void refusing(IIII_Result r) {
            r.r1 = flag(decision.refuse(401, "who are you"));
        }

        @Actor
        public void leaving(IIII_Result r) {
            r.r2 = flag(decision.close(PendingHandshake.Outcome.ABANDONED));
        }

        @Arbiter
        public void end(IIII_Result r) {
            r.r3 = posts.get();
            r.r4 = decision.outcome().ordinal();
        }
    }

    /**
     * A thread the hook handed the decision to accepts while the hook returns on the
     * service thread: the acceptance is delivered once, either by {@code hookReturned()}
     * (taken during the hook, applied in the same call) or by a post (taken after it).
     */
    @JCStressTest
    @Description("accept() vs hookReturned(): delivered once, inline or posted")
    @Outcome(id = "1, 1, 0", expect = ACCEPTABLE,
            desc = "accepted during the hook: hookReturned() reported it, nothing posted")
    @Outcome(id = "1, 0, 1", expect = ACCEPTABLE,
            desc = "accepted after the hook: hookReturned() saw UNDECIDED, the accept posted once")
    @Outcome(expect = FORBIDDEN, desc = "the acceptance lost (neither) or delivered twice (both)")
    @State
    public static class AcceptVsHookReturned extends Decision {
        @Actor
        public void accepting(III_Result r) {
            r.r1 = flag(decision.accept());
        }

        @Actor
        public void hookReturns(III_Result r) {
            PendingHandshake.Outcome seen = decision.hookReturned();
            r.r2 = seen == PendingHandshake.Outcome.ACCEPTED ? 1
                    : seen == PendingHandshake.Outcome.UNDECIDED ? 0 : -1;
        }

        @Arbiter
        public void end(III_Result r) {
            r.r3 = posts.get();
        }
    }
}
