package io.lws4j.internal.observe;

import java.lang.management.ManagementFactory;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * Registers MXBeans in the platform MBean server under {@code io.lws4j} names. A failure
 * (no platform server, a security manager's refusal) is logged and leaves the object
 * unregistered: observability never stops a context or a pool from working.
 *
 * <p>Thread-safe: stateless; the MBean server is thread-safe.
 */
public final class Jmx {
    /** The ObjectName domain of every lws4j MBean. */
    public static final String DOMAIN = "io.lws4j";
    private static final System.Logger LOG = System.getLogger(Jmx.class.getName());

    private Jmx() {
    }

    /**
     * Quotes an ObjectName key value when it needs it.
     *
     * @param value a context or pool name
     * @return the value as it may appear in an ObjectName
     */
    public static String value(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ',' || c == '=' || c == ':' || c == '"' || c == '*' || c == '?'
                    || c == '\n' || c == '\\') {
                return ObjectName.quote(value);
            }
        }
        return value.isEmpty() ? ObjectName.quote(value) : value;
    }

    /**
     * Registers {@code bean} as an MXBean under {@code io.lws4j:<keys>}, or
     * {@code io.lws4j:<keys>,instance=<n>} with the lowest n from 2 that is free when the
     * name is taken.
     *
     * @param <T> the MXBean interface
     * @param keys the key properties, such as {@code type=Context,name=7681}
     * @param type the MXBean interface
     * @param bean its implementation
     * @return the name it was registered under, or null when it could not be
     */
    public static <T> ObjectName register(String keys, Class<T> type, T bean) {
        MBeanServer server;
        try {
            server = ManagementFactory.getPlatformMBeanServer();
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.WARNING, "no platform MBean server; " + keys
                    + " is not registered", e);
            return null;
        }
        for (int instance = 1; instance < 1000; instance++) {
            String name = DOMAIN + ":" + keys + (instance == 1 ? "" : ",instance=" + instance);
            try {
                ObjectName objectName = new ObjectName(name);
                server.registerMBean(new StandardMBean(bean, type, true), objectName);
                return objectName;
            } catch (InstanceAlreadyExistsException e) {
                // try the next instance number
            } catch (JMException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot register the MBean " + name, e);
                return null;
            }
        }
        LOG.log(System.Logger.Level.WARNING, "too many MBeans named " + keys);
        return null;
    }

    /**
     * Unregisters a name {@link #register} returned; null and names already gone are
     * ignored.
     *
     * @param name the name
     */
    public static void unregister(ObjectName name) {
        if (name == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (InstanceNotFoundException e) {
            // already gone
        } catch (JMException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot unregister the MBean " + name, e);
        }
    }
}
