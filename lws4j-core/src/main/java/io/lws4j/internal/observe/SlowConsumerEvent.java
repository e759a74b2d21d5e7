package io.lws4j.internal.observe;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code lws4j.SlowConsumer}: A write was refused because the outbound buffer of its connection was full.
 *
 * <p>Threading: made and committed on one thread, the one doing the work it describes.
 */
@Enabled(false) // off unless a recording's settings enable it, so a default recording holds none
@Name("lws4j.SlowConsumer")
@Label("Slow Consumer")
@Category({"lws4j", "Connection"})
@Description("A write was refused because the outbound buffer of its connection was full.")
@StackTrace(false)
public final class SlowConsumerEvent extends Event {
    /** The peer address. */
    @Label("Remote Address")
    public String remoteAddress;
    /** Outbound data bytes queued when the write was refused. */
    @Label("Queued")
    @DataAmount
    public long queued;
    /** The size of the refused write (an upper bound for text). */
    @Label("Refused")
    @DataAmount
    public long refused;
    /** The outbound buffer bound. */
    @Label("Bound")
    @DataAmount
    public long bound;
}
