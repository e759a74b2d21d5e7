package io.lws4j.examples.chat;

/**
 * Where a room's messages go: straight to this instance's members, or through Redis to the
 * members of every instance ({@link RedisRelay}).
 *
 * <p>Implementations are thread-safe: {@link #publish} is called on any service thread.
 */
interface ChatRelay extends AutoCloseable {
    /**
     * Sends {@code text} to every member of {@code room}; must not block.
     *
     * @param room the room
     * @param text the message, unchanged
     * @return false when the message could not be taken (the relay's bounded queue is full)
     */
    boolean publish(String room, String text);

    @Override
    void close();

    /**
     * @param rooms this instance's members
     * @return a relay that delivers on this instance only
     */
    static ChatRelay local(ChatRooms rooms) {
        return new ChatRelay() {
            @Override
            public boolean publish(String room, String text) {
                rooms.relay(room, text);
                return true;
            }

            @Override
            public void close() {
            }
        };
    }
}
