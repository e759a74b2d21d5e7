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
 * JFR event {@code lws4j.ConnectionClosed}: An established websocket connection closed.
 *
 * <p>Threading: made and committed on one thread, the one doing the work it describes.
 */
@Enabled(false) // off unless a recording's settings enable it, so a default recording holds none
@Name("lws4j.ConnectionClosed")
@Label("Connection Closed")
@Category({"lws4j", "Connection"})
@Description("An established websocket connection closed.")
@StackTrace(false)
public final class ConnectionClosedEvent extends Event {
    /** The peer address. */
    @Label("Remote Address")
    public String remoteAddress;
    /** The protocol serving the connection. */
    @Label("Protocol")
    public String protocol;
    /** The close code reported to onClosed. */
    @Label("Close Code")
    public int closeCode;
    /** The close reason, possibly empty. */
    @Label("Close Reason")
    public String closeReason;
    /** Bytes read from the transport. */
    @Label("Bytes In")
    @DataAmount
    public long bytesIn;
    /** Bytes written to the transport. */
    @Label("Bytes Out")
    @DataAmount
    public long bytesOut;
    /** Messages delivered to the protocol. */
    @Label("Messages In")
    public long messagesIn;
    /** Messages accepted by the write API. */
    @Label("Messages Out")
    public long messagesOut;
}
