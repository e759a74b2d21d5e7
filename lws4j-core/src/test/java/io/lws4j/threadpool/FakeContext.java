package io.lws4j.threadpool;

import io.lws4j.Cancellable;
import io.lws4j.Context;
import java.time.Duration;

/**
 * A context that is not lws4j's own, so pools created on it register nowhere.
 *
 * <p>Thread-safe: immutable.
 */
final class FakeContext implements Context {
    static final FakeContext INSTANCE = new FakeContext();

    @Override
    public int port() {
        return 0;
    }

    @Override
    public boolean execute(Runnable command) {
        return false;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable action) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean isClosed() {
        return false;
    }

    @Override
    public void close() {
    }
}
