package io.lws4j.internal.conn;

import io.lws4j.internal.deflate.PerMessageDeflate;
import io.lws4j.internal.loop.ServiceLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;

/**
 * Writes without the service role: a borrower of the loop's role, or a SYNC's worker, writes
 * (and compresses) a connection's queued frames after the role is given back; see the
 * overview below and in {@link ConnectionCore}.
 *
 * <p>Service-thread confined, except the write itself, which runs without the role as the
 * overview describes.
 */
abstract class OffRoleWrites extends ConnectionCore {
    /*
     * Writes without the role: a flush run by a borrower of the loop's role (a pool worker
     * answering its SYNC) on an OPEN connection whose transport allows it (plain always, TLS
     * once its handshake is done and nothing of its own is pending) does not write at once.
     * It gathers the queued frames into offRoleBatch, marks them writeInFlight, reserves the
     * transport (beginWriteWithoutRole), and the borrower writes them (TLS: encrypts and
     * writes) after it has given the role back (ServiceLoop.writeAfterGivingBack), so
     * workers of different connections write to their sockets at the same time. The completion runs
     * with the role again, as a served command: it settles the batch in the queue, then
     * flushes what was added meanwhile. While a write is in flight, nothing else writes to
     * the socket: flush() returns at once, OP_WRITE is not asked for, and adds only append
     * (they never move a gathered frame), so no frame is split and the wire order holds.
     *
     * Compression without the role (permessage-deflate): writeText/writeBinary do not
     * compress; they queue the message (the payload's own copy, its largest frame reserved
     * against maxOutboundBytes) as a PendingMessage at the tail of the data stream. Whoever
     * writes compresses, in queue order: flush(), with the role and no write in flight,
     * compresses every pending message first; a borrower's claim (runQueuedFlush) also takes
     * the pending messages into offRoleBatch (only when it gathered every data frame, so
     * none is overtaken) and lends it the deflater, and writeWithoutRole compresses them
     * after the role is given back, then writes old and new frames with one gathering
     * write. So the workers of one loop compress at the same time, and the window still
     * sees the messages in wire order: the deflater is used only by the writer, and writers
     * follow each other (the completion happens-before the next claim or flush through the
     * role's hand-over; the claim happens-before its write on the same thread; the write
     * happens-before its completion through the served queue). The completion puts what
     * the write left of the new frames back ahead of everything queued meanwhile
     * (OutboundQueue.settle) and turns their reservations into real lengths. A client's
     * masking key is drawn when the message is queued, with the role. A close releases the
     * deflater through PerMessageDeflate's loan: a lent deflater is freed by its borrower
     * when the compression ends, never under it, so it is freed once even when the
     * completion never runs (a stopped loop). A compression failure closes the connection
     * like a failed write; pending messages of a closed connection are dropped.
     *
     * Writes handed to a SYNC's worker: when the holder that answers a pool worker's SYNC is
     * not that worker (the loop's thread, or another worker that borrowed the role), the
     * pool asks claimWriteForSyncingWorker() before it releases the worker. On a plain
     * deflate connection with at least MIN_HANDED_BYTES queued and no write in flight, it
     * claims the batch as runQueuedFlush would, and the released worker runs
     * writeWithoutRole and posts the completion (runHandedWrite), so it compresses its own
     * message before it produces the next. Otherwise the worker, released while the holder
     * compressed for it, ran ahead to the low-water mark, and the backlog was compressed by
     * one thread while the worker waited, leaving a core idle; a sender that compresses its
     * own messages keeps both cores busy. TLS keeps the holder's batches: a write per message
     * would seal a record per message, which costs more than the compression it moves.
     */

    OffRoleWrites(ServiceLoop loop, SocketChannel channel, ConnectionSettings settings,
            ClientRole client) {
        super(loop, channel, settings, client);
    }

    /**
     * A SYNC's answer hands its worker the write only from this many queued bytes (counting
     * uncompressed messages at their reservation): below it, a write per message costs more
     * than the compression it moves, so small messages stay with the holder's batches and
     * only a backlog worth compressing on another core is handed over.
     */
    static final int MIN_HANDED_BYTES = 1024;
    /**
     * Service role only: the frames a borrower writes without the role, from the claim in
     * runQueuedFlush until completeWriteWithoutRole; null when no such write is under way.
     */
    OutboundBatch writeInFlight;
    /**
     * Reused for every write without the role, made with its two tasks on the first one, so
     * that connections which never meet a borrower (idle ones, echo) do not carry them.
     */
    OutboundBatch offRoleBatch;
    Runnable writeWithoutRoleTask;
    Runnable completeWriteTask;
    /** Runs writeWithoutRole, then posts completeWriteTask: a SYNC's worker runs it. */
    Runnable handedWriteTask;
    /** Written by the write without the role, read by its completion (served-queue hand-off). */
    long offRoleWritten;
    IOException offRoleFailure;
    /** Service role only: messages taken to be compressed without the role (for tests). */
    long messagesTakenWithoutRole;

    /**
     * @return how many messages a borrower took to compress after giving the role back
     *     (for tests: they show that compression without the role happened)
     */
    long messagesTakenWithoutRole() {
        assert loop.inServiceThread();
        return messagesTakenWithoutRole;
    }

