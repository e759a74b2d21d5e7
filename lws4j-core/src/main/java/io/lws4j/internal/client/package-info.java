/** Client connect machinery: name lookup, TCP connect, the client side of the handshake. */
package io.lws4j.internal.client;
