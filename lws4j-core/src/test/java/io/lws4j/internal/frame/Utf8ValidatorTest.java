package io.lws4j.internal.frame;

import static io.lws4j.internal.frame.Wire.hex;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8ValidatorTest {

    private static final String[] VALID = {
        "",
        "41 42 43",                               // ASCII
        "00 7f",                                  // ASCII boundaries
        "c2 80", "df bf",                         // 2-byte boundaries U+0080, U+07FF
        "e0 a0 80", "ef bf bf",                   // 3-byte boundaries U+0800, U+FFFF
        "ed 9f bf", "ee 80 80",                   // around the surrogate block
        "ef bf be",                               // U+FFFE, a noncharacter, is still valid
        "f0 90 80 80", "f4 8f bf bf",             // 4-byte boundaries U+10000, U+10FFFF
        "ce ba e1 bd b9 cf 83 ce bc ce b5",       // Greek "kosme"
        "f0 9f 98 80 e2 82 ac 24",                // emoji, euro, dollar
    };

    /** Invalid inputs and the index of the first byte at which they are known to be bad. */
    private static final Object[][] INVALID = {
        {"80", 0},                                // lone continuation
        {"bf", 0},
        {"41 80", 1},
        {"c0 80", 0},                             // overlong NUL (2 bytes)
        {"c1 bf", 0},                             // overlong 2-byte
        {"e0 80 80", 1},                          // overlong NUL (3 bytes)
        {"e0 9f bf", 1},                          // overlong U+07FF
        {"f0 80 80 80", 1},                       // overlong NUL (4 bytes)
        {"f0 8f bf bf", 1},                       // overlong U+FFFF
        {"ed a0 80", 1},                          // U+D800 high surrogate
        {"ed bf bf", 1},                          // U+DFFF low surrogate
        {"ed a0 80 ed b0 80", 1},                 // CESU-8 surrogate pair
        {"f4 90 80 80", 1},                       // U+110000
        {"f5 80 80 80", 0},                       // lead beyond U+10FFFF
        {"f8 88 80 80 80", 0},                    // old 5-byte form
        {"fc 84 80 80 80 80", 0},                 // old 6-byte form
        {"fe", 0}, {"ff", 0},
        {"c2 41", 1},                             // lead then ASCII
        {"e2 82 41", 2},                          // 3-byte cut short by ASCII
        {"f0 9f 98 41", 3},
        {"ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80 65 64 69 74 65 64", 12},
    };

    /** Valid so far, but the message must not end here. */
    private static final String[] TRUNCATED = {"c2", "e2", "e2 82", "f0", "f0 9f", "f0 9f 98"};

    @Test
    void acceptsClassicValidSequences() {
        for (String s : VALID) {
            byte[] bytes = hex(s);
            Utf8Validator v = new Utf8Validator();
            assertThat(v.feed(bytes, 0, bytes.length)).as(s).isTrue();
            assertThat(v.isComplete()).as(s).isTrue();
            assertThat(Utf8Validator.isValid(bytes, 0, bytes.length)).as(s).isTrue();
        }
    }

    @Test
    void rejectsOverlongsSurrogatesAndCodePointsAboveTheMaximumAtTheFirstBadByte() {
        for (Object[] c : INVALID) {
            byte[] bytes = hex((String) c[0]);
            int badAt = (Integer) c[1];
            Utf8Validator v = new Utf8Validator();
            for (int i = 0; i < bytes.length; i++) {
                boolean ok = v.feed(bytes[i]);
                assertThat(ok).as("%s byte %d", c[0], i).isEqualTo(i < badAt);
            }
            assertThat(v.isFailed()).isTrue();
            assertThat(v.isComplete()).isFalse();
            assertThat(Utf8Validator.isValid(bytes, 0, bytes.length)).as((String) c[0]).isFalse();
            Utf8Validator whole = new Utf8Validator();
            assertThat(whole.feed(bytes, 0, bytes.length)).as((String) c[0]).isFalse();
        }
    }

    @Test
    void truncatedSequenceIsValidSoFarButNotComplete() {
        for (String s : TRUNCATED) {
            byte[] bytes = hex(s);
            Utf8Validator v = new Utf8Validator();
            assertThat(v.feed(bytes, 0, bytes.length)).as(s).isTrue();
            assertThat(v.isComplete()).as(s).isFalse();
            assertThat(v.isFailed()).as(s).isFalse();
            assertThat(Utf8Validator.isValid(bytes, 0, bytes.length)).as(s).isFalse();
        }
    }

    @Test
    void sequencesSplitAtEveryPointAcrossChunksValidateLikeWhole() {
        byte[] text = "a\u00e9\u20ac\ud83d\ude00 kosme \u03ba\u1f79\u03c3\u03bc\u03b5 end"
                .getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= text.length; cut++) {
            Utf8Validator v = new Utf8Validator();
            assertThat(v.feed(text, 0, cut)).isTrue();
            assertThat(v.feed(ByteBuffer.wrap(text), cut, text.length)).isTrue();
            assertThat(v.isComplete()).as("cut %d", cut).isTrue();
        }
    }

    @Test
    void failureIsStickyUntilReset() {
        Utf8Validator v = new Utf8Validator();
        assertThat(v.feed(hex("ff"), 0, 1)).isFalse();
        assertThat(v.feed(hex("41"), 0, 1)).isFalse();
        assertThat(v.isFailed()).isTrue();
        v.reset();
        assertThat(v.isFailed()).isFalse();
        assertThat(v.feed(hex("41"), 0, 1)).isTrue();
        assertThat(v.isComplete()).isTrue();
    }

    @Test
    void longAsciiRunsUseTheFastPathAndStillCatchALateBadByte() {
        byte[] bytes = new byte[1003];
        java.util.Arrays.fill(bytes, (byte) 'x');
        Utf8Validator v = new Utf8Validator();
        assertThat(v.feed(bytes, 1, 1000)).isTrue();
        bytes[997] = (byte) 0x80;
        assertThat(new Utf8Validator().feed(bytes, 0, bytes.length)).isFalse();
        assertThat(new Utf8Validator().feed(bytes, 0, 997)).isTrue();
    }

    @Test
    void aBadByteAnywhereInAnAsciiRunIsFoundByEveryEntryPoint() {
        // The ASCII skip tests 32, then 8, then 1 byte at a time: a bad byte at every
        // offset and alignment of a run longer than two strides must be caught.
        for (int offset = 0; offset < 9; offset++) {
            for (int bad = 0; bad < 80; bad++) {
                byte[] bytes = new byte[offset + 80];
                java.util.Arrays.fill(bytes, (byte) 'a');
                bytes[offset + bad] = (byte) 0xff;
                String where = "offset " + offset + ", bad byte at " + bad;
                assertThat(new Utf8Validator().feed(bytes, offset, 80)).as(where).isFalse();
                assertThat(Utf8Validator.isValid(bytes, offset, 80)).as(where).isFalse();
                assertThat(new Utf8Validator().feed(ByteBuffer.wrap(bytes), offset, offset + 80))
                        .as(where).isFalse();
                ByteBuffer slice = ByteBuffer.wrap(bytes, offset, 80).slice();
                assertThat(new Utf8Validator().feed(slice, 0, 80)).as("slice, " + where).isFalse();
                ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes);
                assertThat(new Utf8Validator().feed(direct, offset, offset + 80))
                        .as("direct, " + where).isFalse();
                assertThat(Utf8Validator.isValid(bytes, offset, bad)).as(where).isTrue();
            }
        }
    }

    @Test
    void agreesWithTheJdkDecoderOnRandomBytes() {
        Random random = new Random(7);
        byte[] pool = hex("00 41 7f 80 8f 90 9f a0 bf c0 c1 c2 df e0 e1 ec ed ee ef f0 f1 f3 f4 f5 ff");
        for (int round = 0; round < 20000; round++) {
            byte[] bytes = new byte[random.nextInt(9)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = pool[random.nextInt(pool.length)];
            }
            assertThat(Utf8Validator.isValid(bytes, 0, bytes.length))
                    .as(RecordingSink.hex(ByteBuffer.wrap(bytes)))
                    .isEqualTo(jdkAccepts(bytes));
        }
    }

    @Test
    void acceptsEveryScalarValueAndRejectsEverySurrogate() {
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
                byte[] encoded = {(byte) (0xE0 | (cp >> 12)), (byte) (0x80 | ((cp >> 6) & 0x3F)),
                                  (byte) (0x80 | (cp & 0x3F))};
                assertThat(Utf8Validator.isValid(encoded, 0, 3)).isFalse();
                continue;
            }
            byte[] encoded = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
            if (!Utf8Validator.isValid(encoded, 0, encoded.length)) {
                throw new AssertionError("rejected U+" + Integer.toHexString(cp));
            }
        }
    }

    private static boolean jdkAccepts(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
