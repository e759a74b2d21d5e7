package io.lws4j.threadpool;

import java.time.Duration;
import java.util.Objects;

/**
 * A consistent snapshot of a pool's load (lws {@code lws_threadpool_diagnose} plus the
 * metrics lws lacks). All fields are taken together under the pool lock.
 *
 * <p>Instances are immutable.
 *
 * <p>Thread-safe: any method may be called from any thread.
 *
 * @param ongoing tasks on a worker (running, syncing or stopping)
 * @param possible live worker threads
 * @param queueDepth tasks waiting for a worker while every worker is busy
 * @param doneUnreaped tasks that ended and wait for their service thread to reap them
 * @param rejected enqueues refused since the pool was created
 * @param oldestWaitAge how long the oldest waiting task has waited ({@link Duration#ZERO}
 *     when none waits)
 * @param syncWaits SYNC waits entered since the pool was created
 * @param lateSyncs SYNC tries that expired unacknowledged (lws {@code late_sync_retries})
 * @param abandonedSyncs SYNC waits given up when the sync budget ran out
 * @param completed tasks that reached a terminal state since the pool was created
 */
public record Diagnosis(int ongoing, int possible, int queueDepth, int doneUnreaped,
                        long rejected, Duration oldestWaitAge, long syncWaits, long lateSyncs,
                        long abandonedSyncs, long completed) {

    /**
     * Checks the snapshot.
     *
     * @param ongoing tasks on a worker
     * @param possible live worker threads
     * @param queueDepth tasks waiting while every worker is busy
     * @param doneUnreaped ended tasks not yet reaped
     * @param rejected refused enqueues
     * @param oldestWaitAge the age of the oldest waiting task
     * @param syncWaits SYNC waits entered
     * @param lateSyncs expired SYNC tries
     * @param abandonedSyncs SYNC waits given up
     * @param completed tasks that ended
     * @throws NullPointerException when {@code oldestWaitAge} is null
     */
    public Diagnosis {
        Objects.requireNonNull(oldestWaitAge, "oldestWaitAge");
    }
}
