package io.lws4j.internal.observe;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code lws4j.HandshakeRefused}: A websocket upgrade request was refused.
 *
 * <p>Threading: made and committed on one thread, the one doing the work it describes.
 */
@Enabled(false) // off unless a recording's settings enable it, so a default recording holds none
@Name("lws4j.HandshakeRefused")
@Label("Handshake Refused")
@Category({"lws4j", "Connection"})
@Description("A websocket upgrade request was refused.")
@StackTrace(false)
public final class HandshakeRefusedEvent extends Event {
    /** The peer address. */
    @Label("Remote Address")
    public String remoteAddress;
    /** The HTTP status of the refusal. */
    @Label("Status")
    public int status;
    /** Why: bad-request, no-endpoint, origin, same-origin, hook or timeout. */
    @Label("Reason")
    public String reason;
}
