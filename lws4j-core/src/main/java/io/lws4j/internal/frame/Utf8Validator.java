package io.lws4j.internal.frame;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An incremental UTF-8 validator: a small deterministic automaton fed one chunk at a time,
 * so a text message can be checked fragment by fragment and rejected at the first byte that
 * cannot start or continue a well-formed sequence (RFC 3629). It rejects overlong forms,
 * UTF-16 surrogates (U+D800..U+DFFF) and code points above U+10FFFF, and allocates nothing.
 *
 * <p>Usage: {@link #reset()}, then {@link #feed(byte[], int, int)} for each chunk (it returns
 * false as soon as the input is invalid, and stays failed), then {@link #isComplete()} at the
 * end of the message to reject a truncated final sequence.
 *
 * <p>Not thread-safe: instances must not be shared.
 */
public final class Utf8Validator {
    /*
     * States name what the automaton still expects. Transitions on byte b:
     *   ACCEPT -> ACCEPT: b <= 0x7F
     *   ACCEPT -> NEED_1: C2..DF          ACCEPT -> NEED_2: E1..EC, EE..EF
     *   ACCEPT -> AFTER_E0: E0            ACCEPT -> AFTER_ED: ED
     *   ACCEPT -> NEED_3: F1..F3          ACCEPT -> AFTER_F0: F0
     *   ACCEPT -> AFTER_F4: F4            ACCEPT -> REJECT: 80..C1 (stray continuation,
     *                                       overlong 2-byte lead), F5..FF
     *   NEED_n -> NEED_(n-1) (NEED_0 = ACCEPT): 80..BF
     *   AFTER_E0 -> NEED_1: A0..BF (below A0 would be an overlong 3-byte form)
     *   AFTER_ED -> NEED_1: 80..9F (A0 and up would encode a surrogate)
     *   AFTER_F0 -> NEED_2: 90..BF (below 90 would be an overlong 4-byte form)
     *   AFTER_F4 -> NEED_2: 80..8F (90 and up would exceed U+10FFFF)
     *   any other byte -> REJECT; REJECT is absorbing until reset().
     */

    private static final int ACCEPT = 0;
    private static final int NEED_1 = 1;
    private static final int NEED_2 = 2;
    private static final int NEED_3 = 3;
    private static final int AFTER_E0 = 4;
    private static final int AFTER_ED = 5;
    private static final int AFTER_F0 = 6;
    private static final int AFTER_F4 = 7;
    private static final int REJECT = 8;

    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** The automaton state; one of the constants above. */
    private int state = ACCEPT;

    /** Creates a validator at the start of a message. */
    public Utf8Validator() {
    }

    /** Starts a new message, forgetting any failure or partial sequence. */
    public void reset() {
        state = ACCEPT;
    }

    /**
     * Feeds the next chunk of a message.
     *
     * @param bytes the array holding the chunk
     * @param offset where the chunk starts
     * @param length how many bytes it has
     * @return false when the message is not valid UTF-8 (now or after an earlier chunk)
     */
    public boolean feed(byte[] bytes, int offset, int length) {
        state = run(state, bytes, offset, offset + length);
        return state != REJECT;
    }

    /**
     * Feeds the next chunk of a message from a buffer, by absolute index; the buffer's
     * position and limit are not changed.
     *
     * @param buf the buffer holding the chunk
     * @param from the index of the first byte
     * @param to the index after the last byte
     * @return false when the message is not valid UTF-8 (now or after an earlier chunk)
     */
    public boolean feed(ByteBuffer buf, int from, int to) {
        if (buf.hasArray()) {
            int base = buf.arrayOffset();
            state = run(state, buf.array(), base + from, base + to);
            return state != REJECT;
        }
        int s = state;
        for (int i = from; i < to && s != REJECT; i++) {
            s = step(s, buf.get(i) & 0xFF);
        }
        state = s;
        return s != REJECT;
    }

    /**
     * Feeds a single byte.
     *
     * @param b the byte
     * @return false when the message is not valid UTF-8 (now or after an earlier byte)
     */
    public boolean feed(byte b) {
        state = step(state, b & 0xFF);
        return state != REJECT;
    }

    /**
     * Tells whether everything fed so far is valid and ends on a code point boundary, so the
     * message may end here.
     *
     * @return true when the input so far is a complete, valid UTF-8 string
     */
    public boolean isComplete() {
        return state == ACCEPT;
    }

    /**
     * Tells whether the input has been found invalid; only {@link #reset()} clears this.
     *
     * @return true after invalid input
     */
    public boolean isFailed() {
        return state == REJECT;
    }

    /**
     * Checks a whole byte range at once without needing an instance.
     *
     * @param bytes the array
     * @param offset where the range starts
     * @param length how many bytes it has
     * @return true when the range is complete, valid UTF-8
     */
    public static boolean isValid(byte[] bytes, int offset, int length) {
        return run(ACCEPT, bytes, offset, offset + length) == ACCEPT;
    }

    /** Runs the automaton from state {@code s} over {@code bytes[i..end)}. */
    private static int run(int s, byte[] bytes, int i, int end) {
        while (i < end && s != REJECT) {
            if (s == ACCEPT) {
                i = skipAscii(bytes, i, end);
                if (i == end) {
                    break;
                }
            }
            s = step(s, bytes[i++] & 0xFF);
        }
        return s;
    }

    /**
     * The index of the first non-ASCII byte in {@code bytes[i..end)}, or {@code end}. ASCII
     * runs are the common case: they are skipped 32 bytes per test (four words OR-ed, so one
     * branch per 32 bytes, fewer than one per word), then a word, then a byte at a time.
     */
    private static int skipAscii(byte[] bytes, int i, int end) {
        while (i + 4 * Long.BYTES <= end
                && (((long) LONGS.get(bytes, i) | (long) LONGS.get(bytes, i + Long.BYTES)
                        | (long) LONGS.get(bytes, i + 2 * Long.BYTES)
                        | (long) LONGS.get(bytes, i + 3 * Long.BYTES)) & HIGH_BITS) == 0) {
            i += 4 * Long.BYTES;
        }
        while (i + Long.BYTES <= end && ((long) LONGS.get(bytes, i) & HIGH_BITS) == 0) {
            i += Long.BYTES;
        }
        while (i < end && bytes[i] >= 0) {
            i++;
        }
        return i;
    }

    private static int step(int state, int b) {
        switch (state) {
            case ACCEPT:
                if (b < 0x80) {
                    return ACCEPT;
                } else if (b < 0xC2) {
                    return REJECT;
                } else if (b < 0xE0) {
                    return NEED_1;
                } else if (b == 0xE0) {
                    return AFTER_E0;
                } else if (b == 0xED) {
                    return AFTER_ED;
                } else if (b < 0xF0) {
                    return NEED_2;
                } else if (b == 0xF0) {
                    return AFTER_F0;
                } else if (b < 0xF4) {
                    return NEED_3;
                } else if (b == 0xF4) {
                    return AFTER_F4;
                }
                return REJECT;
            case NEED_1:
                return isContinuation(b) ? ACCEPT : REJECT;
            case NEED_2:
                return isContinuation(b) ? NEED_1 : REJECT;
            case NEED_3:
                return isContinuation(b) ? NEED_2 : REJECT;
            case AFTER_E0:
                return b >= 0xA0 && b <= 0xBF ? NEED_1 : REJECT;
            case AFTER_ED:
                return b >= 0x80 && b <= 0x9F ? NEED_1 : REJECT;
            case AFTER_F0:
                return b >= 0x90 && b <= 0xBF ? NEED_2 : REJECT;
            case AFTER_F4:
                return b >= 0x80 && b <= 0x8F ? NEED_2 : REJECT;
            default:
                return REJECT;
        }
    }

    private static boolean isContinuation(int b) {
        return (b & 0xC0) == 0x80;
    }
}
