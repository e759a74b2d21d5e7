package io.lws4j.benchmarks.servers;

import io.lws4j.benchmarks.Filler;
import io.lws4j.benchmarks.Wire;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Netty 4.2 the way an expert does blocking per-connection work: the websocket codec on
 * the NIO event loops, streaming tasks on a bounded executor whose workers hand each message
 * to the channel ({@code writeAndFlush} with the void promise) and block only while the
 * channel is not writable, that is while its outbound buffer is above the
 * {@link Handover#HIGH_WATER} of the {@link WriteBufferWaterMark}, until
 * {@code channelWritabilityChanged} says it drained to {@link Handover#LOW_WATER}: the same
 * contract as lws4j's. A {@link FlushConsolidationHandler} (256 flushes, also outside reads)
 * turns those per-message flushes into one socket write per event-loop turn, and the echo
 * handler writes each frame and flushes once at {@code channelReadComplete}. Over wss an
 * {@link SslHandler} with the JDK's {@code SSLEngine} (no netty-tcnative) heads the
 * pipeline, the flush consolidation right behind it so that TLS wraps batches; with deflate a
 * {@link WebSocketServerCompressionHandler} (its defaults: level 6, context takeover)
 * negotiates permessage-deflate. The event-loop count is the run's {@code --io-threads}, or
 * Netty's own default (twice the cores) for the {@code netty-default} row.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
final class NettyServer implements BenchServer {
    private final EventLoopGroup group;
    private final ThreadPoolExecutor workers;
    private final Channel serverChannel;

    /**
     * @param o the run's options
     * @param eventLoops the event-loop count; 0 for Netty's default
     */
    NettyServer(ServerOptions o, int eventLoops) throws Exception {
        javax.net.ssl.SSLContext tls = o.tls() == null ? null : o.tls().serverContext();
        boolean deflate = o.deflate();
        this.group = new MultiThreadIoEventLoopGroup(eventLoops, NioIoHandler.newFactory());
        this.workers = o.threads() > 0 ? Workers.bounded("netty-worker", o.threads(), o.queue()) : null;
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/")
                .checkStartsWith(true)
                .decoderConfig(WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(1 << 20)
                        .allowExtensions(deflate).build())
                .build();
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(Handover.LOW_WATER, Handover.HIGH_WATER))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            javax.net.ssl.SSLEngine engine = tls.createSSLEngine();
                            engine.setUseClientMode(false);
                            ch.pipeline().addLast(new SslHandler(engine));
                        }
                        ch.pipeline().addLast(new FlushConsolidationHandler(256, true));
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536));
                        if (deflate) {
                            ch.pipeline().addLast(new WebSocketServerCompressionHandler(1 << 20));
                        }
                        if (!o.filter().equals(HandshakeFilter.NONE)) {
                            ch.pipeline().addLast(new HandshakeGate(
                                    o.filter().equals(HandshakeFilter.DEFERRED)));
                        }
                        ch.pipeline().addLast(new WebSocketServerProtocolHandler(config), new Handler(),
                                new WritabilityGate());
                    }
                });
        this.serverChannel = b.bind("127.0.0.1", o.port()).sync().channel();
    }

    @Override
    public int port() {
        return ((java.net.InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly();
        if (workers != null) {
            workers.shutdownNow();
        }
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /**
     * The handshake workload's check in front of the websocket handshake: the upgrade request
     * (a {@code FullHttpRequest}, aggregated) passes on when its query's token is right and
     * gets 401 otherwise; deferred, reads stop while a {@link HandshakeFilter#DECIDER_POOL}
     * thread decides, and the answer resumes the pipeline on the channel's event loop.
     */
    private static final class HandshakeGate extends ChannelInboundHandlerAdapter {
        private final boolean deferred;

        HandshakeGate(boolean deferred) {
            this.deferred = deferred;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof io.netty.handler.codec.http.FullHttpRequest request)) {
                ctx.fireChannelRead(msg);
                return;
            }
            if (!deferred) {
                pass(ctx, request, admits(request));
                return;
            }
            ctx.channel().config().setAutoRead(false);
            HandshakeFilter.DECIDER_POOL.execute(() -> {
                boolean admitted = admits(request);
                ctx.executor().execute(() -> {
                    ctx.channel().config().setAutoRead(true);
                    pass(ctx, request, admitted);
                });
            });
        }

        private static boolean admits(io.netty.handler.codec.http.FullHttpRequest request) {
            java.util.List<String> tokens = new io.netty.handler.codec.http.QueryStringDecoder(
                    request.uri()).parameters().get("token");
            return tokens != null && tokens.contains(HandshakeFilter.TOKEN);
        }

        private static void pass(ChannelHandlerContext ctx,
                io.netty.handler.codec.http.FullHttpRequest request, boolean admitted) {
            if (admitted) {
                ctx.fireChannelRead(request);
                return;
            }
            request.release();
            io.netty.handler.codec.http.FullHttpResponse refusal =
                    new io.netty.handler.codec.http.DefaultFullHttpResponse(
                            io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                            io.netty.handler.codec.http.HttpResponseStatus.UNAUTHORIZED);
            refusal.headers().set(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_LENGTH, 0);
            ctx.writeAndFlush(refusal).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<WebSocketFrame> {
        /**
         * A peer's reset or a codec error closes the channel quietly, as a production server
         * does; unhandled, Netty logs each one with its stack trace at the pipeline's tail.
         */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
            ctx.fireChannelReadComplete();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof BinaryWebSocketFrame) {
                ctx.write(new BinaryWebSocketFrame(frame.content().retain()), ctx.voidPromise());
            } else if (frame instanceof TextWebSocketFrame text) {
                int[] cmd = Wire.parseStartCommand(text.text());
                if (cmd == null) { // any other text is echoed (the idle workload's message)
                    ctx.write(new TextWebSocketFrame(text.content().retain()), ctx.voidPromise());
                } else if (workers != null) {
                    Channel ch = ctx.channel();
                    try {
                        workers.execute(() -> stream(ch, cmd[0], cmd[1]));
                    } catch (RejectedExecutionException e) {
                        ch.close();
                    }
                }
            }
        }
    }

    /**
     * Wakes workers waiting for their channel to become writable again, or to close. The
     * event loop flips writability and then fires the event, which takes the monitor a
     * waiting worker checked under, so no wake-up is lost. Thread-safe.
     */
    private static final class WritabilityGate extends ChannelInboundHandlerAdapter {
        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            synchronized (this) {
                notifyAll();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            synchronized (this) {
                notifyAll();
            }
            ctx.fireChannelInactive();
        }

        /** @return false when the channel closed (or the worker was interrupted) meanwhile */
        synchronized boolean awaitWritable(Channel ch) {
            try {
                while (!ch.isWritable() && ch.isActive()) {
                    wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return ch.isActive();
        }
    }

    private static void stream(Channel ch, int messages, int size) {
        WritabilityGate gate = ch.pipeline().get(WritabilityGate.class);
        byte[] filler = Filler.bytes(Math.max(0, size - 16));
        for (int seq = 0; seq < messages; seq++) {
            if (!ch.isActive() || !ch.isWritable() && !gate.awaitWritable(ch)) {
                return;
            }
            ByteBuf buf = ch.alloc().buffer(size);
            buf.writeLong(seq).writeBytes(filler, 0, size - 16).writeLong(seq);
            ch.writeAndFlush(new BinaryWebSocketFrame(buf), ch.voidPromise());
        }
    }
}
