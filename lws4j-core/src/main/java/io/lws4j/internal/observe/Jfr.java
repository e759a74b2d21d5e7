package io.lws4j.internal.observe;

import jdk.jfr.FlightRecorder;

/**
 * Whether the lws4j JFR events are worth making: only once Flight Recorder has been
 * initialized in this JVM (a recording started from the command line, by {@code jcmd} or
 * through the API). Until then no event class is touched, because loading the first
 * {@code jdk.jfr.Event} subclass initializes JFR's event machinery, which costs a process
 * that never records about as much start-up time as the rest of a small server's start.
 * Events of work that began before the first recording started are not reported.
 *
 * <p>Stateless and thread-safe: the flag is Flight Recorder's own, which only goes from false
 * to true; a stale read only drops an event at the moment recording starts.
 */
public final class Jfr {
    private Jfr() {
    }

    /** @return true once Flight Recorder is initialized, so events may be recorded */
    public static boolean on() {
        return FlightRecorder.isInitialized();
    }
}
