package io.lws4j.internal.observe;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code lws4j.TaskEnqueued}: A task was admitted to a thread pool's queue.
 *
 * <p>Threading: made and committed on one thread, the one doing the work it describes.
 */
@Enabled(false) // off unless a recording's settings enable it, so a default recording holds none
@Name("lws4j.TaskEnqueued")
@Label("Task Enqueued")
@Category({"lws4j", "Thread Pool"})
@Description("A task was admitted to a thread pool's queue.")
@StackTrace(false)
public final class TaskEnqueuedEvent extends Event {
    /** The pool name. */
    @Label("Pool")
    public String pool;
    /** The task name. */
    @Label("Task")
    public String task;
}