    @Override
    void runQueuedFlush() {
        assert loop.inServiceThread();
        flushQueued = false;
        if (!hasOutput() || writeInFlight != null) {
            return; // a write without the role is under way: its completion flushes again
        }
        if (canWriteWithoutRole() && loop.isBorrowedByCaller()) {
            prepareWriteWithoutRole();
            if (loop.writeAfterGivingBack(writeWithoutRoleTask, completeWriteTask)) {
                claimWriteWithoutRole();
                return;
            }
        }
        flush();
    }

    @Override
    public Runnable claimWriteForSyncingWorker() {
        assert loop.inServiceThread();
        if (deflate == null || writeInFlight != null || !outbound.hasPending()
                || outbound.dataBytes() < MIN_HANDED_BYTES || !(transport instanceof PlainTransport)
                || !canWriteWithoutRole()) {
            return null;
        }
        prepareWriteWithoutRole();
        claimWriteWithoutRole();
        return handedWriteTask;
    }

    void prepareWriteWithoutRole() {
        if (offRoleBatch == null) {
            offRoleBatch = new OutboundBatch(new ByteBuffer[16]);
            writeWithoutRoleTask = this::writeWithoutRole;
            completeWriteTask = this::completeWriteWithoutRole;
            handedWriteTask = this::runHandedWrite;
        }
    }

    /** With the role: takes the queued frames and messages into the batch written without it. */
    void claimWriteWithoutRole() {
        transport.beginWriteWithoutRole();
        outbound.gather(offRoleBatch);
        int taken = outbound.takePending(offRoleBatch);
        if (taken != 0) {
            deflate.lendDeflater(); // compressed by writeWithoutRole, given back there
            messagesTakenWithoutRole += taken;
        }
        writeInFlight = offRoleBatch;
    }

    /**
     * A SYNC's worker, without the role: the write handed to it, then its completion. A
     * loop that has stopped drops the completion: it closed the channel, and the deflater's
     * loan ended in writeWithoutRole.
     */
    void runHandedWrite() {
        writeWithoutRole();
        loop.executeOrServe(completeWriteTask);
    }

    /**
     * A borrower of the loop's role writes this connection's queued frames after it gives
     * the role back, so that workers answering SYNCs of different connections write to
     * their sockets at the same time instead of one after the other: OPEN, queued frames,
     * no file body, and a transport that can take such a write now.
     */
    boolean canWriteWithoutRole() {
        return state == ConnectionState.OPEN && file == null && !outbound.isEmpty()
                && transport.canWriteWithoutRole();
    }

    /**
     * Runs without the role, on the borrower that claimed the batch or on the SYNC's worker
     * it was handed to (runHandedWrite): nothing else touches the batch's frames, its taken
     * messages or the deflater until the completion (other writers only add frames and
     * messages; flushes, compressions and OP_WRITE interest wait for writeInFlight to
     * clear). A close in the meantime closes the channel under us: the write then fails,
     * and the completion sees CLOSED.
     */
    void writeWithoutRole() {
        OutboundBatch batch = offRoleBatch;
        if (batch.takenCount != 0 && !compressWithoutRole(batch)) {
            return;
        }
        try {
            offRoleWritten = transport.writeWithoutRole(batch.buffers, 0, batch.count);
        } catch (IOException e) {
            offRoleFailure = e;
        } catch (RuntimeException e) { // a TLS engine's: it must not escape into the worker
            offRoleFailure = new IOException("write failed: " + e, e);
        }
    }

    /**
     * Without the role: compresses the messages the claim took, with the deflater lent to
     * us, in queue order and after every message compressed before (the previous batch's
     * completion, or the flush that compressed with the role, happens-before our claim).
     * A failure becomes the write's: the completion closes the connection.
     *
     * @return false when nothing may be written (the failure is in offRoleFailure)
     */
    boolean compressWithoutRole(OutboundBatch batch) {
        PerMessageDeflate codec = deflate; // set once at establishment, before any write
        try {
            if (codec.isReleaseAsked()) {
                offRoleFailure = new ClosedChannelException(); // closed meanwhile: spare the work
                return false;
            }
            batch.encodeTaken(codec.deflater());
            return true;
        } catch (RuntimeException e) {
            offRoleFailure = compressionFailed(e);
            return false;
        } finally {
            codec.returnDeflater();
        }
    }

    /** With the role again: accounts the write, then flushes what was queued meanwhile. */
    void completeWriteWithoutRole() {
        assert loop.inServiceThread();
        OutboundBatch batch = writeInFlight;
        assert batch != null : "a completion without a claimed write";
        writeInFlight = null;
        IOException failure = offRoleFailure;
        offRoleFailure = null;
        if (failure == null) {
            tally.wrote(offRoleWritten);
        }
        boolean readAgain = transport.endWriteWithoutRole();
        if (state == ConnectionState.CLOSED || state == ConnectionState.LINGER) {
            batch.clear();
            outbound.releaseFrames(); // nothing more is written
            return;
        }
        if (readAgain && !readAgainQueued) {
            readAgainQueued = true; // a read waited for a TLS handshake record only we could wrap
            loop.execute(readAgainTask);
        }
        outbound.settle(batch);
        if (failure != null) {
            LOG.log(System.Logger.Level.DEBUG, "write failed", failure);
            transportFailure = failure;
            closeTransport();
            return;
        }
        if (offRoleWritten == batch.bytesBefore() && !outbound.isEmpty()) {
            requestFlush(); // more came meanwhile: the next holder writes it
            return;
        }
        flush(); // the socket is full (OP_WRITE takes over), or the queue drained: its follow-ups
    }
}
