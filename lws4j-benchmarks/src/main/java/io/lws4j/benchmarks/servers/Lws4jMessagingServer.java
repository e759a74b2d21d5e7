package io.lws4j.benchmarks.servers;

import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.OutboundMessage;
import io.lws4j.Protocol;
import io.lws4j.SendOverflow;

/**
 * lws4j for the xsend and broadcast workloads ({@link Messaging}): the application threads
 * send with the thread-safe {@link Connection#sendText}, whose stage completing releases a
 * slot of the thread's window; a broadcast is one {@link Context#broadcast} of one
 * {@link OutboundMessage} (framed once) with {@link SendOverflow#FAIL} for slow consumers,
 * called on the application thread. One service thread (the run's {@code --io-threads}) and
 * an outbound bound of {@link #OUTBOUND_BYTES}, so that the windows, not the bound, hold the
 * senders back.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
final class Lws4jMessagingServer implements BenchServer {
    /** The per-connection outbound bound: above any window the workloads use. */
    static final int OUTBOUND_BYTES = 16 << 20;
    private final Context context;

    Lws4jMessagingServer(ServerOptions o) {
        Context[] self = new Context[1];
        this.context = Context.builder()
                .bindAddress("127.0.0.1")
                .port(o.port())
                .serviceThreads(o.ioThreads())
                .maxOutboundBytes(OUTBOUND_BYTES)
                .maxConnections(65_536)
                .protocol("bench", new Handler(self))
                .build();
        self[0] = context;
    }

    @Override
    public int port() {
        return context.port();
    }

    @Override
    public void close() {
        context.close();
    }

    private static final class Handler implements Protocol {
        private final Context[] context;

        Handler(Context[] context) {
            this.context = context;
        }

        @Override
        public void onText(Connection c, String text) {
            int[] xsend = Messaging.parseXsend(text);
            if (xsend != null) {
                Messaging.startSenders(xsend, (message, done) ->
                        c.sendText(message).whenComplete((v, x) -> done.accept(x)));
                return;
            }
            int[] bcast = Messaging.parseBroadcast(text);
            if (bcast != null) {
                Messaging.APP.execute(() -> context[0].broadcast("bench",
                        OutboundMessage.text(Messaging.message("b" + bcast[0] + ";", bcast[1])),
                        SendOverflow.FAIL));
            }
        }
    }
}
