package io.lws4j.examples.chat;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The members of every room, shared by all service loops, and the relay of a message to
 * them.
 *
 * <p>Relaying across loops: a member may be owned by another service loop than the sender,
 * and {@link Connection#writeText} may only be called on the member's own service thread.
 * So a member owned by another loop gets the message through {@link Connection#execute}:
 * the write runs as a command on its own loop (the loop-safe hop lws4j offers today; the
 * text, an immutable String, is safely published by that hand-off). A member on the
 * sender's loop is written at once. A member whose outbound buffer cannot take the message
 * is too slow for the room and is closed with 1008, so no member's backlog grows without
 * bound.
 *
 * <p>Thread-safe: the room map and member sets are concurrent; they are changed on the
 * members' service threads and read by every loop.
 */
final class ChatRooms {
    private final Map<String, Set<Connection>> rooms = new ConcurrentHashMap<>();
    /** Every member's client address (through trusted proxies) and socket peer. */
    private final Map<Connection, Addresses> addresses = new ConcurrentHashMap<>();

    /** A member's addresses, as text. */
    private record Addresses(String client, String peer) {
    }

    /**
     * Adds a member. Called on its service thread.
     *
     * @param room the room
     * @param member the new member
     */
    void join(String room, Connection member) {
        var request = member.request();
        addresses.put(member, new Addresses(text(request.clientAddress()),
                text(request.peerAddress())));
        rooms.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(member);
    }

    /**
     * Removes a member, and the room once empty. Called on its service thread.
     *
     * @param room the room
     * @param member the leaving member
     */
    void leave(String room, Connection member) {
        addresses.remove(member);
        rooms.computeIfPresent(room, (r, members) -> {
            members.remove(member);
            return members.isEmpty() ? null : members;
        });
    }

    /**
     * Sends {@code text} to every member of {@code room} on this instance, the sender
     * included. Called on the sender's service thread, or on the Redis relay's subscriber
     * thread in a cluster.
     *
     * @param room the room
     * @param text the message, unchanged
     */
    void relay(String room, String text) {
        Set<Connection> members = rooms.get(room);
        if (members == null) {
            return;
        }
        for (Connection member : members) {
            if (member.inServiceThread()) {
                deliver(member, text);
            } else {
                member.execute(() -> deliver(member, text));
            }
        }
    }

    /**
     * @param room the room
     * @return how many members it has now
     */
    int size(String room) {
        Set<Connection> members = rooms.get(room);
        return members == null ? 0 : members.size();
    }

    /**
     * @return how many members all rooms have now
     */
    int memberCount() {
        return addresses.size();
    }

    /**
     * @return {@code "clients":{ADDRESS:COUNT,...},"peers":{ADDRESS:COUNT,...}}: the
     *     members' client addresses (what the trusted proxies vouch for) and socket peers
     */
    String addressesJson() {
        Map<String, Integer> clients = new java.util.TreeMap<>();
        Map<String, Integer> peers = new java.util.TreeMap<>();
        for (Addresses a : addresses.values()) {
            clients.merge(a.client(), 1, Integer::sum);
            peers.merge(a.peer(), 1, Integer::sum);
        }
        return "\"clients\":" + countsJson(clients) + ",\"peers\":" + countsJson(peers);
    }

    private static String text(java.net.InetSocketAddress address) {
        return address == null || address.getAddress() == null ? "unknown"
                : address.getAddress().getHostAddress();
    }

    private static String countsJson(Map<String, Integer> counts) {
        StringBuilder sb = new StringBuilder("{");
        counts.forEach((address, n) -> sb.append(sb.length() > 1 ? "," : "").append('"')
                .append(address).append("\":").append(n));
        return sb.append('}').toString();
    }

    /**
     * @return how many rooms have members now
     */
    int roomCount() {
        return rooms.size();
    }

    /** On the member's service thread. */
    private static void deliver(Connection member, String text) {
        if (member.isOpen() && !member.writeText(text)) {
            member.close(CloseCodes.POLICY_VIOLATION, "too slow for the room");
        }
    }
}
