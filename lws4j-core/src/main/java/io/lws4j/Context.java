package io.lws4j;

import io.lws4j.internal.loop.ContextConfig;
import io.lws4j.internal.loop.ContextImpl;
import io.lws4j.internal.util.Args;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A websocket service context (libwebsockets' {@code lws_context}): a listening socket, one
 * or more service loops that own every connection's I/O and callbacks, the registered
 * protocols and the static file mounts.
 *
 * <pre>{@code
 * try (Context ctx = Context.builder()
 *         .bindAddress("127.0.0.1")
 *         .port(7681)
 *         .protocol("lws-minimal", new MyProtocol())
 *         .mount("/", Path.of("mount-origin"))
 *         .build()) {
 *     System.out.println("listening on " + ctx.port());
 *     ...
 * }
 * }</pre>
 *
 * <p>Instances are created by {@link Builder#build()}; applications do not implement this
 * interface.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public interface Context extends AutoCloseable {

    /**
     * The default {@link Builder#compressionThreshold(int) compression threshold}, in bytes:
     * outgoing messages shorter than this are not compressed.
     */
    int DEFAULT_COMPRESSION_THRESHOLD = 1024;

    /** The default {@link Builder#compressionLevel(int) compression level}: 1, zlib's fastest. */
    int DEFAULT_COMPRESSION_LEVEL = 1;

    /**
     * Starts a builder with the defaults documented on its setters.
     *
     * @return a new builder
     */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Thread-safe.
     *
     * @return the bound TCP port (useful after {@code port(0)}), -1 for a context built
     *     with {@link Builder#noListener()}
     */
    int port();

    /**
     * Runs {@code command} on a service thread of this context (loop 0).
     *
     * <p>Memory consistency effects: actions before {@code execute} happen-before the command
     * runs.
     *
     * @param command what to run
     * @return false when the context is closed and the command will not run
     */
    boolean execute(Runnable command);

    /**
     * Runs {@code action} on a service thread after {@code delay} (lws_sul_schedule).
     *
     * @param delay how long to wait, on a monotonic clock
     * @param action what to run
     * @return a handle that cancels the action
     */
    Cancellable schedule(Duration delay, Runnable action);

    /**
     * The open connections of a protocol, for iterating them from any thread. Thread-safe.
     *
     * @param protocolName a registered protocol's name; for client connections that agreed
     *     on no subprotocol, {@code ""}
     * @return a snapshot, in no particular order: a connection established or closed
     *     meanwhile may or may not be in it, and one in it may close at any time (its sends
     *     then fail with {@link ConnectionClosedException})
     */
    default java.util.List<Connection> connections(String protocolName) {
        throw new UnsupportedOperationException("connections is not supported by " + getClass());
    }

    /**
     * Sends one message to every open connection of a protocol, on every service loop
     * (a broadcast). The message was framed once ({@link OutboundMessage}); server
     * connections without permessage-deflate queue views of that one frame, so the payload
     * is not copied per recipient; compressing connections compress their own copy.
     *
     * <p>A recipient whose outbound queue is over its bound
     * ({@link Builder#maxOutboundBytes(int)}) is a slow consumer: {@code slowConsumers} says
     * whether it is skipped ({@link SendOverflow#FAIL}) or closed with 1008 or 1013. The
     * others get the message however slow one of them is. Thread-safe.
     *
     * @param protocolName a registered protocol's name
     * @param message the message
     * @param slowConsumers what happens to a recipient over its bound
     * @return a stage completed once every recipient's service thread queued the message,
     *     or it was refused or the recipient was closed (the stage does not wait for slow
     *     sockets); never exceptionally
     */
    default java.util.concurrent.CompletionStage<BroadcastResult> broadcast(String protocolName,
            OutboundMessage message, SendOverflow slowConsumers) {
        throw new UnsupportedOperationException("broadcast is not supported by " + getClass());
    }

    /**
     * Asks for one {@link Protocol#onWritable} call on every open connection of a protocol
     * (lws_callback_on_writable_all_protocol), each on its own service thread, as
     * {@link Connection#callbackOnWritable()} does. Thread-safe.
     *
     * @param protocolName a registered protocol's name
     */
    default void callbackOnWritableAll(String protocolName) {
        throw new UnsupportedOperationException("callbackOnWritableAll is not supported by "
                + getClass());
    }

    /**
     * Thread-safe.
     *
     * @return true once {@link #close()} has started
     */
    boolean isClosed();

    /**
     * The context's figures (connections, handshakes refused, bytes and messages, close
     * codes, outbound backlog, loop stalls): the view registered as its JMX MBean, readable
     * without JMX. Thread-safe.
     *
     * <p>The default implementation, for contexts that are not lws4j's own (test doubles),
     * throws; every context {@link Builder#build()} makes overrides it.
     *
     * @return a live view; each getter reads the current figures
     * @throws UnsupportedOperationException for a context not built by {@link Builder}
     */
    default ContextMXBean statistics() {
        throw new UnsupportedOperationException("not an lws4j context: " + this);
    }

    /**
     * Starts a graceful drain, for a rolling restart or a SIGTERM, and returns at once: new
     * websocket upgrades get {@code 503} with {@code Retry-After: 1} (plain HTTP is still
     * served, each connection closing after its response); every open connection gets
     * {@link Protocol#onDrain} on its service thread, where its protocol may send a final
     * message or close it; every {@code ThreadPool} created on this context is finished, so
     * running tasks get {@code STOPPING}. When every connection has closed, or at the latest
     * at {@code deadline}, the context {@link #close() closes}. A second {@code drain}, or a
     * {@code close()}, closes at once; a drain of a closing context returns that close's stage.
     * The guide's "Draining" section has a shutdown hook.
     * Thread-safe; may be called on a service thread (the waiting happens on
     * {@code lws4j-drain}).
     *
     * @param deadline how long connections are given to finish before they are sent 1001;
     *     zero closes at once
     * @return completed when the context has closed (as {@link #close()} returns)
     * @throws IllegalArgumentException when the deadline is negative
     */
    default java.util.concurrent.CompletionStage<Void> drain(Duration deadline) {
        Args.notNegative(deadline, "deadline");
        close(); // a context that is not lws4j's own has no drain: it closes at once
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    /**
     * @return true from the start of a {@link #drain} and while the context then closes;
     *     thread-safe
     */
    default boolean isDraining() {
        return false;
    }

    /**
     * Closes the context (lws_context_destroy): every connection is closed with {@link
     * CloseCodes#GOING_AWAY}, every protocol gets {@link Protocol#onDestroy}, thread pools created
     * on this context are finished and destroyed, the service loops stop and their threads are
     * joined. Idempotent; may be called from any thread, a service thread included.
     *
     * <p>Order: connections get their close frame and a bounded time (about 2 s) to finish
     * the close handshake, then are dropped; close hooks and {@link Protocol#onClosed} run
     * for each on its service thread; then the thread pools close (the loops still run, so
     * pool cleanups may use them); then {@link Protocol#onDestroy}; then the loops stop.
     *
     * <p>Called on a thread that is not one of this context's service threads, it returns
     * when all of that is done (a second caller waits for the first). Called on a service
     * thread, which cannot wait for its own loop, it starts the sequence on a new thread and
     * returns at once; {@link #isClosed()} is true from then on.
     */
    @Override
    void close();

    /**
     * Collects the settings of a {@link Context}. The builder itself is not thread-safe.
     *
     * <p>Not thread-safe: instances must not be shared.
     */
    final class Builder {
        private InetAddress bindAddress;
        private int port = 7681;
        private int serviceThreads = 1;
        private final Map<String, Protocol> protocols = new LinkedHashMap<>();
        private final List<ContextConfig.Mount> mounts = new ArrayList<>();
        private int maxMessageSize = 16 * 1024 * 1024 + 1024;
        private int maxOutboundBytes = 1 << 20;
        private SendOverflow sendOverflow = SendOverflow.FAIL;
        private int maxHttpHeadBytes = 8192;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration idleTimeout = Duration.ZERO;
        private Duration pingInterval = Duration.ZERO;
        private Predicate<String> originCheck;
        private javax.net.ssl.SSLContext tls;
        private boolean listen = true;
        private boolean permessageDeflate = true;
        private int compressionThreshold = DEFAULT_COMPRESSION_THRESHOLD;
        private long compressionMemoryLimit = io.lws4j.internal.deflate.ZlibPool.DEFAULT_LIMIT_BYTES;
        private int compressionLevel = DEFAULT_COMPRESSION_LEVEL;
        private int maxConnections = 16_384;
        private final Map<String, List<String>> pathBindings = new LinkedHashMap<>();
        private final java.util.Set<String> sameOrigin = new java.util.HashSet<>();
        private boolean lendIdleLoops = true;
        private TrustedProxies trustedProxies = TrustedProxies.none();
        private boolean proxyProtocol;
        private final Map<String, HttpHandler> httpHandlers = new LinkedHashMap<>();
        private int maxHttpBodyBytes = io.lws4j.internal.http.HttpRoutes.DEFAULT_MAX_BODY_BYTES;
        private int maxQueryParameters = io.lws4j.internal.http.HttpLimits.DEFAULTS.maxQueryParameters();
        private int maxCookies = io.lws4j.internal.http.HttpLimits.DEFAULTS.maxCookies();
        private Duration httpSendTimeout = io.lws4j.internal.http.HttpLimits.DEFAULT_SEND_TIMEOUT;
        private String name;
        private boolean jmx = true;

        Builder() {
        }

        /**
         * Binds a registered protocol to a path, so that upgrades are routed by path as well
         * as by subprotocol (Jetty's upgrade mappings, Node {@code ws}'s {@code path}).
         * {@code pattern} is an exact path ({@code /report}) or a prefix ending in
         * {@code /*} ({@code /chat/*} serves {@code /chat} and every path under
         * {@code /chat/}; {@code /*} serves every path). Matching uses the decoded path
         * ({@link Request#path()}); exact wins, then the longer prefix. Several protocols may
         * share a pattern: the subprotocol rules choose among them (the first bound serves
         * clients that offer none). Once any path is bound, other paths get 404. Default: no
         * binding, every path is served by the subprotocol rules alone.
         *
         * @param pattern an exact path or a {@code /*} prefix
         * @param protocolName the name of a protocol registered with {@link #protocol}
         *     (before or after this call)
         * @return this builder
         * @throws IllegalArgumentException for a malformed pattern or a protocol bound twice
         *     to it
         */
        public Builder bindPath(String pattern, String protocolName) {
            Objects.requireNonNull(protocolName, "protocolName");
            io.lws4j.internal.http.Endpoints.checkPattern(Objects.requireNonNull(pattern, "pattern"));
            List<String> names = pathBindings.computeIfAbsent(pattern, k -> new ArrayList<>());
            if (names.contains(protocolName)) {
                throw new IllegalArgumentException(protocolName + " is bound twice to " + pattern);
            }
            names.add(protocolName);
            return this;
        }

        /**
         * Serves plain HTTP requests to a path with a handler (lws {@code LWS_CALLBACK_HTTP}
         * on a mount whose origin protocol is {@code LWSMPRO_CALLBACK}), beside the static
         * {@link #mount}s: {@code /health}, a small JSON API, {@code /metrics}. The pattern
         * is matched as in {@link #bindPath} (an exact path or a {@code /*} prefix, against
         * the decoded path; exact wins, then the longest prefix). A websocket upgrade request
         * always goes to the websocket paths; any other request to the matching handler, else
         * to the mounts. GET, HEAD and POST reach the handler with the body read (bounded by
         * {@link #maxHttpBodyBytes}); the user guide's "Context" section has every status.
         *
         * @param pattern an exact path or a {@code /*} prefix
         * @param handler called on the service thread for each request to the path
         * @return this builder
         * @throws IllegalArgumentException for a malformed pattern, or one already handled
         */
        public Builder http(String pattern, HttpHandler handler) {
            Objects.requireNonNull(handler, "handler");
            Objects.requireNonNull(pattern, "pattern");
            io.lws4j.internal.http.Endpoints.checkPattern(pattern);
            if (httpHandlers.putIfAbsent(pattern, handler) != null) {
                throw new IllegalArgumentException("a handler is registered for " + pattern);
            }
            return this;
        }

        /**
         * The largest request body read for an {@link #http} handler; a longer one is
         * refused with {@code 413} before any of it is read. Default 1 MiB.
         *
         * @param bytes at least 0 (0 accepts no body)
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Builder maxHttpBodyBytes(int bytes) {
            this.maxHttpBodyBytes = Args.atLeast(bytes, 0, "maxHttpBodyBytes");
            return this;
        }

        /**
         * The most query parameters ({@code a=1&b=2} pairs) a request may carry, websocket
         * upgrade or HTTP; a request with more is refused with {@code 400} before any
         * handshake hook or handler sees it. The count bounds the memory of the parsed
         * parameters; the text itself is bounded by {@link #maxHttpHeadBytes}. Default 256.
         *
         * @param count at least 0 (0 refuses every request with a query parameter)
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Builder maxQueryParameters(int count) {
            this.maxQueryParameters = Args.atLeast(count, 0, "maxQueryParameters");
            return this;
        }

        /**
         * The most cookies (name=value pairs over all {@code Cookie} fields) a request may
         * carry, websocket upgrade or HTTP; a request with more is refused with {@code 431}
         * before any handshake hook or handler sees it. The text itself is bounded by
         * {@link #maxHttpHeadBytes}. Default 128.
         *
         * @param count at least 0 (0 refuses every request with a cookie)
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Builder maxCookies(int count) {
            this.maxCookies = Args.atLeast(count, 0, "maxCookies");
            return this;
        }

        /**
         * How long an HTTP response (a static file, a handler's complete or streamed response, an
         * error) may have bytes waiting to be written while the peer takes none of them; then the
         * connection closes, and a streamed response's writer sees the exchange closed. A peer
         * that stops reading a large body cannot hold a connection, its buffers and a streaming
         * writer forever. The clock restarts at every write that makes progress, and does not run
         * while nothing waits (a handler still preparing its response is bounded by {@link
         * #handshakeTimeout} instead). Websocket connections are not affected: their output is
         * bounded by {@link #maxOutboundBytes} and {@link #idleTimeout}. Default 30 s.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder httpSendTimeout(Duration timeout) {
            this.httpSendTimeout = Args.positive(timeout, "httpSendTimeout");
            return this;
        }

        /**
         * Refuses (403), before {@link Protocol#onHandshake}, every upgrade to the named
         * protocol that does not come from a page of this server
         * ({@link Request#isSameOrigin()}: one Origin, matching the Host). This is the
         * defence against cross-site websocket hijacking that an endpoint authenticating
         * with cookies needs: browsers send cookies with a cross-site upgrade. Non-browser
         * clients that send no Origin are refused too. For a list of allowed origins, use
         * {@link Request#isOriginAllowed} in the hook, or {@link #originCheck}.
         *
         * @param protocolName the name of a protocol registered with {@link #protocol}
         * @return this builder
         */
        public Builder requireSameOrigin(String protocolName) {
            sameOrigin.add(Objects.requireNonNull(protocolName, "protocolName"));
            return this;
        }

        /**
         * The context's name in its JMX ObjectName ({@code io.lws4j:type=Context,name=<name>})
         * and in its pools' ({@code context=<name>}); see {@link ContextMXBean}. Default: the
         * bound port, or {@code client-<n>} for a context without a listener.
         *
         * @param name a non-empty name
         * @return this builder
         */
        public Builder name(String name) {
            if (Objects.requireNonNull(name, "name").isEmpty()) {
                throw new IllegalArgumentException("name must not be empty");
            }
            this.name = name;
            return this;
        }

        /**
         * Whether {@link #build()} registers the context's {@link ContextMXBean}, and
         * {@link io.lws4j.threadpool.ThreadPool#create} each of its pools'
         * {@link io.lws4j.threadpool.ThreadPoolMXBean}, in the platform MBean server, so that
         * JConsole, JMC or a JMX exporter can read them. Off, nothing is registered;
         * {@link Context#statistics()} and {@code ThreadPool.statistics()} still work. The
         * counters behind them are kept either way (they cost a few plain writes per read,
         * write and message). The registration is done at once when the platform MBean
         * server is already running, else in the background (see {@link ContextMXBean}).
         * Default true.
         *
         * @param enabled false to register no MBean
         * @return this builder
         */
        public Builder jmx(boolean enabled) {
            this.jmx = enabled;
            return this;
        }

        /**
         * The address to listen on; default: all interfaces.
         *
         * @param host a host name or literal address
         * @return this builder
         * @throws IllegalArgumentException when the host cannot be resolved
         */
        public Builder bindAddress(String host) {
            Objects.requireNonNull(host, "host");
            try {
                this.bindAddress = InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("unknown bind address: " + host, e);
            }
            return this;
        }

        /**
         * The TCP port; default 7681, 0 for an ephemeral port ({@link Context#port()} tells it).
         *
         * @param port 0 to 65535
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * How many service loops (lws {@code count_threads}); default 1. Each is one thread;
         * accepted connections are spread over them and stay on theirs for life.
         *
         * @param count at least 1
         * @return this builder
         */
        public Builder serviceThreads(int count) {
            this.serviceThreads = Args.atLeast(count, 1, "serviceThreads");
            return this;
        }

        /**
         * Registers a protocol by its Sec-WebSocket-Protocol name. The first registered
         * protocol serves clients that offer none of the registered names.
         *
         * @param name the subprotocol name (an RFC 7230 token)
         * @param protocol its callbacks
         * @return this builder
         */
        public Builder protocol(String name, Protocol protocol) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(protocol, "protocol");
            if (!Args.isToken(name)) {
                throw new IllegalArgumentException("protocol name is not a token: " + name);
            }
            if (protocols.putIfAbsent(name, protocol) != null) {
                throw new IllegalArgumentException("protocol registered twice: " + name);
            }
            return this;
        }

        /**
         * Serves the files under {@code directory} for GET and HEAD requests whose path starts
         * with {@code urlPrefix}; a directory request serves its {@code index.html}.
         *
         * @param urlPrefix an absolute URL path such as "/" or "/static/"
         * @param directory an existing directory
         * @return this builder
         */
        public Builder mount(String urlPrefix, Path directory) {
            Objects.requireNonNull(urlPrefix, "urlPrefix");
            Objects.requireNonNull(directory, "directory");
            if (!urlPrefix.startsWith("/")) {
                throw new IllegalArgumentException("mount prefix must start with '/': " + urlPrefix);
            }
            mounts.add(new ContextConfig.Mount(urlPrefix, directory));
            return this;
        }

        /**
         * The largest message accepted, whole after reassembly; larger ones close the
         * connection with {@link CloseCodes#MESSAGE_TOO_BIG}. Default 16 MiB + 1 KiB.
         *
         * @param bytes at least 125
         * @return this builder
         */
        public Builder maxMessageSize(int bytes) {
            this.maxMessageSize = Args.atLeast(bytes, 125, "maxMessageSize");
            return this;
        }

        /**
         * What a send from any thread ({@link Connection#sendText} and its kin) does when
         * the connection's outbound queue is over {@link #maxOutboundBytes(int)}: fail the
         * send, or fail it and close the slow consumer with 1008 or 1013. The service
         * thread's {@code writeText}/{@code writeBinary} are not affected (they return
         * false). Default {@link SendOverflow#FAIL}.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder sendOverflow(SendOverflow policy) {
            this.sendOverflow = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * The per-connection outbound buffer: writes that would take it past this many bytes
         * return false, and sends from other threads are refused as
         * {@link #sendOverflow(SendOverflow)} says. Default 1 MiB.
         *
         * @param bytes at least 1024
         * @return this builder
         */
        public Builder maxOutboundBytes(int bytes) {
            this.maxOutboundBytes = Args.atLeast(bytes, 1024, "maxOutboundBytes");
            return this;
        }

        /**
         * The most connections open at once, accepted and client ones together (a lingering close
         * still holds its socket and counts). At this count the listener stops accepting: further
         * TCP connections wait in the kernel's accept backlog (1024) until one closes, so a crowd
         * of peers cannot make the server hold unbounded sockets and buffers. Default 16,384.
         *
         * @param count at least 1
         * @return this builder
         */
        public Builder maxConnections(int count) {
            this.maxConnections = Args.atLeast(count, 1, "maxConnections");
            return this;
        }

        /**
         * Whether a service loop that waits idle in select lends its role to a threadpool worker
         * whose task returned SYNC (or ended), so the worker calls {@link Protocol#onWritable} for
         * its connection itself and writes its message (or the task is reaped there), instead of
         * waking the loop and parking until the loop has done it. While it holds the role the
         * worker also runs the threadpool work queued for that loop meanwhile. Callbacks of one
         * loop never overlap and each sees what the previous one did; only the thread differs.
         * Turn it off when callbacks depend on the loop's own thread (SYNC then costs a wake-up
         * and a park per message); the guide's "Service loops" section. Default true.
         *
         * @param lend true to lend idle loops (the default), false to keep every callback on
         *     the loop's own thread
         * @return this builder
         */
        public Builder lendIdleLoops(boolean lend) {
            this.lendIdleLoops = lend;
            return this;
        }

        /**
         * The largest HTTP request head (request line and headers); larger ones get 431.
         * Default 8 KiB.
         *
         * @param bytes at least 256
         * @return this builder
         */
        public Builder maxHttpHeadBytes(int bytes) {
            this.maxHttpHeadBytes = Args.atLeast(bytes, 256, "maxHttpHeadBytes");
            return this;
        }

        /**
         * How long a new TCP connection may take to send a complete HTTP request head.
         * Default 10 s.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = Args.positive(timeout, "handshakeTimeout");
            return this;
        }

        /**
         * Closes a websocket connection that received nothing for this long (1001).
         * Default {@link Duration#ZERO}: no idle timeout.
         *
         * @param timeout zero or positive
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = Args.notNegative(timeout, "idleTimeout");
            return this;
        }

        /**
         * Sends a ping to every websocket connection that was quiet this long.
         * Default {@link Duration#ZERO}: no pings.
         *
         * @param interval zero or positive
         * @return this builder
         */
        public Builder pingInterval(Duration interval) {
            this.pingInterval = Args.notNegative(interval, "pingInterval");
            return this;
        }

        /**
         * Refuses (403) upgrade requests whose Origin header fails the check. A request with no
         * Origin header is passed {@code null}. Default: no check.
         *
         * @param check the check
         * @return this builder
         */
        public Builder originCheck(Predicate<String> check) {
            this.originCheck = Objects.requireNonNull(check, "check");
            return this;
        }

        /**
         * Serves wss: every accepted connection speaks TLS (1.3 or 1.2) with the key material
         * of {@code sslContext}; see {@link TlsContexts} to make one from key files. Default:
         * plain ws. The TLS handshake counts against {@link #handshakeTimeout}.
         *
         * @param sslContext an initialised context holding the server's key and certificate
         * @return this builder
         */
        public Builder tls(javax.net.ssl.SSLContext sslContext) {
            this.tls = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        /**
         * The reverse proxies and load balancers in front of this server whose word about the
         * client is believed. A request whose peer is one of them may name the real client and
         * scheme in {@code Forwarded} (RFC 7239) or {@code X-Forwarded-For} and {@code
         * X-Forwarded-Proto}: they become {@link Request#clientAddress()} and {@link
         * Request#scheme()}. From any other peer those headers are ignored, so a client cannot
         * choose its own address. With {@link #proxyProtocol(boolean)}, only these peers may send
         * a PROXY header. Default {@link TrustedProxies#none()}. libwebsockets has no counterpart;
         * it reports the TCP peer ({@code lws_get_peer_simple}).
         *
         * @param proxies the trusted addresses and ranges
         * @return this builder
         */
        public Builder trustedProxies(TrustedProxies proxies) {
            this.trustedProxies = Objects.requireNonNull(proxies, "proxies");
            return this;
        }

        /**
         * Expects the HAProxy PROXY protocol (version 1 text or version 2 binary) on the listener:
         * every accepted connection must start with a PROXY header from a load balancer (HAProxy
         * {@code send-proxy}/{@code send-proxy-v2}, nginx {@code proxy_protocol on} in a {@code
         * stream} block, AWS NLB), before anything else, TLS included. Its source address becomes
         * the connection's peer ({@link Connection#remoteAddress()}, {@link
         * Request#peerAddress()}, the peer {@link #trustedProxies} checks); the load balancer
         * stays available as {@link Request#socketPeerAddress()}; a header with no address (v2
         * LOCAL, v1 {@code UNKNOWN}) keeps the socket's peer. A connection without a valid header
         * within the {@link #handshakeTimeout}, or from a peer outside a non-empty {@link
         * #trustedProxies} set, is closed without a response (logged at DEBUG), so enable it only
         * when every client comes through such a proxy. Default false.
         *
         * @param enabled true to require the header
         * @return this builder
         */
        public Builder proxyProtocol(boolean enabled) {
            this.proxyProtocol = enabled;
            return this;
        }

        /**
         * Builds a context without a listening socket, for websocket clients only
         * ({@link io.lws4j.client.WebSocketClient}); {@link Context#port()} then returns -1
         * and no protocol need be registered. Default: the context listens.
         *
         * @return this builder
         */
        public Builder noListener() {
            this.listen = false;
            return this;
        }

        /**
         * Whether the server accepts permessage-deflate (RFC 7692 compression) when a client
         * offers it and the connection's protocol allows it ({@link Protocol#permessageDeflate()}).
         * Default true: browsers offer it and text messages typically shrink severalfold.
         *
         * <p>A compressing connection holds up to about 300 KiB of native zlib memory, from its
         * first message over the {@link #compressionThreshold(int) threshold}, bounded by
         * {@link #compressionMemoryLimit(long)}; {@link #maxMessageSize} bounds the decompressed
         * size. Offers demanding {@code server_max_window_bits} below 15 are declined (RFC 7692
         * §7.1.2.1; java.util.zip cannot shrink its window). The guide's "Compression" section.
         *
         * @param enabled false to ignore every permessage-deflate offer
         * @return this builder
         */
        public Builder permessageDeflate(boolean enabled) {
            this.permessageDeflate = enabled;
            return this;
        }

        /**
         * The compression threshold of permessage-deflate connections: outgoing messages
         * shorter than this many bytes (text counted as UTF-8) are sent uncompressed, with RSV1
         * clear, which RFC 7692 allows message by message; longer ones are compressed. A
         * protocol may set its own ({@link Protocol#compressionThreshold()}), which then wins
         * for its connections; client connections take
         * {@link io.lws4j.client.ClientOptions.Builder#compressionThreshold(int)} when set, else
         * this. Incoming messages are decompressed whatever their size. Default {@value
         * Context#DEFAULT_COMPRESSION_THRESHOLD}, as in Node's {@code ws}, OkHttp and Java-WebSocket.
         *
         * <p>The trade-off is bytes on the wire against CPU: a short message costs more to
         * compress than to send and barely shrinks alone, though short, similar messages with a
         * shared window shrink to a few bytes each (threshold 0); the guide's "Compression".
         *
         * @param bytes 0 to compress every non-empty message; {@link Integer#MAX_VALUE} to
         *     compress nothing we send while still accepting compressed messages
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Builder compressionThreshold(int bytes) {
            this.compressionThreshold = Args.atLeast(bytes, 0, "compressionThreshold");
            return this;
        }

        /**
         * The most native zlib memory the context's permessage-deflate streams may hold at once,
         * each live or pooled one counted at 262 KiB a compressor, 39 KiB a decompressor. Over it
         * nothing fails: a message needing a new compressor goes out uncompressed, the server
         * declines a deflate offer whose decompressor would not fit, and {@link ContextMXBean}
         * counts both (the guide's "Compression" section). Default 256 MiB: a thousand compressors.
         *
         * @param bytes the limit; {@link Long#MAX_VALUE} for none
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Builder compressionMemoryLimit(long bytes) {
            this.compressionMemoryLimit = Args.atLeast(bytes, 0L, "compressionMemoryLimit");
            return this;
        }

        /**
         * The zlib level of the context's permessage-deflate connections, server and client: 1
         * (fastest) to 9 (smallest). Default {@value Context#DEFAULT_COMPRESSION_LEVEL}: zlib's
         * usual 6 spends much more CPU for somewhat fewer bytes (the guide's "Compression").
         *
         * @param level 1 to 9
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder compressionLevel(int level) {
            this.compressionLevel = Args.between(level, 1, 9, "compressionLevel");
            return this;
        }

        /**
         * Binds the port, calls every protocol's {@link Protocol#onInit} and starts the
         * service loops. A wss context's one-time TLS set-up happens here too, on the
         * calling thread, so that the first accept does not do it on a service loop. The
         * context's MBean ({@link #jmx}) is registered, or its registration started, before
         * {@code onInit}, so that the beans of pools created there follow it.
         *
         * @return the running context
         * @throws java.io.UncheckedIOException when the port cannot be bound
         * @throws IllegalStateException when no protocol was registered on a listening
         *     context, the {@link #tls} context was not initialised, or {@link #bindPath} or
         *     {@link #requireSameOrigin} names a protocol that was not registered
         */
        public Context build() {
            if (protocols.isEmpty() && listen) {
                throw new IllegalStateException("register at least one protocol");
            }
            ContextConfig config = new ContextConfig(bindAddress, port, serviceThreads,
                    new LinkedHashMap<>(protocols), List.copyOf(mounts), maxMessageSize,
                    maxOutboundBytes, maxHttpHeadBytes, handshakeTimeout, idleTimeout,
                    pingInterval, originCheck, permessageDeflate, compressionThreshold, tls, listen,
                    maxConnections, lendIdleLoops,
                    io.lws4j.internal.http.Endpoints.checked(pathBindings, sameOrigin, protocols.keySet()),
                    new io.lws4j.internal.proxy.ProxySettings(
                            io.lws4j.internal.proxy.CidrSet.parse(trustedProxies.ranges()), proxyProtocol),
                    new io.lws4j.internal.http.HttpRoutes(httpHandlers, maxHttpBodyBytes),
                    new io.lws4j.internal.http.HttpLimits(maxQueryParameters, maxCookies, httpSendTimeout))
                    .withSendOverflow(sendOverflow).withZlib(new io.lws4j.internal.deflate.ZlibSettings(
                            compressionMemoryLimit, compressionLevel));
            return ContextImpl.start(config, name, jmx);
        }
    }
}
