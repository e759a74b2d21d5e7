package io.lws4j.internal.loop;

import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * The borrower's side of a service loop's lent role ({@link ServiceLoop#executeOrServe}): a
 * thread whose served command is queued takes the role while the loop waits in select, runs
 * the served queue and the after-I/O work it caused, gives the role back, then runs the
 * socket writes those left for after the role ({@link #writeAfterGivingBack}).
 *
 * <p>What a borrower runs is whatever is queued, not only its own command: other workers'
 * SYNC and end notifications (other connections' {@code onWritable} and task cleanups),
 * write completions, and the after-I/O work they cause (flushes, more {@code onWritable},
 * {@code onClosed} when a close's last frame leaves, a close's hooks), for any connection
 * of the loop. It stops at its next command or task once the loop is back from select and
 * waits for its role (LENT_RECLAIMING), and the loop runs the rest in its own cycle; so the
 * loop waits for one command or task at most, plus the time the borrower's thread needs
 * to be scheduled. A borrower takes the role at most {@value #SERVE_ROUNDS} times per call,
 * then wakes the loop for what is left, so no worker serves the others for long.
 *
 * <p>Threading: {@link #serve} is called by a thread other than the loop's, after queueing
 * its command; {@link #writeAfterGivingBack} by the current borrower (the pending writes are
 * borrower-only state, handed from borrower to borrower by the role's volatile
 * transitions); {@link #writesWithoutRole} by any thread.
 */
final class LentService {
    /** How many times one executeOrServe call takes the lent role at most. */
    private static final int SERVE_ROUNDS = 3;

    private final ServiceLoop loop;
    private final ServiceRole role;
    /** Lent role holders only: writes and completions for after the role is given back. */
    private final Runnable[] pendingWrites = new Runnable[2 * 64];
    private int pendingWriteCount;
    private final LongAdder writesWithoutRole = new LongAdder();

    LentService(ServiceLoop loop, ServiceRole role) {
        this.loop = loop;
        this.role = role;
    }

    /**
     * The caller's command is queued: borrows the role if the loop lends it, else leaves
     * the command to the holder or wakes the loop. The caller's interrupt is its own: the
     * callbacks run with the role must not see it, nor may theirs reach the caller; it is
     * set again before returning.
     *
     * @return true (the command is queued and will run)
     */
    boolean serve() {
        boolean interrupted = Thread.interrupted();
        try {
            return serveOrLeave();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean serveOrLeave() {
        for (int round = 0; round < SERVE_ROUNDS; ) {
            switch (role.state()) {
                case ServiceRole.OWNED:
                    // The loop works and drains the queue in its next step 1; wake it in case
                    // it is about to select (the same hand-off as execute()).
                    loop.wakeup();
                    return true;
                case ServiceRole.LENDABLE:
                    if (role.tryBorrow()) {
                        round++;
                        Runnable[] writes = serveLent();
                        if (writes != null) {
                            writeWithoutRole(writes);
                        } else if (loop.servedIsEmpty()) {
                            return true;
                        }
                    }
                    break;
                default:
                    // LENT or LENT_RECLAIMING: the holder looks at the queue again after
                    // giving the role back, and the reclaiming loop drains it in its next
                    // step 1. Either way ours is seen.
                    return true;
            }
        }
        loop.wakeup(); // we served our share: the loop takes what is left
        return true;
    }

    /**
     * With the lent role: runs the served queue and the after-I/O work it caused, then gives
     * the role back (wakes the loop for leftovers when the role is lendable again).
     *
     * @return the writes (and their completions, in pairs) the served commands left for
     *     after the role was given back, or null when there are none
     */
    private Runnable[] serveLent() {
        boolean leftovers = true;
        boolean lendable;
        Runnable[] writes = null;
        VirtualMachineError fatal = null;
        try {
            leftovers = loop.runServedWhileLent();
        } catch (VirtualMachineError e) {
            fatal = e; // rethrown once the writes claimed so far ran: their connections wait
        } finally {
            if (pendingWriteCount != 0) {
                // Copied while the role is still ours: the next holder reuses the array.
                writes = Arrays.copyOf(pendingWrites, pendingWriteCount);
                Arrays.fill(pendingWrites, 0, pendingWriteCount, null);
                pendingWriteCount = 0;
            }
            lendable = role.giveBack();
        }
        if (lendable && leftovers) {
            loop.wakeup(); // the loop runs the rest in its next cycle
        }
        if (fatal != null) {
            if (writes != null) {
                writeWithoutRole(writes);
                loop.wakeup(); // their completions are served commands; no borrower is left
            }
            throw fatal;
        }
        return writes;
    }

    /**
     * Without the role: runs the socket writes the served commands left for after the role
     * was given back, then queues their completions, which need the role again.
     */
    private void writeWithoutRole(Runnable[] writes) {
        writesWithoutRole.add(writes.length / 2);
        for (int i = 0; i < writes.length; i += 2) {
            loop.runSafely(writes[i], "write without the role");
            loop.offerServedCompletion(writes[i + 1]);
        }
    }

    /**
     * See {@link ServiceLoop#writeAfterGivingBack}.
     *
     * @param write the socket write
     * @param completion its accounting, with the role
     * @return false when the caller is not a borrower (or too many writes wait)
     */
    boolean writeAfterGivingBack(Runnable write, Runnable completion) {
        if (!role.isBorrower(Thread.currentThread()) || pendingWriteCount == pendingWrites.length) {
            return false;
        }
        pendingWrites[pendingWriteCount++] = write;
        pendingWrites[pendingWriteCount++] = completion;
        return true;
    }

    /**
     * @return how many socket writes borrowers ran after giving the role back
     */
    long writesWithoutRole() {
        return writesWithoutRole.sum();
    }
}
