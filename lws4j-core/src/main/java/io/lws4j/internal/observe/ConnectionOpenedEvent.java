package io.lws4j.internal.observe;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code lws4j.ConnectionOpened}: A websocket connection was established.
 *
 * <p>Threading: made and committed on one thread, the one doing the work it describes.
 */
@Enabled(false) // off unless a recording's settings enable it, so a default recording holds none
@Name("lws4j.ConnectionOpened")
@Label("Connection Opened")
@Category({"lws4j", "Connection"})
@Description("A websocket connection was established.")
@StackTrace(false)
public final class ConnectionOpenedEvent extends Event {
    /** The peer address. */
    @Label("Remote Address")
    public String remoteAddress;
    /** The protocol serving the connection. */
    @Label("Protocol")
    public String protocol;
    /** Whether this side is the client. */
    @Label("Client")
    public boolean client;
}
