/**
 * Connections: {@link io.lws4j.internal.conn.ConnectionImpl} carries one TCP connection from
 * its HTTP request through the websocket upgrade, framing, flow control and the close
 * handshake, following the state machine in {@link io.lws4j.internal.conn.ConnectionState}.
 * Its outbound queue is bounded; control frames jump ahead of data without splitting a
 * frame.
 *
 * <p>Threading: a connection is confined to the service thread of the loop that owns it; the
 * {@link io.lws4j.internal.conn.ConnectionInternals} methods and the documented thread-safe
 * {@link io.lws4j.Connection} methods may be called from any thread.
 */
package io.lws4j.internal.conn;
