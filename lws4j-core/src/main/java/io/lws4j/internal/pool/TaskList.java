package io.lws4j.internal.pool;

import java.util.ArrayList;
import java.util.List;

/**
 * An intrusive doubly-linked list of tasks threaded through {@link TaskRecord}'s
 * {@code prev}/{@code next} links: O(1) append, O(1) take of the oldest, O(1) removal of
 * any member. A task is on at most one list at a time (the wait queue or the done list).
 *
 * <p>Not thread-safe: instances must not be shared; the pool guards each of its lists, and
 * the links of their members, with its lock.
 */
final class TaskList {
    private TaskRecord<?> head;
    private TaskRecord<?> tail;
    private int size;

    int size() {
        return size;
    }

    TaskRecord<?> first() {
        return head;
    }

    boolean contains(TaskRecord<?> t) {
        return t.list == this;
    }

    void addLast(TaskRecord<?> t) {
        assert t.list == null : "task already listed";
        t.list = this;
        t.prev = tail;
        t.next = null;
        if (tail == null) {
            head = t;
        } else {
            tail.next = t;
        }
        tail = t;
        size++;
    }

    TaskRecord<?> pollFirst() {
        TaskRecord<?> t = head;
        if (t != null) {
            remove(t);
        }
        return t;
    }

    /**
     * Unlinks a task if it is on this list.
     *
     * @return true when it was on this list
     */
    boolean remove(TaskRecord<?> t) {
        if (t.list != this) {
            return false;
        }
        if (t.prev == null) {
            head = t.next;
        } else {
            t.prev.next = t.next;
        }
        if (t.next == null) {
            tail = t.prev;
        } else {
            t.next.prev = t.prev;
        }
        t.prev = null;
        t.next = null;
        t.list = null;
        size--;
        return true;
    }

    List<TaskRecord<?>> drain() {
        List<TaskRecord<?>> all = new ArrayList<>(size);
        for (TaskRecord<?> t = pollFirst(); t != null; t = pollFirst()) {
            all.add(t);
        }
        return all;
    }

    List<TaskRecord<?>> snapshot() {
        List<TaskRecord<?>> all = new ArrayList<>(size);
        for (TaskRecord<?> t = head; t != null; t = t.next) {
            all.add(t);
        }
        return all;
    }
}
