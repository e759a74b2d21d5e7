/** TLS (wss) over the service loop: the {@code SSLEngine} transport and its helpers. */
package io.lws4j.internal.tls;
