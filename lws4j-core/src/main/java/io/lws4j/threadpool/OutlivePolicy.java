package io.lws4j.threadpool;

/**
 * What happens to a running task that has returned an {@code _OUTLIVE} value
 * ({@link TaskReturn#outlive()}) when its connection closes.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public enum OutlivePolicy {
    /**
     * The documented intent (the default): the task keeps being called with
     * {@link TaskStatus#RUNNING} until it returns {@link TaskReturn#FINISHED} or
     * {@link TaskReturn#STOPPED}; its SYNC returns are answered at once, since no service
     * thread is left to consume its output.
     */
    CONTINUE,
    /**
     * What libwebsockets actually does: the task gets one more call, with
     * {@link TaskStatus#STOPPING}, and then ends, like any other task.
     */
    FAITHFUL
}
