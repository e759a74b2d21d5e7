package io.lws4j.client;

import io.lws4j.Protocol;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * What {@link WebSocketClient#connect} needs to open one client connection (libwebsockets'
 * {@code lws_client_connect_info}): the {@code ws://} or {@code wss://} URI, the protocol
 * whose callbacks serve the connection, and optional subprotocols, headers, origin, TLS
 * trust and timeouts.
 *
 * <p>Thread-safe: any method may be called from any thread (instances are immutable; the
 * {@link Builder} is not thread-safe).
 */
public final class ClientOptions {
    private static final Set<String> RESERVED_HEADERS = Set.of("host", "upgrade", "connection",
            "sec-websocket-key", "sec-websocket-version", "sec-websocket-protocol",
            "sec-websocket-extensions", "origin", "content-length", "transfer-encoding");

    private final URI uri;
    private final Protocol protocol;
    private final List<String> subprotocols;
    private final Map<String, String> headers;
    private final String origin;
    private final Duration connectTimeout;
    private final Duration handshakeTimeout;
    private final SSLContext sslContext;
    private final boolean permessageDeflate;
    private final int compressionThreshold;

    private ClientOptions(Builder b) {
        this.uri = b.uri;
        this.protocol = b.protocol;
        this.subprotocols = List.copyOf(b.subprotocols);
        this.headers = Map.copyOf(b.headers);
        this.origin = b.origin;
        this.connectTimeout = b.connectTimeout;
        this.handshakeTimeout = b.handshakeTimeout;
        this.sslContext = b.sslContext;
        this.permessageDeflate = b.permessageDeflate;
        this.compressionThreshold = b.compressionThreshold;
    }

    private ClientOptions(ClientOptions from, Protocol protocol) {
        this.uri = from.uri;
        this.protocol = protocol;
        this.subprotocols = from.subprotocols;
        this.headers = from.headers;
        this.origin = from.origin;
        this.connectTimeout = from.connectTimeout;
        this.handshakeTimeout = from.handshakeTimeout;
        this.sslContext = from.sslContext;
        this.permessageDeflate = from.permessageDeflate;
        this.compressionThreshold = from.compressionThreshold;
    }

    /**
     * A copy of these options served by another protocol (a wrapper such as
     * {@link ReconnectingClient}'s).
     *
     * @param other the callbacks of the connection
     * @return the copy
     */
    public ClientOptions withProtocol(Protocol other) {
        return new ClientOptions(this, Objects.requireNonNull(other, "other"));
    }

    /**
     * Starts options for {@code uri}, served by {@code protocol}.
     *
     * @param uri a {@code ws://} or {@code wss://} URI with a host; path and query are sent
     * @param protocol the callbacks of the connection
     * @return a builder
     * @throws IllegalArgumentException when the URI is not an absolute ws/wss URI with a host
     */
    public static Builder builder(URI uri, Protocol protocol) {
        return new Builder(uri, protocol);
    }

    /** @return the URI */
    public URI uri() {
        return uri;
    }

    /** @return the protocol serving the connection */
    public Protocol protocol() {
        return protocol;
    }

    /** @return the offered subprotocols, in order of preference */
    public List<String> subprotocols() {
        return subprotocols;
    }

    /** @return extra request headers */
    public Map<String, String> headers() {
        return headers;
    }

    /** @return the Origin header value, or null */
    public String origin() {
        return origin;
    }

    /** @return the time allowed for name lookup and the TCP connect */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** @return the time allowed from the TCP connect to the server's 101 (TLS included) */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** @return the TLS context for wss, or null for the JDK's default trust */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** @return whether the client offers permessage-deflate (RFC 7692) */
    public boolean permessageDeflate() {
        return permessageDeflate;
    }

    /**
     * @return the compression threshold in bytes, or
     *     {@link io.lws4j.Protocol#CONTEXT_COMPRESSION_THRESHOLD} for the context's
     */
    public int compressionThreshold() {
        return compressionThreshold;
    }

    /** @return true for a wss URI */
    public boolean isSecure() {
        return "wss".equalsIgnoreCase(uri.getScheme());
    }

    /** @return the port: the URI's, else 80 for ws and 443 for wss */
    public int port() {
        return uri.getPort() >= 0 ? uri.getPort() : isSecure() ? 443 : 80;
    }

    /**
     * Collects client options.
     *
     * <p>Not thread-safe: instances must not be shared.
     */
    public static final class Builder {
        private final URI uri;
        private final Protocol protocol;
        private final List<String> subprotocols = new ArrayList<>();
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String origin;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private SSLContext sslContext;
        private boolean permessageDeflate = true;
        private int compressionThreshold = Protocol.CONTEXT_COMPRESSION_THRESHOLD;

        private Builder(URI uri, Protocol protocol) {
            Objects.requireNonNull(uri, "uri");
            this.protocol = Objects.requireNonNull(protocol, "protocol");
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("ws") && !scheme.equals("wss")) {
                throw new IllegalArgumentException("not a ws:// or wss:// URI: " + uri);
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new IllegalArgumentException("URI without a host: " + uri);
            }
            if (uri.getRawFragment() != null) {
                throw new IllegalArgumentException("a websocket URI has no fragment: " + uri);
            }
            this.uri = uri;
        }

        /**
         * Offers subprotocols (Sec-WebSocket-Protocol), in order of preference; the server's
         * choice is {@link io.lws4j.Connection#protocolName()}. Default: none.
         *
         * @param names RFC 7230 tokens
         * @return this builder
         */
        public Builder subprotocols(String... names) {
            for (String n : names) {
                if (n == null || !io.lws4j.internal.util.Args.isToken(n)) {
                    throw new IllegalArgumentException("subprotocol is not a token: " + n);
                }
                subprotocols.add(n);
            }
            return this;
        }

        /**
         * Adds a request header. The handshake's own headers (Host, Upgrade, Connection,
         * Sec-WebSocket-*, Origin) cannot be set this way.
         *
         * @param name a header name (token)
         * @param value a value without CR or LF
         * @return this builder
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (!io.lws4j.internal.util.Args.isToken(name)) {
                throw new IllegalArgumentException("header name is not a token: " + name);
            }
            if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("header set by the handshake itself: " + name);
            }
            checkValue(value);
            headers.put(name, value);
            return this;
        }

        /**
         * Sends an Origin header. Default: none.
         *
         * @param origin for example {@code https://example.com}
         * @return this builder
         */
        public Builder origin(String origin) {
            checkValue(Objects.requireNonNull(origin, "origin"));
            this.origin = origin;
            return this;
        }

        /**
         * The time allowed for the host name lookup and the TCP connect. Default 10 s.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = io.lws4j.internal.util.Args.positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * The time allowed from the TCP connect to the server's valid 101 response, the TLS
         * handshake included. Default 10 s.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = io.lws4j.internal.util.Args.positive(timeout, "handshakeTimeout");
            return this;
        }

        /**
         * The TLS context for a wss URI: its trust managers decide which servers are trusted
         * (for example {@link io.lws4j.TlsContexts#trusting}). Default: the JDK's default
         * context and trust store. Host name verification is on either way.
         *
         * @param context an initialised context
         * @return this builder
         */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /**
         * Whether to offer permessage-deflate compression (RFC 7692). Default: on, as
         * browsers do. The offer is the plain {@code permessage-deflate}: it does not offer
         * {@code client_max_window_bits}, because java.util.zip always compresses with a
         * 15-bit window and could not honour a smaller limit. When the server accepts, data
         * messages in both directions are compressed with the context takeover the server
         * chose, and incoming messages are limited by the context's maximum message size
         * after decompression (larger ones close the connection with 1009). A response that
         * breaks RFC 7692 fails the connect with
         * {@link WebSocketConnectException.Reason#BAD_HANDSHAKE}. Each compressing
         * connection holds up to about 300 KiB of native zlib memory, the compressor's part
         * only once it has sent a message at or over the
         * {@link #compressionThreshold(int) compression threshold}, counted against the
         * context's {@link io.lws4j.Context.Builder#compressionMemoryLimit(long) compression
         * memory limit}: over it a message goes out uncompressed, while the decompressor,
         * which a client cannot decline once the server accepted, is never refused.
         *
         * @param offer false to send no extension offer, so nothing is compressed
         * @return this builder
         */
        public Builder permessageDeflate(boolean offer) {
            this.permessageDeflate = offer;
            return this;
        }

        /**
         * The compression threshold of this connection when permessage-deflate is agreed:
         * messages shorter than this many bytes are sent uncompressed (RSV1 clear), longer
         * ones compressed. Default: the context's
         * ({@link io.lws4j.Context.Builder#compressionThreshold(int)}, which describes the
         * trade-off, default {@value io.lws4j.Context#DEFAULT_COMPRESSION_THRESHOLD}); the
         * protocol's {@link Protocol#compressionThreshold()} is for server connections and
         * does not apply here.
         *
         * @param bytes 0 to compress every non-empty message; {@link Integer#MAX_VALUE} to
         *     compress nothing we send
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Builder compressionThreshold(int bytes) {
            this.compressionThreshold = io.lws4j.internal.util.Args.atLeast(bytes, 0,
                    "compressionThreshold");
            return this;
        }

        /**
         * @return the options
         */
        public ClientOptions build() {
            return new ClientOptions(this);
        }

        private static void checkValue(String value) {
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("header value with CR or LF");
            }
        }
    }
}
