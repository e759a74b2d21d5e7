package io.lws4j.internal.conn;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * The pings a connection sent and has not seen answered, oldest first, so a pong can be
 * matched to its ping (equal payloads) and its round-trip time told. Bounded: at most
 * {@link #MAX_OUTSTANDING} pings are remembered; sending one more forgets the oldest. A pong
 * that matches a ping also forgets every older ping: the peer may answer only the latest of
 * several (RFC 6455 5.5.3), so older ones will not be answered any more.
 *
 * <p>Service-thread confined (not thread-safe).
 */
final class OutstandingPings {
    /** How many unanswered pings are remembered. */
    static final int MAX_OUTSTANDING = 16;

    private record Sent(byte[] payload, long nanos) {
    }

    private final ArrayDeque<Sent> sent = new ArrayDeque<>();

    /**
     * @param payload the ping's payload (its remaining bytes; position not changed)
     * @param nanos when it was queued, {@code System.nanoTime()}
     */
    void sent(ByteBuffer payload, long nanos) {
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        if (sent.size() == MAX_OUTSTANDING) {
            sent.removeFirst();
        }
        sent.addLast(new Sent(bytes, nanos));
    }

    /**
     * A pong arrived: finds the oldest outstanding ping with the same payload and forgets it
     * and every older one.
     *
     * @param payload the pong's payload (its remaining bytes; position not changed)
     * @param nanos when it was read, {@code System.nanoTime()}
     * @return the round trip, or null when no outstanding ping has this payload
     */
    Duration answered(ByteBuffer payload, long nanos) {
        int matched = -1;
        int i = 0;
        for (Sent s : sent) {
            if (ByteBuffer.wrap(s.payload).equals(payload)) {
                matched = i;
                break;
            }
            i++;
        }
        if (matched < 0) {
            return null;
        }
        Sent s = null;
        for (int k = 0; k <= matched; k++) {
            s = sent.removeFirst();
        }
        return Duration.ofNanos(Math.max(0, nanos - s.nanos));
    }

    /** @return how many pings are outstanding (for tests) */
    int size() {
        return sent.size();
    }
}
