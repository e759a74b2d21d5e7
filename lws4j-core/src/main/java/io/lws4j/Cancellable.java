package io.lws4j;

/**
 * A scheduled action that may still be cancelled.
 *
 * <p>Thread-safe: {@link #cancel()} may be called from any thread.
 */
@FunctionalInterface
public interface Cancellable {
    /**
     * Cancels the action if it has not run yet.
     *
     * @return true when this call prevented the action from running
     */
    boolean cancel();
}
