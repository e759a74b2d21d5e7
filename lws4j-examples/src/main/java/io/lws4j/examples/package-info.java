/**
 * Runnable lws4j servers: the threadpool demo (a port of libwebsockets'
 * minimal-ws-server-threadpool) and an echo server.
 */
package io.lws4j.examples;
