package io.lws4j.internal.frame;

import io.lws4j.CloseCodes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A push parser for RFC 6455 frames. {@link #read(ByteBuffer)} takes whatever bytes arrived,
 * split at any point (inside a header, a masking key or a payload), keeps the unfinished
 * part internally and reports every complete data message and control frame to the
 * {@link MessageSink}, in wire order.
 *
 * <p>It enforces the protocol and names the close code for each violation: 1002 for a wrong
 * mask bit, RSV bits without an extension, reserved opcodes, a fragmented or oversized
 * control frame, a continuation without a message or a new message inside a fragmented one,
 * a 64-bit length with its top bit set, a one-byte close payload or an invalid close code;
 * 1007 for text or a close reason that is not UTF-8 (text is checked as its bytes arrive, so
 * it fails at the first bad byte); 1009 for a message longer than the maximum, refused from
 * the frame header before anything is buffered.
 *
 * <p>Compression: with a {@link MessageDecompressor} (a negotiated permessage-deflate), RSV1
 * is allowed on the first frame of a data message and marks the message compressed (RSV1 on a
 * continuation or control frame stays 1002). Its payload is unmasked in chunks of at most
 * {@value #COMPRESSED_CHUNK} bytes, decompressed into the message buffer as it arrives, and
 * the maximum message size applies to the decompressed size: the reader fails with 1009 as
 * soon as the output would pass it, without decompressing the rest. UTF-8 is checked on the
 * decompressed text. The compressed wire size of a message is bounded as well (see
 * {@link #compressedLimit}), so a peer cannot stream compressed bytes that decompress to
 * nothing forever.
 *
 * <p>Memory: at most {@code maxMessageSize} bytes for the message being assembled, grown as
 * its bytes arrive (never beyond what the headers announced), plus fixed 125-byte control and
 * 14-byte header buffers, and with a decompressor a chunk buffer for compressed input of
 * {@value #MIN_COMPRESSED_CHUNK} to {@value #COMPRESSED_CHUNK} bytes, the smallest power of
 * two that holds the payload read at once. Between messages a reader holds neither the
 * message buffer nor the chunk: a text message buffer of up to {@value #RETAINED_TEXT_BUFFER}
 * bytes and the chunk go back to the reading thread's {@link ReadScratch}, which the next
 * message read on that thread, on any connection, takes them from; an idle connection keeps
 * none. A streamed message keeps its own chunk buffers (the sink runs while compressed input
 * is still being read).
 *
 * <p>Not thread-safe: instances must not be shared.
 */
public final class FrameReader {
    /*
     * Parse states, int-coded:
     *   HEADER  -> PAYLOAD: the header is complete and announces a payload
     *   HEADER  -> HEADER:  the header is complete, the payload is empty; the frame is finished
     *   PAYLOAD -> HEADER:  the last payload byte arrived; the frame is finished
     *   HEADER/PAYLOAD -> CLOSED: a valid close frame was finished (absorbing: input ignored)
     *   HEADER/PAYLOAD -> FAILED: a ProtocolException (absorbing: rethrown on every call)
     * State is advanced before the sink is called, so a sink that throws leaves the reader at
     * the next frame boundary.
     *
     * Message assembly is separate from frame parsing: messageOpcode is NO_MESSAGE between
     * messages and OP_TEXT/OP_BINARY while one is in progress, which is what continuation
     * sequencing checks. Control frames never touch the message buffer, so they can
     * interleave with fragments.
     */

    private static final int HEADER = 0;
    private static final int PAYLOAD = 1;
    private static final int CLOSED = 2;
    private static final int FAILED = 3;

    private static final int NO_MESSAGE = -1;
    private static final int MAX_HEADER = 14;
    /** First allocation for a message buffer, unless the message is known to be smaller. */
    private static final int MIN_MESSAGE_BUFFER = 4096;
    /**
     * The first buffer of a compressed message, whose size is unknown until it is inflated,
     * holds four times its first frame, at least this and at most {@link #MIN_MESSAGE_BUFFER}
     * (or the thread's kept text buffer, when it is at least that long): a short binary
     * message, whose buffer the sink receives, stays short.
     */
    private static final int MIN_INFLATED_BUFFER = 64;
    /** A text message buffer up to this size is kept, by the thread, for the next message. */
    private static final int RETAINED_TEXT_BUFFER = MIN_MESSAGE_BUFFER;
    /** RSV1: set on the first frame of a compressed message (RFC 7692 §6). */
    private static final int RSV1 = 0x40;
    /** Compressed payload is unmasked and decompressed in chunks of at most this size. */
    static final int COMPRESSED_CHUNK = 8192;
    /** The first chunk buffer's size: enough for the short messages most connections send. */
    static final int MIN_COMPRESSED_CHUNK = 256;
    /** A streamed message is delivered in chunks of at most this many bytes. */
    public static final int STREAM_CHUNK = 64 * 1024;

    private final MessageSink sink;
    private final int maxMessageSize;
    private final boolean requireMasked;
    private final MessageDecompressor decompressor;
    private final Utf8Validator textValidator = new Utf8Validator();
    private final byte[] header = new byte[MAX_HEADER];
    private final byte[] control = new byte[FrameWriter.MAX_CONTROL_PAYLOAD];
    private final ByteBuffer controlView = ByteBuffer.wrap(control);

    private int state = HEADER;
    private ProtocolException failure;
    /** The thread that first called read; backs the confinement label with an assert. */
    private Thread owner;

    private int headerFilled;
    private int headerNeeded = 2;

    private boolean frameFin;
    private int frameOpcode;
    private boolean frameMasked;
    private int frameMaskKey;
    private long frameLength;
    private long framePayloadRead;

    private int messageOpcode = NO_MESSAGE;
    private byte[] message;
    private ByteBuffer messageView;
    private int messageLength;
    /** Largest size the message may reach as far as the headers seen so far tell. */
    private int messageLimit;
    private boolean frameRsv1;
    /** Whether the message in progress arrived with RSV1, i.e. is compressed. */
    private boolean messageCompressed;
    /** Compressed payload bytes of the message in progress. */
    private long compressedLength;
    private byte[] compressedChunk;
    private final byte[] probe = new byte[1];
    /** Messages are delivered in chunks (onFragment) instead of whole. */
    private boolean streaming;
    /** The chunk buffer of a streamed message; allocated on the first, grown up to STREAM_CHUNK. */
    private byte[] streamChunk;
    /** Inflated bytes in streamChunk not delivered yet (compressed streamed messages). */
    private int streamFill;

    /**
     * Creates a reader.
     *
     * @param sink receives messages and control frames
     * @param maxMessageSize the largest data message accepted, in bytes; larger fail with 1009
     * @param requireMasked true on a server (client frames must be masked); false on a client
     *     (server frames must not be)
     */
    public FrameReader(MessageSink sink, int maxMessageSize, boolean requireMasked) {
        this(sink, maxMessageSize, requireMasked, null);
    }

    /**
     * Creates a reader for a connection that negotiated per-message compression.
     *
     * @param sink receives messages and control frames
     * @param maxMessageSize the largest data message accepted after decompression, in bytes;
     *     larger fail with 1009
     * @param requireMasked true on a server (client frames must be masked); false on a client
     *     (server frames must not be)
     * @param decompressor decompresses messages that arrive with RSV1, or null when no
     *     compression was negotiated (RSV1 is then a protocol error)
     */
    public FrameReader(MessageSink sink, int maxMessageSize, boolean requireMasked,
                       MessageDecompressor decompressor) {
        if (maxMessageSize < 0) {
            throw new IllegalArgumentException("negative maxMessageSize: " + maxMessageSize);
        }
        this.sink = sink;
        this.maxMessageSize = maxMessageSize;
        this.requireMasked = requireMasked;
        this.decompressor = decompressor;
    }

    /**
     * Streaming on: data messages go to {@link MessageSink#onFragment} in chunks of at most
     * {@link #STREAM_CHUNK} bytes as their payload arrives (inflated, for a compressed one),
     * never assembled; {@code maxMessageSize} then bounds each frame (1009), not the
     * message, and a compressed frame's wire size is bounded as a compressed message's is.
     * UTF-8 is validated across chunks as for a whole message. Set before the first read.
     *
     * @param on true to stream
     */
    public void streaming(boolean on) {
        this.streaming = on;
    }

    /**
     * Consumes the bytes remaining in {@code src}, calling the sink for each completed message
     * or control frame. Once a close frame has been delivered the rest of the input, now and
     * later, is ignored. Stops early, before a header or a chunk of payload, when the sink is
     * {@link MessageSink#paused()}: the caller keeps the rest for a later call.
     *
     * @param src the bytes that arrived; its position is advanced to its limit, or to where a
     *     pause stopped (unspecified after a {@code ProtocolException}); its content is not
     *     changed
     * @throws ProtocolException when the peer broke the protocol; the reader is then unusable
     *     and every later call throws the same exception
     */
    public void read(ByteBuffer src) throws ProtocolException {
        assert isConfined() : "FrameReader used from two threads";
        if (state == FAILED) {
            throw failure;
        }
        try {
            while (state != CLOSED && src.hasRemaining()) {
                if (sink.paused()) {
                    break;
                }
                if (state == HEADER) {
                    readHeader(src);
                } else {
                    readPayload(src);
                }
            }
        } catch (ProtocolException e) {
            fail(e);
            throw e;
        }
        if (state == CLOSED) {
            src.position(src.limit());
        }
    }

    /**
     * Returns how many bytes the reader holds in buffers, for tests of its memory bound.
     *
     * @return the capacity of all internal buffers
     */
    int bufferedCapacity() {
        return header.length + control.length + (message == null ? 0 : message.length)
                + (compressedChunk == null ? 0 : compressedChunk.length)
                + (streamChunk == null ? 0 : streamChunk.length);
    }

    /**
     * Returns the capacity of the message buffer, kept between text messages, for tests of
     * its sizing.
     *
     * @return the buffer's length, or 0 when none is held
     */
    int messageBufferCapacity() {
        return message == null ? 0 : message.length;
    }

    private void readHeader(ByteBuffer src) throws ProtocolException {
        while (headerFilled < headerNeeded && src.hasRemaining()) {
            header[headerFilled++] = src.get();
            if (headerFilled == 1) {
                checkFirstByte(header[0] & 0xFF);
            } else if (headerFilled == 2) {
                headerNeeded = checkSecondByte(header[1] & 0xFF);
            }
        }
        if (headerFilled == headerNeeded) {
            completeHeader();
        }
    }

    private void checkFirstByte(int b) throws ProtocolException {
        frameFin = (b & 0x80) != 0;
        frameOpcode = b & 0x0F;
        int rsv = b & 0x70;
        int allowed = decompressor != null && isMessageStart(frameOpcode) ? RSV1 : 0;
        if ((rsv & ~allowed) != 0) {
            throw protocolError(decompressor == null || rsv != RSV1
                    ? "RSV bits set without a negotiated extension"
                    : "RSV1 on a continuation or control frame");
        }
        frameRsv1 = rsv != 0;
        switch (frameOpcode) {
            case FrameWriter.OP_CONTINUATION:
                if (messageOpcode == NO_MESSAGE) {
                    throw protocolError("continuation frame without a message in progress");
                }
                break;
            case FrameWriter.OP_TEXT:
            case FrameWriter.OP_BINARY:
                if (messageOpcode != NO_MESSAGE) {
                    throw protocolError("new data frame inside a fragmented message");
                }
                break;
            case FrameWriter.OP_CLOSE:
            case FrameWriter.OP_PING:
            case FrameWriter.OP_PONG:
                if (!frameFin) {
                    throw protocolError("fragmented control frame");
                }
                break;
            default:
                throw protocolError("reserved opcode " + frameOpcode);
        }
    }

    private int checkSecondByte(int b) throws ProtocolException {
        frameMasked = (b & 0x80) != 0;
        if (frameMasked != requireMasked) {
            throw protocolError(requireMasked ? "unmasked client frame" : "masked server frame");
        }
        int length7 = b & 0x7F;
        if (isControl(frameOpcode) && length7 > FrameWriter.MAX_CONTROL_PAYLOAD) {
            throw protocolError("control frame payload over 125 bytes");
        }
        int needed = 2 + (frameMasked ? 4 : 0);
        if (length7 == 126) {
            needed += 2;
        } else if (length7 == 127) {
            needed += 8;
        }
        return needed;
    }

    private void completeHeader() throws ProtocolException {
        int length7 = header[1] & 0x7F;
        int p = 2;
        if (length7 == 126) {
            frameLength = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
            p = 4;
        } else if (length7 == 127) {
            long length = 0;
            for (; p < 10; p++) {
                length = (length << 8) | (header[p] & 0xFF);
            }
            if (length < 0) {
                throw protocolError("64-bit payload length with the most significant bit set");
            }
            frameLength = length;
        } else {
            frameLength = length7;
        }
        if (frameMasked) {
            frameMaskKey = ((header[p] & 0xFF) << 24) | ((header[p + 1] & 0xFF) << 16)
                    | ((header[p + 2] & 0xFF) << 8) | (header[p + 3] & 0xFF);
        }
        headerFilled = 0;
        headerNeeded = 2;
        framePayloadRead = 0;
        if (!isControl(frameOpcode)) {
            startDataFrame();
        }
        if (frameLength == 0) {
            finishFrame();
        } else {
            state = PAYLOAD;
        }
    }

    private void startDataFrame() throws ProtocolException {
        if (streaming) {
            startStreamedFrame();
            return;
        }
        boolean continuation = frameOpcode == FrameWriter.OP_CONTINUATION;
        if (!continuation) {
            messageCompressed = frameRsv1;
            compressedLength = 0;
        }
        if (messageCompressed) {
            // the decompressed size is checked as it is produced; here only the wire size
            if (frameLength > compressedLimit() - compressedLength) {
                throw new ProtocolException(1009, "compressed message longer than "
                        + compressedLimit() + " bytes");
            }
            compressedLength += frameLength;
        } else {
            int sizeSoFar = continuation ? messageLength : 0;
            if (frameLength > maxMessageSize - sizeSoFar) {
                throw new ProtocolException(1009, "message longer than " + maxMessageSize + " bytes");
            }
        }
        if (!continuation) {
            messageOpcode = frameOpcode;
            messageLength = 0;
            textValidator.reset();
        }
        if (messageCompressed) {
            messageLimit = maxMessageSize;
            return;
        }
        // A final frame fixes the message size; before that only the maximum bounds it.
        messageLimit = frameFin ? messageLength + (int) frameLength : maxMessageSize;
    }

    /** A data frame of a streamed message: only the frame is bounded (see streaming()). */
    private void startStreamedFrame() throws ProtocolException {
        boolean continuation = frameOpcode == FrameWriter.OP_CONTINUATION;
        if (!continuation) {
            messageCompressed = frameRsv1;
            messageOpcode = frameOpcode;
            textValidator.reset();
            streamFill = 0;
        }
        if (messageCompressed ? frameLength > compressedLimit() : frameLength > maxMessageSize) {
            throw new ProtocolException(1009, "frame longer than " + (messageCompressed
                    ? compressedLimit() + " compressed" : maxMessageSize) + " bytes");
        }
    }

    private byte[] streamChunk(int needed) {
        if (streamChunk == null || streamChunk.length < needed) {
            int grown = streamChunk == null ? MIN_MESSAGE_BUFFER : 2 * streamChunk.length;
            streamChunk = new byte[Math.min(STREAM_CHUNK, Math.max(needed, grown))];
        }
        return streamChunk;
    }

    /** Uncompressed payload of a streamed message: validated and delivered as it arrives. */
    private void readStreamedPayload(ByteBuffer src, int n, int keyOffset)
            throws ProtocolException {
        byte[] chunk = streamChunk(n);
        src.get(chunk, 0, n);
        ByteBuffer view = ByteBuffer.wrap(chunk, 0, n);
        if (frameMasked) {
            Masker.mask(view, 0, n, frameMaskKey, keyOffset);
        }
        boolean text = messageOpcode == FrameWriter.OP_TEXT;
        if (text && !textValidator.feed(chunk, 0, n)) {
            throw new ProtocolException(1007, "text message is not valid UTF-8");
        }
        framePayloadRead += n;
        boolean last = framePayloadRead == frameLength && frameFin;
        if (framePayloadRead == frameLength) {
            state = HEADER;
            if (last) {
                endStreamedMessage();
            }
        }
        sink.onFragment(text, view, last);
    }

    /**
     * Inflated bytes of a streamed message into its chunk buffer, each full chunk delivered;
     * at the message's end ({@code end}) the rest is delivered as its last chunk.
     */
    private void drainStreamed(boolean end) throws ProtocolException {
        boolean text = messageOpcode == FrameWriter.OP_TEXT;
        byte[] chunk = streamChunk(STREAM_CHUNK);
        while (true) {
            int n = decompressor.output(chunk, streamFill, chunk.length - streamFill);
            if (text && !textValidator.feed(chunk, streamFill, n)) {
                throw new ProtocolException(1007, "text message is not valid UTF-8");
            }
            streamFill += n;
            if (streamFill == chunk.length) {
                streamFill = 0;
                sink.onFragment(text, ByteBuffer.wrap(chunk), false);
            } else if (n == 0) {
                break;
            }
        }
        if (end) {
            int fill = streamFill;
            streamFill = 0;
            endStreamedMessage();
            sink.onFragment(text, ByteBuffer.wrap(chunk, 0, fill), true);
        }
    }

    /** A streamed message's last byte arrived: checks the text ends complete, then ends it. */
    private void endStreamedMessage() throws ProtocolException {
        if (messageOpcode == FrameWriter.OP_TEXT && !textValidator.isComplete()) {
            throw new ProtocolException(1007, "text message ends inside a UTF-8 sequence");
        }
        messageOpcode = NO_MESSAGE;
    }

    private void readPayload(ByteBuffer src) throws ProtocolException {
        int n = (int) Math.min(frameLength - framePayloadRead, src.remaining());
        if (messageCompressed && !isControl(frameOpcode)) {
            n = Math.min(n, COMPRESSED_CHUNK); // the rest of the frame comes in the next round
        }
        int keyOffset = (int) (framePayloadRead & 3);
        if (streaming && !isControl(frameOpcode) && !messageCompressed) {
            readStreamedPayload(src, Math.min(n, STREAM_CHUNK), keyOffset);
            return;
        }
        if (isControl(frameOpcode)) {
            int at = (int) framePayloadRead;
            src.get(control, at, n);
            if (frameMasked) {
                Masker.mask(controlView.clear(), at, at + n, frameMaskKey, keyOffset);
            }
        } else if (messageCompressed) {
            readCompressedPayload(src, n, keyOffset);
        } else {
            ensureMessageCapacity(messageLength + n);
            src.get(message, messageLength, n);
            if (frameMasked) {
                Masker.mask(messageView, messageLength, messageLength + n, frameMaskKey, keyOffset);
            }
            if (messageOpcode == FrameWriter.OP_TEXT
                    && !textValidator.feed(message, messageLength, n)) {
                throw new ProtocolException(1007, "text message is not valid UTF-8");
            }
            messageLength += n;
        }
        framePayloadRead += n;
        if (framePayloadRead == frameLength) {
            finishFrame();
        }
    }

    private void readCompressedPayload(ByteBuffer src, int n, int keyOffset)
            throws ProtocolException {
        byte[] chunk;
        if (streaming) {
            if (compressedChunk == null || compressedChunk.length < n) {
                compressedChunk = new byte[chunkLength(n)];
            }
            chunk = compressedChunk;
        } else {
            chunk = ReadScratch.ofThread().takeChunk(n);
            if (chunk == null) {
                chunk = new byte[chunkLength(n)];
            }
        }
        src.get(chunk, 0, n);
        if (frameMasked) {
            Masker.mask(ByteBuffer.wrap(chunk), 0, n, frameMaskKey, keyOffset);
        }
        decompressor.input(chunk, 0, n);
        if (streaming) {
            drainStreamed(false);
        } else {
            drainDecompressor();
            // drained: the decompressor needs input (or its stream ended), so it never reads
            // this chunk again and the thread's next reader may overwrite it
            ReadScratch.ofThread().giveChunk(chunk);
        }
    }

    /** @return the chunk buffer length for {@code n} compressed bytes: a power of two */
    private static int chunkLength(int n) {
        int atLeast = Math.max(MIN_COMPRESSED_CHUNK, n);
        int pow2 = Integer.highestOneBit(atLeast);
        return Math.min(COMPRESSED_CHUNK, pow2 == atLeast ? pow2 : pow2 << 1);
    }

    /**
     * Pulls decompressed bytes into the message buffer until the decompressor needs input.
     * A full buffer is grown only once one probe byte shows that more output comes, so a
     * message that ends exactly at the buffer's capacity is never copied into a larger one;
     * at the size limit the same probe byte fails the message with 1009.
     */
    private void drainDecompressor() throws ProtocolException {
        while (true) {
            if (message == null) {
                long guess = Math.max(MIN_INFLATED_BUFFER, 4 * frameLength);
                int first = (int) Math.min(Math.min(guess, MIN_MESSAGE_BUFFER), maxMessageSize);
                // a kept buffer longer than the limit would let output pass it unprobed
                ByteBuffer kept = messageOpcode == FrameWriter.OP_TEXT
                        ? ReadScratch.ofThread().takeText(first, maxMessageSize) : null;
                messageView = kept != null ? kept : ByteBuffer.wrap(new byte[first]);
                message = messageView.array();
            }
            if (messageLength == message.length) {
                if (decompressor.output(probe, 0, 1) == 0) {
                    return;
                }
                if (messageLength >= maxMessageSize) {
                    throw new ProtocolException(1009, "decompressed message longer than "
                            + maxMessageSize + " bytes");
                }
                ensureMessageCapacity(messageLength + 1);
                message[messageLength] = probe[0];
                if (messageOpcode == FrameWriter.OP_TEXT
                        && !textValidator.feed(message, messageLength, 1)) {
                    throw new ProtocolException(1007, "text message is not valid UTF-8");
                }
                messageLength++;
            }
            int n = decompressor.output(message, messageLength, message.length - messageLength);
            if (n == 0) {
                return;
            }
            if (messageOpcode == FrameWriter.OP_TEXT
                    && !textValidator.feed(message, messageLength, n)) {
                throw new ProtocolException(1007, "text message is not valid UTF-8");
            }
            messageLength += n;
        }
    }

    /**
     * The largest compressed wire size of one message: the decompressed maximum plus what
     * deflate's stored blocks and per-fragment flush markers can add to incompressible data.
     */
    private long compressedLimit() {
        return maxMessageSize + (long) (maxMessageSize >> 3) + 1024;
    }

    private void ensureMessageCapacity(int needed) {
        int capacity = message == null ? 0 : message.length;
        if (needed <= capacity) {
            return;
        }
        assert needed <= messageLimit && messageLimit <= maxMessageSize;
        long grown = Math.max(2L * capacity, MIN_MESSAGE_BUFFER);
        int newCapacity = (int) Math.max(needed, Math.min(grown, messageLimit));
        ByteBuffer kept = message == null && messageOpcode == FrameWriter.OP_TEXT
                ? ReadScratch.ofThread().takeText(needed, maxMessageSize) : null;
        if (kept != null) {
            messageView = kept;
            message = kept.array();
            return;
        }
        message = message == null ? new byte[newCapacity] : Arrays.copyOf(message, newCapacity);
        messageView = ByteBuffer.wrap(message);
    }

    private void finishFrame() throws ProtocolException {
        state = HEADER;
        switch (frameOpcode) {
            case FrameWriter.OP_CLOSE:
                finishClose();
                break;
            case FrameWriter.OP_PING:
                sink.onPing(controlView.clear().limit((int) frameLength));
                break;
            case FrameWriter.OP_PONG:
                sink.onPong(controlView.clear().limit((int) frameLength));
                break;
            default:
                if (frameFin && streaming) {
                    if (messageCompressed) {
                        decompressor.inputEnd();
                        drainStreamed(true);
                        decompressor.messageEnd();
                    } else {
                        boolean text = messageOpcode == FrameWriter.OP_TEXT;
                        endStreamedMessage(); // an empty final frame
                        sink.onFragment(text, ByteBuffer.allocate(0), true);
                    }
                } else if (frameFin) {
                    if (messageCompressed) {
                        decompressor.inputEnd();
                        drainDecompressor();
                        decompressor.messageEnd();
                    }
                    finishMessage();
                }
                break;
        }
    }

    private void finishClose() throws ProtocolException {
        int length = (int) frameLength;
        if (length == 0) {
            state = CLOSED;
            sink.onClose(1005, "");
            return;
        }
        if (length == 1) {
            throw protocolError("close payload of one byte");
        }
        int code = ((control[0] & 0xFF) << 8) | (control[1] & 0xFF);
        // Accepted: 1000-1003, 1007-1014, 3000-4999 (RFC 6455 section 7.4 plus the IANA
        // registrations 1012 service restart, 1013 try again later, 1014 bad gateway; our own
        // server sends 1013). Autobahn|Testsuite 0.5.6, which CI runs, agrees: its case 7.9.x
        // invalid list is 0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999 and never sends
        // 1012-1015, and its 7.7.x valid list is 1000-1003, 1007-1011, 3000, 3999, 4000, 4999.
        // (Older suite sources also listed 1012-1015 as invalid; the bundled 0.5.6 does not.)
        // 1005, 1006 and 1015 are reserved for local reporting and must never be on the wire.
        if (!CloseCodes.isValidOnWire(code)) {
            throw protocolError("invalid close code " + code);
        }
        if (!Utf8Validator.isValid(control, 2, length - 2)) {
            throw new ProtocolException(1007, "close reason is not valid UTF-8");
        }
        String reason = new String(control, 2, length - 2, StandardCharsets.UTF_8);
        state = CLOSED;
        sink.onClose(code, reason);
    }

    private void finishMessage() throws ProtocolException {
        int opcode = messageOpcode;
        int length = messageLength;
        messageOpcode = NO_MESSAGE;
        messageLength = 0;
        if (opcode == FrameWriter.OP_TEXT) {
            if (!textValidator.isComplete()) {
                throw new ProtocolException(1007, "text message ends inside a UTF-8 sequence");
            }
            String text = length == 0 ? "" : new String(message, 0, length, StandardCharsets.UTF_8);
            if (message != null && message.length <= RETAINED_TEXT_BUFFER) {
                ReadScratch.ofThread().giveText(messageView);
            }
            releaseMessageBuffer();
            sink.onText(text);
        } else {
            // The sink owns the array from now on. A buffer grown for a fragmented message
            // can have slack; trim it when that wastes more than an eighth of the message.
            byte[] bytes = length == 0 ? new byte[0] : message;
            if (bytes.length - length > length / 8) {
                bytes = Arrays.copyOf(bytes, length);
            }
            ByteBuffer data = ByteBuffer.wrap(bytes, 0, length).slice();
            releaseMessageBuffer();
            sink.onBinary(data);
        }
    }

    private void releaseMessageBuffer() {
        message = null;
        messageView = null;
    }

    private void fail(ProtocolException e) {
        state = FAILED;
        failure = e;
        releaseMessageBuffer();
    }

    private boolean isConfined() {
        Thread current = Thread.currentThread();
        if (owner == null) {
            owner = current;
        }
        return owner == current;
    }

    private static boolean isMessageStart(int opcode) {
        return opcode == FrameWriter.OP_TEXT || opcode == FrameWriter.OP_BINARY;
    }

    private static boolean isControl(int opcode) {
        return opcode >= FrameWriter.OP_CLOSE;
    }

    private static ProtocolException protocolError(String message) {
        return new ProtocolException(1002, message);
    }
}
