package io.lws4j.threadpool;

import io.lws4j.Connection;
import java.util.Objects;

/**
 * What to run and for which connection (lws {@code struct lws_threadpool_task_args}).
 * Built with {@link #builder(Connection, Object, TaskFunction)}.
 *
 * <p>Instances are immutable once built.
 *
 * <p>Thread-safe: any method may be called from any thread.
 *
 * @param <U> the type of the task's user object
 */
public final class TaskArgs<U> {
    private final Connection connection;
    private final U user;
    private final TaskFunction<U> function;
    private final Cleanup<U> cleanup;

    private TaskArgs(Builder<U> b) {
        this.connection = b.connection;
        this.user = b.user;
        this.function = b.function;
        this.cleanup = b.cleanup;
    }

    /**
     * Starts the arguments of a task.
     *
     * @param <U> the type of the user object
     * @param wsi the connection the task is bound to (one made by lws4j)
     * @param user the user object, passed to the task function and to cleanup; may be null
     * @param task the task function
     * @return a builder
     * @throws NullPointerException when {@code wsi} or {@code task} is null
     */
    public static <U> Builder<U> builder(Connection wsi, U user, TaskFunction<U> task) {
        return new Builder<>(wsi, user, task);
    }

    /**
     * The connection the task is bound to.
     *
     * @return the connection
     */
    public Connection connection() {
        return connection;
    }

    /**
     * The user object.
     *
     * @return the user object, possibly null
     */
    public U user() {
        return user;
    }

    /**
     * The task function.
     *
     * @return the function
     */
    public TaskFunction<U> function() {
        return function;
    }

    /**
     * The cleanup, or a no-op when none was given.
     *
     * @return the cleanup
     */
    public Cleanup<U> cleanup() {
        return cleanup;
    }

    /**
     * Collects {@link TaskArgs}.
     *
     * <p>Not thread-safe: instances must not be shared.
     *
     * @param <U> the type of the task's user object
     */
    public static final class Builder<U> {
        private final Connection connection;
        private final U user;
        private final TaskFunction<U> function;
        private Cleanup<U> cleanup = (c, u) -> { };

        private Builder(Connection connection, U user, TaskFunction<U> function) {
            this.connection = Objects.requireNonNull(connection, "wsi");
            this.user = user;
            this.function = Objects.requireNonNull(function, "task");
        }

        /**
         * Sets what releases the user object; default: nothing.
         *
         * @param cleanup the cleanup
         * @return this builder
         */
        public Builder<U> cleanup(Cleanup<U> cleanup) {
            this.cleanup = Objects.requireNonNull(cleanup, "cleanup");
            return this;
        }

        /**
         * Builds the arguments.
         *
         * @return the arguments
         */
        public TaskArgs<U> build() {
            return new TaskArgs<>(this);
        }
    }
}
