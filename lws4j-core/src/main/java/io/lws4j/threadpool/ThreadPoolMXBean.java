package io.lws4j.threadpool;

/**
 * A pool's figures as a JMX MXBean: everything in {@link ThreadPool#diagnose()}, the task
 * counters, and {@link ThreadPool#dump()} as an operation. Each pool of a context with JMX
 * on ({@link io.lws4j.Context.Builder#jmx(boolean)}) is registered in the platform MBean
 * server by {@link ThreadPool#create} under
 * {@code io.lws4j:type=ThreadPool,context=<context name>,name=<pool name>} (values quoted
 * when they hold characters an ObjectName does not allow; {@code ,instance=<n>} is added
 * when the name is taken) and unregistered by {@link ThreadPool#destroy()}. As with the
 * context's bean ({@link io.lws4j.ContextMXBean}), the registration happens at once when the
 * platform MBean server is already running, else moments later on a background thread,
 * after the context's. {@link ThreadPool#statistics()} gives the same view without JMX.
 *
 * <p>Every counter counts since the pool was created. Each getter reads the pool on its
 * own: the {@code diagnose()} figures of one getter are consistent among themselves, two
 * getters may see different moments.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public interface ThreadPoolMXBean {

    /** @return the pool name */
    String getName();

    /** @return the number of workers the pool was created with */
    int getThreads();

    /** @return the queue bound the pool was created with */
    int getMaxQueueDepth();

    /** @return tasks on a worker (running, syncing or stopping) */
    int getOngoing();

    /** @return live worker threads */
    int getPossible();

    /** @return tasks waiting for a worker while every worker is busy */
    int getQueueDepth();

    /** @return tasks that ended and wait for their service thread to reap them */
    int getDoneUnreaped();

    /** @return how long the oldest waiting task has waited, in milliseconds */
    long getOldestWaitMillis();

    /** @return tasks admitted by {@link ThreadPool#enqueue} */
    long getAccepted();

    /** @return enqueues refused (queue full, pool finishing or connection closed) */
    long getRejected();

    /** @return tasks that ended {@link TaskStatus#FINISHED} */
    long getFinished();

    /**
     * @return tasks that ended {@link TaskStatus#STOPPED}: stopped on their worker, failed,
     *     or removed from the queue before a worker took them
     */
    long getStopped();

    /** @return tasks whose task function threw (they count as stopped too) */
    long getFailed();

    /** @return tasks that reached a terminal state ({@code finished + stopped}) */
    long getCompleted();

    /** @return SYNC waits entered */
    long getSyncWaits();

    /** @return SYNC tries that expired unacknowledged */
    long getLateSyncs();

    /** @return SYNC waits given up when the sync budget ran out */
    long getAbandonedSyncs();

    /** @return true once {@link ThreadPool#finish()} was called */
    boolean isShutdown();

    /**
     * The {@link ThreadPool#dump()} text.
     *
     * @return one line per waiting, running and unreaped task, after the counters
     */
    String dump();
}
