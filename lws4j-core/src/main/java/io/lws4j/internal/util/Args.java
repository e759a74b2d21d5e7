package io.lws4j.internal.util;

import java.time.Duration;
import java.util.Objects;

/**
 * Argument checks shared by the public builders ({@code Context.Builder},
 * {@code Request.Builder}, {@code ClientOptions.Builder}, {@code CreateArgs}), so that each
 * bound is refused with the same wording everywhere: {@code "<name> must be >= <min>: <value>"}.
 *
 * <p>Stateless and thread-safe.
 */
public final class Args {
    private Args() {
    }

    /**
     * @param value the argument
     * @param min the smallest value allowed
     * @param name the setting's name, for the message
     * @return {@code value}
     * @throws IllegalArgumentException when {@code value < min}
     */
    public static int atLeast(int value, int min, String name) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ": " + value);
        }
        return value;
    }

    /**
     * @param value the argument
     * @param min the smallest value allowed
     * @param max the largest value allowed
     * @param name the setting's name, for the message
     * @return {@code value}
     * @throws IllegalArgumentException when {@code value < min} or {@code value > max}
     */
    public static int between(int value, int min, int max, String name) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + min + " to " + max + ": "
                    + value);
        }
        return value;
    }

    /**
     * @param value the argument
     * @param min the smallest value allowed
     * @param name the setting's name, for the message
     * @return {@code value}
     * @throws IllegalArgumentException when {@code value < min}
     */
    public static long atLeast(long value, long min, String name) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ": " + value);
        }
        return value;
    }

    /**
     * @param d the argument
     * @param name the setting's name, for the message
     * @return {@code d}
     * @throws NullPointerException when null
     * @throws IllegalArgumentException when zero or negative
     */
    public static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
        return d;
    }

    /**
     * @param d the argument
     * @param name the setting's name, for the message
     * @return {@code d}
     * @throws NullPointerException when null
     * @throws IllegalArgumentException when negative
     */
    public static Duration notNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + d);
        }
        return d;
    }

    /**
     * @param s a candidate name
     * @return true when {@code s} is a non-empty RFC 7230 token (a subprotocol or extension
     *     name)
     */
    public static boolean isToken(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c > 32 && c < 127
                && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0);
    }
}
