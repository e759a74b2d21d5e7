package io.lws4j.internal.loop;

import io.lws4j.Cancellable;
import io.lws4j.Context;
import java.time.Duration;

/**
 * The running context: listening socket, service loops, shutdown. (Skeleton: the service
 * loop issue fills this in.)
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class ContextImpl implements Context {

    private ContextImpl() {
    }

    /**
     * Binds and starts a context.
     *
     * @param config the validated settings
     * @return the running context
     */
    public static ContextImpl start(ContextConfig config) {
        throw new UnsupportedOperationException("service loop not built yet");
    }

    /**
     * Registers something to close while the context closes, after its connections have
     * closed and before its loops stop (the threadpools created on the context).
     *
     * @param resource what to close
     * @return false when the context is already closing (the resource is not registered)
     */
    public boolean addCloseable(AutoCloseable resource) {
        throw new UnsupportedOperationException();
    }

    /**
     * Removes a resource registered by {@link #addCloseable}.
     *
     * @param resource the resource, compared by identity
     */
    public void removeCloseable(AutoCloseable resource) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int port() {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean execute(Runnable command) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable action) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean isClosed() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException();
    }
}
