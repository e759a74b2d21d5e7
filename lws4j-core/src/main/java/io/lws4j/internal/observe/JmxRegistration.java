package io.lws4j.internal.observe;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

/**
 * One MXBean's registration in the platform MBean server, made at once when that server is
 * already running and otherwise on a background thread.
 *
 * <p>Why: the platform MBean server starts on its first use, and that start (registering
 * the JDK's own MXBeans) costs about as much as the rest of a context's start. An
 * application that already uses JMX (an agent, a framework, a JMX exporter, a call to
 * {@code ManagementFactory.getPlatformMBeanServer()} before the build) pays nothing more and
 * sees the bean registered when {@link #register} returns; one that does not gets its
 * context started without that cost, and the bean registered moments later by the
 * {@code lws4j-jmx} thread. Registrations made in the background run one at a time in the
 * order they were asked for, and one asked for while any is still queued queues too, so a
 * pool's bean never appears before its context's.
 *
 * <p>States: PENDING (asked, not yet run; only in the background) -> REGISTERED (name
 * non-null) or FAILED (the server refused; logged by {@link Jmx}) or CANCELLED
 * ({@link #unregister} before it ran, which then does nothing); REGISTERED -> CANCELLED
 * ({@link #unregister}). Every transition holds this object's monitor, so an
 * {@link #unregister} that races the background registration waits for it and then
 * removes the bean: a bean is never left registered after {@code unregister} returns.
 *
 * <p>Thread-safe. Memory consistency effects: actions before {@link #register} happen-before
 * the bean's registration, and the registration happens-before {@link #unregister} returns.
 */
public final class JmxRegistration {
    /**
     * The background registrar: one daemon thread, started on demand, gone when idle. Its
     * queue is unbounded but fed only by contexts and pools being created, never by a peer.
     */
    private static final Executor BACKGROUND = background();
    /**
     * Registrations handed to {@link #BACKGROUND} and not yet run: while any is, later ones
     * queue behind it, so that none overtakes an earlier one by running at once.
     */
    private static final AtomicInteger QUEUED = new AtomicInteger();

    private final String keys;
    private ObjectName name;
    private boolean done;

    private JmxRegistration(String keys) {
        this.keys = keys;
    }

    /**
     * Registers {@code bean} under {@code io.lws4j:<keys>} ({@link Jmx#register}): now when
     * the platform MBean server is running, else on the background thread.
     *
     * @param <T> the MXBean interface
     * @param keys the key properties, such as {@code type=Context,name=7681}
     * @param type the MXBean interface
     * @param bean its implementation
     * @return the registration, to {@link #unregister} when the object closes
     */
    public static <T> JmxRegistration register(String keys, Class<T> type, T bean) {
        if (QUEUED.get() == 0 && platformServerRunning()) {
            return register(keys, type, bean, Runnable::run);
        }
        QUEUED.incrementAndGet();
        return register(keys, type, bean, command -> BACKGROUND.execute(() -> {
            try {
                command.run();
            } finally {
                QUEUED.decrementAndGet();
            }
        }));
    }

    /**
     * {@link #register(String, Class, Object)} with the registration run by {@code executor}.
     *
     * @param <T> the MXBean interface
     * @param keys the key properties
     * @param type the MXBean interface
     * @param bean its implementation
     * @param executor runs the registration, now or later
     * @return the registration
     */
    static <T> JmxRegistration register(String keys, Class<T> type, T bean, Executor executor) {
        JmxRegistration registration = new JmxRegistration(keys);
        executor.execute(() -> registration.run(type, bean));
        return registration;
    }

    private synchronized <T> void run(Class<T> type, T bean) {
        if (done) {
            return; // unregistered before it ran
        }
        name = Jmx.register(keys, type, bean);
    }

    /**
     * The name the bean was registered under.
     *
     * @return the name, or null while the registration is pending, when it failed, or
     *     after {@link #unregister}
     */
    public synchronized ObjectName name() {
        return name;
    }

    /**
     * Removes the bean, or cancels its registration when it has not run yet; idempotent.
     * Waits for a registration running on the background thread.
     */
    public synchronized void unregister() {
        done = true;
        ObjectName registered = name;
        name = null;
        Jmx.unregister(registered);
    }

    /**
     * Whether the platform MBean server has been started: the factory lists every server
     * it made, the platform one among them, without starting any.
     *
     * @return true when some MBean server exists in this JVM
     */
    static boolean platformServerRunning() {
        List<MBeanServer> servers;
        try {
            servers = MBeanServerFactory.findMBeanServer(null);
        } catch (RuntimeException e) {
            return false;
        }
        return !servers.isEmpty();
    }

    private static Executor background() {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 2, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "lws4j-jmx");
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }
}
