package io.lws4j.benchmarks.servers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * Netty 4.2 for the xsend and broadcast workloads ({@link Messaging}): the application
 * threads call {@code channel.writeAndFlush(new TextWebSocketFrame(text))} from outside the
 * event loop (each becomes a task on the channel's loop), and the write's
 * {@code ChannelFuture} listener releases a slot of the thread's window; a broadcast is one
 * {@code ChannelGroup.writeAndFlush} of one frame (the group hands each channel a retained
 * duplicate of the frame's buffer, no copy) to every channel whose handshake completed,
 * called on the application thread. As the receiver of the client-side senders
 * ({@code harness.ClientSenders}) it counts: after {@code "expect N"} it answers
 * {@code "done"} once N messages beginning {@code "t"} arrived. The event-loop count is the run's {@code --io-threads};
 * a {@link FlushConsolidationHandler} (256 flushes, also outside reads) as in
 * {@link NettyServer}.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
final class NettyMessagingServer implements BenchServer {
    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    NettyMessagingServer(ServerOptions o) throws Exception {
        this.group = new MultiThreadIoEventLoopGroup(o.ioThreads(), NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new FlushConsolidationHandler(256, true));
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536));
                        ch.pipeline().addLast(new WebSocketServerProtocolHandler("/", null, false, 1 << 20,
                                false, true), new Handler());
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
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** One channel's handler; its fields are touched only on the channel's event loop. */
    private final class Handler extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        /** Sender messages ("t...") still expected after an "expect N" command, or 0. */
        private long expected;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                channels.add(ctx.channel()); // the group forgets a channel when it closes
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            String text = frame.text();
            Channel ch = ctx.channel();
            if (text.startsWith("t") && expected > 0) {
                if (--expected == 0) {
                    ch.writeAndFlush(new TextWebSocketFrame("done"));
                }
                return;
            }
            if (text.startsWith("expect ")) {
                expected = Long.parseLong(text.substring(7).trim());
                return;
            }
            int[] xsend = Messaging.parseXsend(text);
            if (xsend != null) {
                Messaging.startSenders(xsend, (message, done) ->
                        ch.writeAndFlush(new TextWebSocketFrame(message))
                                .addListener(f -> done.accept(f.cause())));
                return;
            }
            int[] bcast = Messaging.parseBroadcast(text);
            if (bcast != null) {
                Messaging.APP.execute(() -> channels.writeAndFlush(new TextWebSocketFrame(
                        Unpooled.wrappedBuffer(Messaging.broadcastBytes(bcast[0], bcast[1])))));
            }
        }
    }
}
