package io.lws4j.internal.deflate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/** The bounded reuse of zlib streams. */
class ZlibPoolTest {

    private static byte[] deflate(Deflater d, String text) {
        d.setInput(text.getBytes(StandardCharsets.UTF_8));
        byte[] out = new byte[1024];
        int n = d.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
        return java.util.Arrays.copyOf(out, n);
    }

    @Test
    void reusesAStreamGivenBack_resetToAnEmptyWindow() {
        ZlibPool pool = new ZlibPool(2);
        Deflater first = pool.takeDeflater();
        byte[] fresh = deflate(first, "hello hello hello");
        pool.giveBack(first);
        Deflater again = pool.takeDeflater();
        assertThat(again).isSameAs(first);
        assertThat(deflate(again, "hello hello hello")).as("the window was reset").isEqualTo(fresh);
        assertThat(pool.deflatersCreated()).isEqualTo(1);
        pool.giveBack(again);
        Inflater inflater = pool.takeInflater();
        pool.giveBack(inflater);
        assertThat(pool.takeInflater()).isSameAs(inflater);
        assertThat(pool.inflatersCreated()).isEqualTo(1);
        pool.close();
    }

    @Test
    void keepsAtMostMaxIdle_andEndsTheRest() {
        ZlibPool pool = new ZlibPool(2);
        List<Deflater> taken = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            taken.add(pool.takeDeflater());
        }
        assertThat(pool.deflatersCreated()).isEqualTo(5);
        taken.forEach(pool::giveBack);
        assertThat(pool.idleDeflaters()).isEqualTo(2);
        assertThatThrownBy(() -> taken.get(4).deflate(new byte[8]))
                .as("a stream given back beyond the bound is ended")
                .isInstanceOf(NullPointerException.class);
        pool.close();
        assertThat(pool.idleDeflaters()).isZero();
        assertThatThrownBy(() -> taken.get(0).deflate(new byte[8])).as("close ends idle streams")
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void afterCloseEndsWhatIsGivenBack() {
        ZlibPool pool = new ZlibPool(4);
        Inflater inflater = pool.takeInflater();
        pool.close();
        pool.giveBack(inflater);
        assertThat(pool.idleInflaters()).isZero();
        assertThatThrownBy(() -> inflater.inflate(new byte[8])).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ZlibPool(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ZlibPool.unpooled().maxIdle()).isZero();
    }
}
