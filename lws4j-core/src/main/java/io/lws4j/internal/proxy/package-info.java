/**
 * Trusted proxies: who the client really is when the server sits behind a load balancer
 * or reverse proxy.
 *
 * <ul>
 *   <li>{@link io.lws4j.internal.proxy.CidrSet} holds the trusted addresses and ranges,
 *       parsed from literals only ({@link io.lws4j.internal.proxy.IpLiterals}); no DNS
 *       lookup ever happens here.</li>
 *   <li>{@link io.lws4j.internal.proxy.ProxyProtocolDecoder} reads a PROXY protocol v1 or
 *       v2 header at the start of a connection, incrementally, consuming nothing past it;
 *       a malformed header means the connection is dropped.</li>
 *   <li>{@link io.lws4j.internal.proxy.ForwardedHeaders} gives the effective client
 *       address and scheme from {@code Forwarded} or {@code X-Forwarded-For} and
 *       {@code X-Forwarded-Proto}, honoured only when the peer is trusted, walking hops
 *       from the right; garbage falls back to the nearest known address, never an
 *       exception.</li>
 * </ul>
 *
 * <p>How a connection uses them: on a listener with the PROXY protocol, the read path feeds
 * bytes to the decoder before the TLS engine or the HTTP parser and, once the header is
 * read, takes its source address as the peer (a LOCAL command or an address-less header
 * keeps the socket's peer). The upgrade path then resolves the request's forwarding headers
 * against that peer.
 *
 * <p>Internal: not exported from the module.
 */
package io.lws4j.internal.proxy;
