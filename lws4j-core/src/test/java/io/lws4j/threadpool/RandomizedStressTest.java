package io.lws4j.threadpool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Thousands of tasks over many fake connections on several fake loops, with random
 * returns (check-ins, SYNCs, OUTLIVE, finish, stop, throw), random closes, dequeues, stop
 * requests and a finish at a random point of each round. At the end of every round: every
 * accepted task was cleaned exactly once, no refused task was cleaned, no SYNC output was
 * reported twice, and no worker thread is left.
 */
class RandomizedStressTest extends PoolTestSupport {

    @Test
    void randomReturnsClosesDequeuesAndFinishes_everyTaskCleanedExactlyOnce_noDuplicateSync() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<FakeLoop> loops = List.of(loop(), loop(), loop());
        int rounds = 5;
        int tasksPerRound = 1000;
        AtomicInteger duplicates = new AtomicInteger();
        int accepted = 0;
        int refused = 0;
        long start = System.nanoTime();
        for (int round = 0; round < rounds; round++) {
            ThreadPool pool = pool(new CreateArgs(4, 32).withSync(Duration.ofMillis(40), Duration.ofMillis(15)));
            Set<String> reported = ConcurrentHashMap.newKeySet();
            List<Job> acceptedJobs = new ArrayList<>();
            List<Job> refusedJobs = new ArrayList<>();
            List<FakeConnection> conns = new ArrayList<>();
            List<Task<Job>> tasks = new ArrayList<>();
            int finishAt = tasksPerRound - 1 - random.nextInt(tasksPerRound / 5);
            for (int i = 0; i < tasksPerRound; i++) {
                if (conns.size() < 60 || random.nextInt(10) == 0) {
                    FakeConnection c = connection(loops.get(random.nextInt(loops.size())));
                    boolean deaf = random.nextInt(60) == 0;
                    c.writable(!deaf).onWritable(conn -> {
                        Task<?> t = ThreadPool.taskOf(conn);
                        if (t == null) {
                            return;
                        }
                        TaskStatus s = t.status();
                        if (s == TaskStatus.SYNCING) {
                            if (!reported.add(((Job) t.user()).output)) {
                                duplicates.incrementAndGet();
                            }
                            t.sync(ThreadLocalRandomHolder.nextInt(25) == 0);
                        } else if (s.isTerminal()) {
                            conn.callbackOnWritable(); // the next bound task may want one
                        }
                    });
                    conns.add(c);
                }
                FakeConnection c = conns.get(random.nextInt(conns.size()));
                Job j = new Job("r" + round + "t" + i);
                int plan = random.nextInt(12);
                try {
                    tasks.add(pool.enqueue(args(c, j, randomTask(plan)), j.id));
                    acceptedJobs.add(j);
                } catch (RejectedExecutionException e) {
                    refusedJobs.add(j);
                    // back off until the queue has room again, as a server would shed load
                    await("queue drains", () -> pool.isShutdown() || pool.diagnose().queueDepth() < 32);
                }
                switch (random.nextInt(40)) {
                    case 0:
                        c.closeAsync();
                        conns.remove(c);
                        break;
                    case 1:
                        if (!tasks.isEmpty()) {
                            Task<Job> t = tasks.get(random.nextInt(tasks.size()));
                            c.loop.execute(t::dequeue);
                        }
                        break;
                    case 2:
                        if (!tasks.isEmpty()) {
                            tasks.get(random.nextInt(tasks.size())).sync(true);
                        }
                        break;
                    case 3:
                        ThreadPool.dequeue(c);
                        break;
                    default:
                        break;
                }
                if (i == finishAt) {
                    pool.finish();
                }
                if (random.nextInt(200) == 0) {
                    Thread.yield();
                }
            }
            // let the survivors run a little, then close everything: closes and destroy must
            // clean whatever is left
            for (FakeConnection c : conns) {
                if (random.nextBoolean()) {
                    c.closeAsync();
                }
            }
            pool.destroy();
            for (FakeLoop l : loops) {
                l.drain();
            }
            for (Job j : acceptedJobs) {
                await(j.id + " cleaned", () -> j.cleanups.get() >= 1);
            }
            for (Job j : acceptedJobs) {
                assertThat(j.cleanups.get()).as("%s (seed %d)", j.id, seed).isEqualTo(1);
            }
            for (Job j : refusedJobs) {
                assertThat(j.cleanups.get()).isZero();
                assertThat(j.calls).isEmpty();
            }
            for (Thread t : pool.workerThreads()) {
                assertThat(t.isAlive()).as("worker left (seed %d)", seed).isFalse();
            }
            assertThat(pool.diagnose().doneUnreaped()).isZero();
            accepted += acceptedJobs.size();
            refused += refusedJobs.size();
        }
        assertThat(duplicates.get()).as("SYNC reported twice (seed %d)", seed).isZero();
        System.out.printf("stress: %d tasks accepted, %d refused, %d rounds, %.2f s (seed %d)%n",
                accepted, refused, rounds, (System.nanoTime() - start) / 1e9, seed);
    }

    private static TaskFunction<Job> randomTask(int plan) {
        AtomicInteger n = new AtomicInteger();
        return (j, s) -> {
            int call = n.incrementAndGet();
            if (s == TaskStatus.STOPPING) {
                return plan % 2 == 0 ? TaskReturn.STOPPED : TaskReturn.FINISHED;
            }
            if (call > 1 + plan) {
                if (plan == 11) {
                    throw new IllegalStateException("planned failure");
                }
                return plan == 10 ? TaskReturn.STOPPED : TaskReturn.FINISHED;
            }
            if (call % 2 == 0 || plan < 3) {
                j.output = j.id + " sync " + call;
                return plan == 9 ? TaskReturn.SYNC_OUTLIVE : TaskReturn.SYNC;
            }
            if (plan == 8) {
                Thread.sleep(1);
            }
            return plan == 7 ? TaskReturn.CHECKING_IN_OUTLIVE : TaskReturn.CHECKING_IN;
        };
    }

    /** Random numbers on any thread (the loop threads pick acknowledgements). */
    private static final class ThreadLocalRandomHolder {
        static int nextInt(int bound) {
            return java.util.concurrent.ThreadLocalRandom.current().nextInt(bound);
        }
    }
}
