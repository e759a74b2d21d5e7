package io.lws4j.internal.conn;

import io.lws4j.internal.observe.ConnectionClosedEvent;
import io.lws4j.internal.observe.ConnectionOpenedEvent;
import io.lws4j.internal.observe.HandshakeRefusedEvent;
import io.lws4j.internal.observe.Jfr;
import io.lws4j.internal.observe.LoopCounters;
import io.lws4j.internal.observe.SlowConsumerEvent;
import java.net.InetSocketAddress;

/**
 * What one connection counts for the context's statistics and its JFR events: bytes and
 * messages each way, added both here (for the connection's close event) and to its loop's
 * {@link LoopCounters}.
 *
 * <p>Threading: service-role confined, like the connection's state; the loop's counters
 * take the same single writer.
 */
final class ConnectionTally {
    private final LoopCounters loop;
    private long bytesIn;
    private long bytesOut;
    private long messagesIn;
    private long messagesOut;

    ConnectionTally(LoopCounters loop) {
        this.loop = loop;
    }

    void read(long bytes) {
        bytesIn += bytes;
        loop.add(LoopCounters.BYTES_IN, bytes);
    }

    void wrote(long bytes) {
        if (bytes > 0) {
            bytesOut += bytes;
            loop.add(LoopCounters.BYTES_OUT, bytes);
        }
    }

    void messageIn() {
        messagesIn++;
        loop.add(LoopCounters.MESSAGES_IN, 1);
    }

    void messageOut() {
        messagesOut++;
        loop.add(LoopCounters.MESSAGES_OUT, 1);
    }

    void opened(InetSocketAddress remote, String protocol, boolean client) {
        loop.add(LoopCounters.OPENED, 1);
        if (!Jfr.on()) {
            return;
        }
        ConnectionOpenedEvent event = new ConnectionOpenedEvent();
        if (event.shouldCommit()) {
            event.remoteAddress = String.valueOf(remote);
            event.protocol = protocol;
            event.client = client;
            event.commit();
        }
    }

    void closed(InetSocketAddress remote, String protocol, int code, String reason) {
        // the code first: a reader that sees the connection counted closed sees its code
        loop.closeCode(code);
        loop.add(LoopCounters.CLOSED, 1);
        if (!Jfr.on()) {
            return;
        }
        ConnectionClosedEvent event = new ConnectionClosedEvent();
        if (event.shouldCommit()) {
            event.remoteAddress = String.valueOf(remote);
            event.protocol = protocol;
            event.closeCode = code;
            event.closeReason = reason;
            event.bytesIn = bytesIn;
            event.bytesOut = bytesOut;
            event.messagesIn = messagesIn;
            event.messagesOut = messagesOut;
            event.commit();
        }
    }

    /**
     * A write refused because the outbound buffer is full.
     *
     * @param refused the size of the write
     * @param queued the data bytes queued
     * @param bound the outbound bound
     */
    void slowConsumer(InetSocketAddress remote, long refused, long queued, long bound) {
        loop.add(LoopCounters.WRITES_REFUSED, 1);
        if (!Jfr.on()) {
            return;
        }
        SlowConsumerEvent event = new SlowConsumerEvent();
        if (event.shouldCommit()) {
            event.remoteAddress = String.valueOf(remote);
            event.refused = refused;
            event.queued = queued;
            event.bound = bound;
            event.commit();
        }
    }

    void refused(InetSocketAddress remote, int status, String reason) {
        loop.refused(reason);
        if (!Jfr.on()) {
            return;
        }
        HandshakeRefusedEvent event = new HandshakeRefusedEvent();
        if (event.shouldCommit()) {
            event.remoteAddress = String.valueOf(remote);
            event.status = status;
            event.reason = reason;
            event.commit();
        }
    }
}
