package io.lws4j.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes between a message's sequence numbers (sync-stream) or after its timestamp (echo):
 * words drawn from a fixed 32-word list by a fixed-seed xorshift generator, separated by
 * spaces, for example {@code "frame queue lws4j write mask ..."}. Text-like and
 * compressible (deflate at level 6 shrinks 4 KiB of it to about a third: five bits of
 * choice per word of about six letters), yet not a run of one byte that any compressor
 * turns into nothing. Every message of a size carries the same filler, so a compressor
 * that keeps its context between messages finds the previous message in its window.
 *
 * <p>Thread-safe: any method may be called from any thread (the bytes never change).
 */
public final class Filler {
    /** Enough for the largest message the harness sends (64 KiB) and then some. */
    public static final int MAX = 128 * 1024;
    private static final String[] WORDS = {"lws4j", "socket", "frame", "mask", "deflate", "pool", "task",
        "sync", "message", "server", "client", "buffer", "queue", "thread", "write", "read", "close",
        "ping", "pong", "text", "binary", "window", "context", "stream", "echo", "loop", "service",
        "worker", "handshake", "upgrade", "header", "payload"};
    private static final byte[] BYTES = generate(MAX);

    private Filler() {
    }

    private static byte[] generate(int length) {
        StringBuilder sb = new StringBuilder(length + 16);
        long x = 0x9E37_79B9_7F4A_7C15L;
        while (sb.length() < length) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            sb.append(WORDS[(int) (x >>> 59)]).append(' ');
        }
        return Arrays.copyOf(sb.toString().getBytes(StandardCharsets.US_ASCII), length);
    }

    /** Copies the first {@code length} filler bytes into {@code dst} at {@code offset}. */
    public static void copy(byte[] dst, int offset, int length) {
        System.arraycopy(BYTES, 0, dst, offset, length);
    }

    /** The first {@code length} filler bytes, in a new array. */
    public static byte[] bytes(int length) {
        return Arrays.copyOf(BYTES, length);
    }

    /** Whether {@code a[offset, offset + length)} equals the first {@code length} filler bytes. */
    public static boolean matches(byte[] a, int offset, int length) {
        return length <= MAX && Arrays.equals(a, offset, offset + length, BYTES, 0, length);
    }
}
