package io.lws4j.internal.observe;

import io.lws4j.Context;
import io.lws4j.threadpool.CreateArgs;
import io.lws4j.threadpool.ThreadPool;
import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Run by {@link JmxRegistrationTest} in a fresh JVM: builds a context and a pool with JMX
 * on and reports, one fact per line, whether the build started the platform MBean server
 * and when the beans appear and go.
 */
public final class BackgroundRegistrationMain {
    private BackgroundRegistrationMain() {
    }

    /**
     * Runs the check.
     *
     * @param args none
     * @throws Exception on a failure, which the test sees as a non-zero exit
     */
    public static void main(String[] args) throws Exception {
        Context ctx;
        ThreadPool pool;
        // getPlatformMBeanServer is synchronized on the class: holding it keeps the
        // background registrar from starting the server, while this thread still could
        synchronized (ManagementFactory.class) {
            ctx = Context.builder().name("background").noListener().build();
            pool = ThreadPool.create(ctx, new CreateArgs(1, 1), "bg-pool");
            System.out.println("server running after build: "
                    + JmxRegistration.platformServerRunning());
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName context = new ObjectName("io.lws4j:type=Context,name=background");
        ObjectName poolName = new ObjectName(
                "io.lws4j:type=ThreadPool,context=background,name=bg-pool");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!server.isRegistered(poolName) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        System.out.println("context registered: " + server.isRegistered(context));
        System.out.println("pool registered: " + server.isRegistered(poolName));
        pool.destroy();
        ctx.close();
        System.out.println("registered after close: "
                + (server.isRegistered(context) || server.isRegistered(poolName)));
    }
}
