package io.lws4j.internal.conn;

/**
 * The idle timeout and ping interval of a websocket connection as arithmetic on
 * {@code System.nanoTime()} values: when to look next, and what is due then. The connection
 * keeps the clock readings (last byte received, last ping sent) and the timer.
 *
 * <p>Thread-safe: immutable.
 */
public final class Liveness {
    /** What a liveness check finds due. */
    enum Due {
        /** Nothing: look again at {@link #nextCheck}. */
        NOTHING,
        /** Nothing received for the idle timeout: close (1001). */
        IDLE_CLOSE,
        /** Quiet for the ping interval and no ping sent in it: send one. */
        PING
    }

    private final long idleNanos;
    private final long pingNanos;

    /**
     * @param idleNanos the idle timeout, 0 for none
     * @param pingNanos the ping interval, 0 for none
     */
    public Liveness(long idleNanos, long pingNanos) {
        this.idleNanos = idleNanos;
        this.pingNanos = pingNanos;
    }

    /**
     * @param nanos the idle timeout, 0 for none
     * @return this liveness with another idle timeout (a connection's override)
     */
    Liveness withIdleNanos(long nanos) {
        return new Liveness(nanos, pingNanos);
    }

    /**
     * @param nanos the ping interval, 0 for none
     * @return this liveness with another ping interval (a connection's override)
     */
    Liveness withPingNanos(long nanos) {
        return new Liveness(idleNanos, nanos);
    }

    /** @return false when neither an idle timeout nor pings are configured */
    boolean isEnabled() {
        return idleNanos > 0 || pingNanos > 0;
    }

    /**
     * @param lastReceiveNanos when the peer last sent anything
     * @param lastPingNanos when we last sent a ping (or the connection opened)
     * @return the nanoTime of the earliest thing that can fall due; only when enabled
     */
    long nextCheck(long lastReceiveNanos, long lastPingNanos) {
        assert isEnabled();
        long idleAt = lastReceiveNanos + idleNanos;
        long pingAt = Math.max(lastReceiveNanos, lastPingNanos) + pingNanos;
        if (pingNanos <= 0) {
            return idleAt;
        }
        if (idleNanos <= 0) {
            return pingAt;
        }
        return pingAt - idleAt < 0 ? pingAt : idleAt;
    }

    /**
     * @param now the current nanoTime
     * @param lastReceiveNanos when the peer last sent anything
     * @param lastPingNanos when we last sent a ping (or the connection opened)
     * @return what is due now; the idle timeout wins over a ping
     */
    Due check(long now, long lastReceiveNanos, long lastPingNanos) {
        if (idleNanos > 0 && now - lastReceiveNanos >= idleNanos) {
            return Due.IDLE_CLOSE;
        }
        if (pingNanos > 0 && now - lastReceiveNanos >= pingNanos
                && now - lastPingNanos >= pingNanos) {
            return Due.PING;
        }
        return Due.NOTHING;
    }
}
