package io.lws4j.internal.observe;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * JFR event {@code lws4j.LoopStall}: A service loop cycle worked longer than the stall threshold without returning to select.
 *
 * <p>Threading: made and committed on one thread, the one doing the work it describes.
 */
@Enabled(false) // off unless a recording's settings enable it, so a default recording holds none
@Name("lws4j.LoopStall")
@Label("Loop Stall")
@Category({"lws4j", "Service Loop"})
@Description("A service loop cycle worked longer than the stall threshold without returning to select.")
@StackTrace(false)
public final class LoopStallEvent extends Event {
    /** The loop thread name. */
    @Label("Loop")
    public String loop;
    /** How long the cycle worked. */
    @Label("Work Time")
    @Timespan(Timespan.NANOSECONDS)
    public long workTime;
}
