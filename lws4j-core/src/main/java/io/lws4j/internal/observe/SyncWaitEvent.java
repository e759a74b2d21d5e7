package io.lws4j.internal.observe;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code lws4j.SyncWait}: A task waited for the acknowledgement of its SYNC, or a stop; the event spans the wait. A SYNC its own worker answered on a loop lent to it did not wait and is not reported.
 *
 * <p>Threading: made and committed on one thread, the one doing the work it describes.
 */
@Enabled(false) // off unless a recording's settings enable it, so a default recording holds none
@Name("lws4j.SyncWait")
@Label("SYNC Wait")
@Category({"lws4j", "Thread Pool"})
@Description("A task waited for the acknowledgement of its SYNC, or a stop; the event spans the wait. A SYNC its own worker answered on a loop lent to it did not wait and is not reported.")
@StackTrace(false)
public final class SyncWaitEvent extends Event {
    /** The pool name. */
    @Label("Pool")
    public String pool;
    /** The task name. */
    @Label("Task")
    public String task;
    /** False when the wait ended by a stop or by running out of the sync budget. */
    @Label("Acknowledged")
    public boolean acknowledged;
}
