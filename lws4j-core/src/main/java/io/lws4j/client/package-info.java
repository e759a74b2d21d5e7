/**
 * Websocket clients: {@link io.lws4j.client.WebSocketClient#connect} opens a {@code ws://}
 * or {@code wss://} connection served by a context's service loop with the same
 * {@link io.lws4j.Protocol} callbacks as a server connection.
 */
package io.lws4j.client;
