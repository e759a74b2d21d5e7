/**
 * A chat server: rooms at {@code /chat/{room}?token=T}, tokens checked in the opening
 * handshake ({@link io.lws4j.Protocol#onHandshake}), refused with 401 before the upgrade,
 * any other websocket path answered 404, every message relayed to the members of its room
 * across service loops, and a small page at {@code /} to chat from a browser. Run by
 * {@link io.lws4j.examples.chat.ChatServer#main}; with {@code --lookup-delay-ms} the token is
 * looked up by a task on an lws4j {@link io.lws4j.threadpool.ThreadPool} worker and the
 * handshake decided from there, later.
 */
package io.lws4j.examples.chat;
