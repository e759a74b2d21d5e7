package io.lws4j.benchmarks.servers;

import io.lws4j.benchmarks.Filler;
import io.lws4j.benchmarks.Wire;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
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
import io.netty.handler.ssl.SslHandler;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Netty 4.2 the way its users do blocking per-connection work: the websocket codec on one
 * NIO event loop, streaming tasks on a bounded executor whose workers write to the channel
 * and wait for each write's future before producing the next message. Over wss an
 * {@link SslHandler} with the JDK's {@code SSLEngine} (no netty-tcnative) heads the
 * pipeline; with deflate a {@link WebSocketServerCompressionHandler} (its defaults:
 * level 6, context takeover) negotiates permessage-deflate.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
final class NettyServer implements BenchServer {
    private final EventLoopGroup group;
    private final ThreadPoolExecutor workers;
    private final Channel serverChannel;

    NettyServer(ServerOptions o) throws Exception {
        javax.net.ssl.SSLContext tls = o.tls() == null ? null : o.tls().serverContext();
        boolean deflate = o.deflate();
        this.group = new MultiThreadIoEventLoopGroup(o.ioThreads(), NioIoHandler.newFactory());
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
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            javax.net.ssl.SSLEngine engine = tls.createSSLEngine();
                            engine.setUseClientMode(false);
                            ch.pipeline().addLast(new SslHandler(engine));
                        }
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536));
                        if (deflate) {
                            ch.pipeline().addLast(new WebSocketServerCompressionHandler(1 << 20));
                        }
                        ch.pipeline().addLast(new WebSocketServerProtocolHandler(config), new Handler());
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

    private final class Handler extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof BinaryWebSocketFrame) {
                ctx.writeAndFlush(new BinaryWebSocketFrame(frame.content().retain()));
            } else if (frame instanceof TextWebSocketFrame text) {
                int[] cmd = Wire.parseStartCommand(text.text());
                if (cmd != null && workers != null) {
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

    private static void stream(Channel ch, int messages, int size) {
        byte[] filler = Filler.bytes(Math.max(0, size - 16));
        for (int seq = 0; seq < messages; seq++) {
            ByteBuf buf = ch.alloc().buffer(size);
            buf.writeLong(seq).writeBytes(filler, 0, size - 16).writeLong(seq);
            ChannelFuture f = ch.writeAndFlush(new BinaryWebSocketFrame(buf)).awaitUninterruptibly();
            if (!f.isSuccess()) {
                return;
            }
        }
    }
}
