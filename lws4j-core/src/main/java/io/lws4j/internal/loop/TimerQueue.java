package io.lws4j.internal.loop;

import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * A binary min-heap of {@link Timer}s ordered by deadline on the {@link System#nanoTime()}
 * clock, with O(log n) removal so connections can re-arm timeouts cheaply.
 *
 * <p>Service-thread confined: all methods must be called on the owning service thread,
 * except that {@link Timer#cancel()} may be called from any thread (it only marks the timer
 * when called elsewhere); see {@link ServiceLoop#inServiceThread()}.
 */
public final class TimerQueue {
    /*
     * Invariants: heap[0..size) is a min-heap on (deadline, sequence); every timer in it has
     * index == its slot; timers outside have index -1. Cancelled timers may sit in the heap
     * only when they were cancelled off the service thread; pollDue skips them.
     */
    private final BooleanSupplier inServiceThread;
    private Timer[] heap = new Timer[64];
    private int size;
    private long nextSequence;

    /**
     * @param inServiceThread tells whether the caller runs on the owning thread
     */
    public TimerQueue(BooleanSupplier inServiceThread) {
        this.inServiceThread = inServiceThread;
    }

    /**
     * Creates and arms a timer.
     *
     * @param deadline the deadline on the nanoTime clock
     * @param action what to run when it is due
     * @return the armed timer
     */
    public Timer add(long deadline, Runnable action) {
        Timer timer = new Timer(this, deadline, action);
        insert(timer);
        return timer;
    }

    /** Inserts a timer created elsewhere (a cross-thread schedule). */
    void insert(Timer timer) {
        assert inServiceThread.getAsBoolean();
        if (!timer.isPending()) {
            return;
        }
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        timer.sequence = nextSequence++;
        timer.index = size;
        heap[size++] = timer;
        siftUp(timer.index);
    }

    /**
     * @return the number of timers in the heap (cancelled ones awaiting removal included)
     */
    public int size() {
        return size;
    }

    /**
     * @param now the current nanoTime
     * @return nanoseconds until the earliest deadline (0 when one is due), or -1 when empty
     */
    public long nanosUntilNext(long now) {
        while (size > 0 && !heap[0].isPending()) {
            removeAt(0);
        }
        if (size == 0) {
            return -1;
        }
        return Math.max(0, heap[0].deadline - now);
    }

    /**
     * Removes and returns the earliest timer due at {@code now}, already marked fired, or null.
     *
     * @param now the current nanoTime
     * @return a due timer whose action the caller must run, or null
     */
    public Timer pollDue(long now) {
        while (size > 0) {
            Timer top = heap[0];
            if (top.isPending() && top.deadline - now > 0) {
                return null;
            }
            removeAt(0);
            if (top.markFired()) {
                return top;
            }
        }
        return null;
    }

    void onCancelled(Timer timer) {
        if (inServiceThread.getAsBoolean() && timer.index >= 0) {
            removeAt(timer.index);
        }
    }

    private void removeAt(int i) {
        Timer removed = heap[i];
        size--;
        Timer last = heap[size];
        heap[size] = null;
        removed.index = -1;
        if (i == size) {
            return;
        }
        heap[i] = last;
        last.index = i;
        siftDown(i);
        if (heap[i] == last) {
            siftUp(i);
        }
    }

    private static boolean less(Timer a, Timer b) {
        long d = a.deadline - b.deadline;
        return d < 0 || (d == 0 && a.sequence < b.sequence);
    }

    private void siftUp(int i) {
        Timer t = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Timer p = heap[parent];
            if (!less(t, p)) {
                break;
            }
            heap[i] = p;
            p.index = i;
            i = parent;
        }
        heap[i] = t;
        t.index = i;
    }

    private void siftDown(int i) {
        Timer t = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && less(heap[right], heap[child])) {
                child = right;
            }
            if (!less(heap[child], t)) {
                break;
            }
            heap[i] = heap[child];
            heap[i].index = i;
            i = child;
        }
        heap[i] = t;
        t.index = i;
    }
}
