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
 * JFR event {@code lws4j.TaskEnded}: A task ended on its worker; the event spans its time on the worker.
 *
 * <p>Threading: made and committed on one thread, the one doing the work it describes.
 */
@Enabled(false) // off unless a recording's settings enable it, so a default recording holds none
@Name("lws4j.TaskEnded")
@Label("Task Ended")
@Category({"lws4j", "Thread Pool"})
@Description("A task ended on its worker; the event spans its time on the worker.")
@StackTrace(false)
public final class TaskEndedEvent extends Event {
    /** The pool name. */
    @Label("Pool")
    public String pool;
    /** The task name. */
    @Label("Task")
    public String task;
    /** FINISHED or STOPPED. */
    @Label("Outcome")
    public String outcome;
    /** Whether the task function threw. */
    @Label("Failed")
    public boolean failed;
    /** Time spent in the task function. */
    @Label("Run Time")
    @Timespan(Timespan.NANOSECONDS)
    public long runTime;
    /** Time spent waiting for SYNC acknowledgements. */
    @Label("Sync Time")
    @Timespan(Timespan.NANOSECONDS)
    public long syncTime;
}
