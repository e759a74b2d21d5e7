package io.lws4j.examples.threadpool;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Consumer;

/**
 * Catches SIGINT and SIGTERM so the demo can shut down in order and exit with status 0.
 *
 * <p>A plain shutdown hook would run the same clean-up, but the JVM then exits with
 * 128 + signal. {@code sun.misc.Signal} (module {@code jdk.unsupported}) replaces the
 * default handler instead; it is reached reflectively because javac cannot be told to
 * accept its "internal proprietary API" warning under {@code -Werror}. When it is not
 * available, {@link #install} returns false and the caller relies on its shutdown hook.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
final class Signals {
    private Signals() {
    }

    /**
     * Installs {@code onSignal} for INT and TERM; it is called with the signal's name ("INT",
     * "TERM") on a JVM signal thread.
     *
     * @param onSignal what to do; must return quickly
     * @return true when both handlers were installed
     */
    static boolean install(Consumer<String> onSignal) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Method getName = signalClass.getMethod("getName");
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            InvocationHandler ih = (proxy, method, args) -> {
                switch (method.getName()) {
                    case "handle" -> {
                        onSignal.accept((String) getName.invoke(args[0]));
                        return null;
                    }
                    case "hashCode" -> {
                        return System.identityHashCode(proxy);
                    }
                    case "equals" -> {
                        return proxy == args[0];
                    }
                    case "toString" -> {
                        return "demo signal handler";
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                }
            };
            Object handler = Proxy.newProxyInstance(Signals.class.getClassLoader(),
                    new Class<?>[] {handlerClass}, ih);
            for (String name : new String[] {"INT", "TERM"}) {
                Object signal = signalClass.getConstructor(String.class).newInstance(name);
                handle.invoke(null, signal, handler);
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }
}
