package io.lws4j.internal.loop;

/**
 * What a {@link ServiceLoop} calls for a channel registered with it (the attachment of its
 * selection key).
 *
 * <p>Service-thread confined: all methods must be called on the owning service thread; see
 * {@link ServiceLoop#inServiceThread()}.
 */
public interface Selectable {

    /**
     * The channel is ready for the operations in {@code readyOps}.
     *
     * @param readyOps the ready set of the key
     * @throws Exception anything; the loop then calls {@link #onFailure(Throwable)}
     */
    void onReady(int readyOps) throws Exception;

    /**
     * Something this selectable did on the loop threw. Implementations close their channel
     * (for a connection, with 1011) and must not throw.
     *
     * @param failure what was thrown
     */
    void onFailure(Throwable failure);

    /**
     * The loop is stopping: drop the channel at once, without any handshake.
     */
    void abort();
}
