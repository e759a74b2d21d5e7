/**
 * HTTP/1.1 for the server side: the request-head push parser ({@link
 * io.lws4j.internal.http.HttpRequestParser}), the RFC 6455 opening handshake ({@link
 * io.lws4j.internal.http.UpgradeHandshake}) and static files from mounted directories
 * ({@link io.lws4j.internal.http.StaticFiles}).
 *
 * <p>Scope: request heads only. Requests that announce a body are refused with 413, so
 * a connection never has to skip or buffer request content. Responses are built as one
 * ready-to-write head buffer, optionally followed by a file that the service loop streams;
 * nothing here does socket I/O or holds per-connection state beyond the parser.
 *
 * <p>How a connection uses it, on its service thread: feed received bytes to its
 * {@link io.lws4j.internal.http.HttpRequestParser} until a request comes out; a request
 * for which {@link io.lws4j.internal.http.UpgradeHandshake#isUpgradeRequest} holds goes to
 * {@link io.lws4j.internal.http.UpgradeHandshake#decide} (write the 101 and switch to
 * frames, or write the rejection and close), any other to
 * {@link io.lws4j.internal.http.StaticFiles#respond} (write the head, stream the file,
 * then {@code reset()} the parser for the next request or close, as
 * {@link io.lws4j.internal.http.HttpResponse#keepAlive()} says). A parser
 * {@link io.lws4j.internal.http.HttpException} is answered with
 * {@code StaticFiles.error(status, message, false)} and the connection closed.
 *
 * <p>Decisions taken here (and pinned by tests):
 * <ul>
 *   <li>A bare LF ends a line like CRLF does (RFC 9112 §2.2 allows it); a CR not followed by
 *       LF is a 400.</li>
 *   <li>Static files: a URL segment starting with '.' (other than {@code .well-known}) is
 *       never served and answers 404, so dot-files and dot-directories neither leak nor
 *       reveal that they exist.</li>
 *   <li>A directory URL without a trailing slash is redirected (301) to the slash form, so
 *       relative links inside its {@code index.html} resolve against the directory.</li>
 *   <li>Any {@code ..} segment, raw or percent-encoded, is refused with 403 before the
 *       file system is touched; conforming clients remove dot-segments before sending.</li>
 * </ul>
 *
 * <p>Internal: not exported from the module.
 */
package io.lws4j.internal.http;
