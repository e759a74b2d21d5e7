package io.lws4j.benchmarks.jmh;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Realistic text messages for the permessage-deflate benchmarks: newline-separated JSON
 * records of a market-data and chat feed, every message different from the last.
 *
 * <p>Records: three in four are ticker updates
 * ({@code {"s":"ETH-USD","p":2317.49,"q":250,"b":2317.42,"a":2317.55,"t":1733616000123}}:
 * one of 16 symbols, the last price on a per-symbol random walk, a random quantity, bid and
 * ask around the price, a timestamp moving forward a few milliseconds per record); one in
 * four is a chat line ({@code {"user":"mia_57","text":"...","room":"trading","t":...}}: one
 * of 24 names with a number, 3 to 14 words from a vocabulary of about 100, one of 8 rooms).
 * A message of {@code size} bytes is the records that start in its first {@code size} bytes,
 * the last one cut at the size, so a 32-byte message is the first 32 bytes of one record
 * (symbol, price and part of the quantity, or a chat line's user and first words) and a
 * 4 KiB one holds about 50. Each message starts with a fresh record. The text is ASCII, so
 * its UTF-8 length is its length in chars.
 *
 * <p>Why this text: a stream of similar records with the same keys and changing numbers is
 * the case the compression threshold's trade-off is about (a shared window makes each new
 * message small); one constant repeated would compress to almost nothing with a shared
 * window, and random bytes not at all.
 *
 * <p>Thread-safe: stateless; {@link #messages} builds a new array per call, deterministic for
 * a seed.
 */
final class ChatTickerText {
    private static final String[] SYMBOLS = {
        "BTC-USD", "ETH-USD", "SOL-USD", "XRP-USD", "ADA-USD", "DOGE-USD", "DOT-USD", "AVAX-USD",
        "LINK-USD", "MATIC-USD", "LTC-USD", "ATOM-USD", "BTC-EUR", "ETH-EUR", "ETH-BTC", "SOL-ETH",
    };
    private static final long[] START_CENTS = {
        4_312_550, 231_742, 14_327, 62, 48, 9, 734, 3_812,
        1_466, 91, 7_215, 1_022, 3_974_110, 213_090, 5, 6,
    };
    private static final String[] ROOMS = {
        "general", "trading", "random", "support", "alerts", "eu-desk", "us-desk", "ops",
    };
    private static final String[] NAMES = {
        "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
        "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "mia",
        "noah", "liam", "emma", "ava",
    };
    private static final String[] WORDS = (
        "the a to and of in is it for on that this with you we are at be was can have not just "
        + "buy sell long short market limit order filled partial stop loss take profit spread "
        + "bid ask volume price chart support resistance breakout dip rally pump dump fees "
        + "funding rate open interest liquidation margin leverage hedge position size entry exit "
        + "target closed opened still waiting looks like going up down flat again today tomorrow "
        + "now later morning tonight maybe sure thanks ok lol nice good bad news report fed cpi "
        + "earnings meeting call standup deploy server latency lag slow fast").split(" ");

    private ChatTickerText() {
    }

    /**
     * Builds {@code count} messages of exactly {@code size} bytes each.
     *
     * @param size the message length in bytes (and chars), at least 1
     * @param count how many messages
     * @param seed the random seed; the same seed gives the same messages
     * @return the messages, in the order a connection would send them
     */
    static String[] messages(int size, int count, long seed) {
        if (size < 1 || count < 1) {
            throw new IllegalArgumentException("size and count must be positive: " + size + ", " + count);
        }
        Feed feed = new Feed(seed);
        String[] out = new String[count];
        StringBuilder sb = new StringBuilder(size + 160);
        for (int i = 0; i < count; i++) {
            sb.setLength(0);
            while (sb.length() < size) {
                if (sb.length() > 0) {
                    sb.append('\n');
                }
                feed.appendRecord(sb);
            }
            sb.setLength(size);
            out[i] = sb.toString();
            assert out[i].getBytes(StandardCharsets.UTF_8).length == size : "not ASCII";
        }
        return out;
    }

    /**
     * How many distinct messages a benchmark cycles through: enough that one pass is at
     * least eight times deflate's 32 KiB window, so that replaying the sequence never finds
     * a message's own earlier copy in a shared window.
     *
     * @param size the message length
     * @return at least 64
     */
    static int cycleLength(int size) {
        return Math.max(64, (256 * 1024) / size);
    }

    /** The record stream's state. Not thread-safe. */
    private static final class Feed {
        private final SplittableRandom random;
        private final long[] cents = START_CENTS.clone();
        private long timestamp = 1_733_616_000_000L;

        Feed(long seed) {
            random = new SplittableRandom(seed);
        }

        void appendRecord(StringBuilder sb) {
            timestamp += 1 + random.nextInt(40);
            if (random.nextInt(4) == 0) {
                appendChat(sb);
            } else {
                appendTick(sb);
            }
        }

        private void appendTick(StringBuilder sb) {
            int s = random.nextInt(SYMBOLS.length);
            long step = Math.max(1, cents[s] / 2000);
            cents[s] = Math.max(1, cents[s] + random.nextLong(-step, step + 1));
            long last = cents[s];
            long bid = last - random.nextLong(Math.max(1, last / 5000));
            long ask = last + 1 + random.nextLong(Math.max(1, last / 5000));
            sb.append("{\"s\":\"").append(SYMBOLS[s]).append("\",\"p\":");
            appendCents(sb, last);
            sb.append(",\"q\":").append(1 + random.nextInt(5000)).append(",\"b\":");
            appendCents(sb, bid);
            sb.append(",\"a\":");
            appendCents(sb, ask);
            sb.append(",\"t\":").append(timestamp).append('}');
        }

        private void appendChat(StringBuilder sb) {
            sb.append("{\"user\":\"").append(NAMES[random.nextInt(NAMES.length)])
                    .append('_').append(random.nextInt(100)).append("\",\"text\":\"");
            int words = 3 + random.nextInt(12);
            for (int w = 0; w < words; w++) {
                if (w > 0) {
                    sb.append(' ');
                }
                sb.append(WORDS[random.nextInt(WORDS.length)]);
            }
            sb.append("\",\"room\":\"").append(ROOMS[random.nextInt(ROOMS.length)])
                    .append("\",\"t\":").append(timestamp).append('}');
        }

        private static void appendCents(StringBuilder sb, long cents) {
            sb.append(cents / 100).append('.');
            long c = cents % 100;
            if (c < 10) {
                sb.append('0');
            }
            sb.append(c);
        }
    }
}
