package io.lws4j.examples.chat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Relays room messages between chat instances through Redis pub/sub: a message sent to room
 * R is published on channel {@value #CHANNEL_PREFIX}{@code R}; every instance, the sender's
 * included, subscribes to the pattern {@value #CHANNEL_PREFIX}{@code *} and delivers what it
 * receives to its own members of the room.
 *
 * <p>Exactly once, in one order: an instance delivers a room's messages only from its
 * subscription, never straight from its own members, so no instance id is needed to drop
 * its own echo, each member gets each message once, and every member of a room, on whatever
 * instance, sees the room's messages in the one order Redis published them.
 *
 * <p>What can be missed: pub/sub keeps nothing. A message published while a member is not
 * connected (between its old connection's close and its new one's join, across a rolling
 * restart), or while an instance's subscription is broken (Redis restarting), does not
 * reach it. Once a member has joined on an instance whose subscription is up, it gets every
 * message published from then on.
 *
 * <p>Threading: {@link #publish} only offers to a bounded queue ({@value #QUEUE_CAPACITY});
 * one publisher thread writes batches of PUBLISH commands, one subscriber thread reads and
 * hands each message to {@link ChatRooms#relay}, which hops to the members' service
 * threads. A broken Redis connection is reopened after a pause; a batch being published
 * when it broke is dropped, and logged. Thread-safe.
 */
final class RedisRelay implements ChatRelay {
    static final String CHANNEL_PREFIX = "lws4j-chat.";
    private static final int QUEUE_CAPACITY = 65_536;
    private static final int BATCH = 256;
    private static final long RETRY_MILLIS = 500;
    private static final System.Logger LOG = System.getLogger(RedisRelay.class.getName());

    private record Outgoing(String room, String text) {
    }

    private final InetSocketAddress redis;
    private final ChatRooms rooms;
    private final BlockingQueue<Outgoing> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private final Thread publisher;
    private final Thread subscriber;
    private volatile boolean closed;
    /** Set by the subscriber thread; closed by close() to end its blocking read. */
    private volatile RespConnection subscription;

    private RedisRelay(InetSocketAddress redis, ChatRooms rooms) {
        this.redis = redis;
        this.rooms = rooms;
        this.publisher = new Thread(this::publishLoop, "chat-redis-publisher");
        this.subscriber = new Thread(this::subscribeLoop, "chat-redis-subscriber");
        publisher.setDaemon(true);
        subscriber.setDaemon(true);
    }

    /**
     * Connects, subscribes, and returns once the subscription is confirmed, so that no
     * member can join before this instance receives the rooms' messages.
     *
     * @param redis the Redis server
     * @param rooms this instance's members
     * @return the running relay
     * @throws UncheckedIOException when Redis does not confirm the subscription in 10 s
     */
    static RedisRelay start(InetSocketAddress redis, ChatRooms rooms) {
        RedisRelay relay = new RedisRelay(redis, rooms);
        relay.subscriber.start();
        relay.publisher.start();
        try {
            if (!relay.subscribed.await(10, TimeUnit.SECONDS)) {
                relay.close();
                throw new UncheckedIOException(new IOException("no subscription from redis at "
                        + redis + " within 10 s"));
            }
        } catch (InterruptedException e) {
            relay.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while subscribing", e);
        }
        return relay;
    }

    @Override
    public boolean publish(String room, String text) {
        return !closed && queue.offer(new Outgoing(room, text));
    }

    @Override
    public void close() {
        closed = true;
        publisher.interrupt();
        RespConnection s = subscription;
        if (s != null) {
            s.close();
        }
        subscriber.interrupt();
    }

    private void publishLoop() {
        RespConnection conn = null;
        List<Outgoing> batch = new ArrayList<>(BATCH);
        try {
            while (!closed) {
                batch.add(queue.take());
                queue.drainTo(batch, BATCH - 1);
                try {
                    if (conn == null) {
                        conn = new RespConnection(redis);
                    }
                    for (Outgoing o : batch) {
                        conn.write("PUBLISH", CHANNEL_PREFIX + o.room(), o.text());
                    }
                    conn.flush();
                    for (int i = 0; i < batch.size(); i++) {
                        conn.read();
                    }
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "publishing to redis at " + redis
                            + " failed; " + batch.size() + " message(s) dropped", e);
                    if (conn != null) {
                        conn.close();
                        conn = null;
                    }
                    Thread.sleep(RETRY_MILLIS);
                }
                batch.clear();
            }
        } catch (InterruptedException e) {
            // closing
        } finally {
            if (conn != null) {
                conn.close();
            }
        }
    }

    private void subscribeLoop() {
        while (!closed) {
            try (RespConnection conn = new RespConnection(redis)) {
                subscription = conn;
                if (closed) {
                    return;
                }
                conn.write("PSUBSCRIBE", CHANNEL_PREFIX + "*");
                conn.flush();
                while (!closed) {
                    if (conn.read() instanceof List<?> message && !message.isEmpty()) {
                        onMessage(message);
                    }
                }
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                LOG.log(System.Logger.Level.WARNING, "redis subscription at " + redis
                        + " broke; messages are missed until it is back", e);
            }
            try {
                Thread.sleep(RETRY_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void onMessage(List<?> message) {
        Object kind = message.get(0);
        if ("psubscribe".equals(kind)) {
            subscribed.countDown();
        } else if ("pmessage".equals(kind) && message.size() == 4
                && message.get(2) instanceof String channel
                && message.get(3) instanceof String text
                && channel.startsWith(CHANNEL_PREFIX)) {
            rooms.relay(channel.substring(CHANNEL_PREFIX.length()), text);
        }
    }
}
