package io.lws4j.internal.conn;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * jcstress tests of {@link SendInbox}, the hand-off of a connection's cross-thread sends to
 * its service thread: under contention every item is drained exactly once, each producer's
 * items come out in its order, and no item is stranded (left in the queue with no drain
 * posted to take it).
 *
 * <p>The loop is modelled by a consumer actor, which runs a drain that was posted before
 * the test began (the inbox starts with its flag set), and by the arbiter, which runs one
 * more drain when a producer posted one (as the loop would run the posted command) and
 * then counts what is left: an item left after that is stranded. Two actors per test, as
 * the machine running them has two CPUs.
 *
 * <p>This class sits in the inbox's package because {@link SendInbox} is package-private;
 * the jcstress module runs on the class path, where the package spans both jars.
 *
 * <p>Not thread-safe: jcstress gives each test instance its own state.
 */
public final class SendInboxTests {
    private SendInboxTests() {
    }

    /** Consumer side of a test: drains and checks order. */
    abstract static class Drained {
        final SendInbox<Integer> inbox = new SendInbox<>();
        final AtomicInteger posts = new AtomicInteger();
        /** Consumer only (actor, then arbiter after it). */
        final List<Integer> drained = new ArrayList<>();

        void produce(int first) {
            if (inbox.add(first)) {
                posts.incrementAndGet();
            }
            if (inbox.add(first + 1)) {
                posts.incrementAndGet();
            }
        }

        void drain() {
            inbox.beginDrain();
            Integer item;
            while ((item = inbox.poll()) != null) {
                drained.add(item);
            }
        }

        int ordered(int... firsts) {
            for (int first : firsts) {
                int a = drained.indexOf(first);
                if (a < 0 || a > drained.indexOf(first + 1)) {
                    return 0;
                }
            }
            return drained.stream().distinct().count() == drained.size() ? 1 : 0;
        }

        int stranded() {
            int n = 0;
            while (inbox.poll() != null) {
                n++;
            }
            return n;
        }
    }

    /** Two producers, two items each, into an idle inbox: one post takes all. */
    @JCStressTest
    @Description("two producers add two items each: exactly one posts, and its drain takes "
            + "all four in each producer's order")
    @Outcome(id = "1, 4, 1", expect = ACCEPTABLE, desc = "one post; every item once, in order")
    @Outcome(expect = FORBIDDEN, desc = "no post or two, an item lost or duplicated, or reordered")
    @State
    public static class TwoProducers extends Drained {
        @Actor
        public void producerA() {
            produce(10);
        }

        @Actor
        public void producerB() {
            produce(20);
        }

        @Arbiter
        public void posted(III_Result r) {
            r.r1 = posts.get();
            drain(); // the posted command runs
            r.r2 = drained.size() + stranded();
            r.r3 = ordered(10, 20);
        }
    }

    /** A producer against a drain under way. */
    @JCStressTest
    @Description("a producer adds two items while the loop drains: all drained once, in "
            + "order, none stranded")
    @Outcome(id = "2, 1, 0", expect = ACCEPTABLE, desc = "every item drained once, in order")
    @Outcome(expect = FORBIDDEN, desc = "an item lost, duplicated, reordered or stranded")
    @State
    public static class ProducerVsDrain extends Drained {
        public ProducerVsDrain() {
            inbox.add(-1); // a drain is posted before the test: the flag is set
            inbox.poll();
        }

        @Actor
        public void producer() {
            produce(10);
        }

        @Actor
        public void loop() {
            drain();
        }

        @Arbiter
        public void posted(III_Result r) {
            if (posts.get() > 0) {
                drain(); // the posted command runs
            }
            r.r3 = stranded();
            r.r1 = drained.size();
            r.r2 = ordered(10);
        }
    }

    /** A drain ended early by its batch claims the next post, or leaves it to a producer. */
    @JCStressTest
    @Description("a drain stopping early with items left vs a producer: exactly one of them "
            + "posts the next drain")
    @Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "one post; everything drained by it")
    @Outcome(expect = FORBIDDEN, desc = "no post with items left, two posts, or an item lost")
    @State
    public static class EarlyStopVsProducer {
        private final SendInbox<Integer> inbox = new SendInbox<>();
        private final AtomicInteger posts = new AtomicInteger();

        public EarlyStopVsProducer() {
            inbox.add(1); // posted: flag set
            inbox.add(2);
        }

        @Actor
        public void loop() {
            inbox.beginDrain();
            inbox.poll(); // a batch of one, item 2 left
            if (inbox.claimRepost()) {
                posts.incrementAndGet();
            }
        }

        @Actor
        public void producer() {
            if (inbox.add(3)) {
                posts.incrementAndGet();
            }
        }

        @Arbiter
        public void posted(III_Result r) {
            int left = 0;
            if (posts.get() > 0) {
                inbox.beginDrain();
                while (inbox.poll() != null) {
                    left++;
                }
            }
            r.r1 = posts.get();
            r.r2 = left == 2 ? 1 : 0; // items 2 and 3, drained by the one posted drain
            int stranded = 0;
            while (inbox.poll() != null) {
                stranded++;
            }
            r.r3 = stranded;
        }
    }
}
