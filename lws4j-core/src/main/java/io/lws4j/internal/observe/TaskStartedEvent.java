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
 * JFR event {@code lws4j.TaskStarted}: A worker took a task from the queue.
 *
 * <p>Threading: made and committed on one thread, the one doing the work it describes.
 */
@Enabled(false) // off unless a recording's settings enable it, so a default recording holds none
@Name("lws4j.TaskStarted")
@Label("Task Started")
@Category({"lws4j", "Thread Pool"})
@Description("A worker took a task from the queue.")
@StackTrace(false)
public final class TaskStartedEvent extends Event {
    /** The pool name. */
    @Label("Pool")
    public String pool;
    /** The task name. */
    @Label("Task")
    public String task;
    /** How long the task waited in the queue. */
    @Label("Queued")
    @Timespan(Timespan.NANOSECONDS)
    public long queued;
}
