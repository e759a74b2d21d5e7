package io.lws4j.internal.deflate;

import io.lws4j.internal.util.Args;
import java.util.zip.Deflater;

/**
 * A context's permessage-deflate stream settings: the memory limit of its {@link ZlibPool}
 * and the compression level of its deflaters.
 *
 * <p>Immutable.
 *
 * @param memoryLimit the most the context's live zlib streams may be charged at once (see
 *     {@link ZlibPool}); {@link Long#MAX_VALUE} for no limit
 * @param level the deflaters' compression level, {@link Deflater#BEST_SPEED} to
 *     {@link Deflater#BEST_COMPRESSION}
 */
public record ZlibSettings(long memoryLimit, int level) {

    /**
     * The default level: zlib's fastest, {@link Deflater#BEST_SPEED}. zlib's default level 6
     * searches longer for matches (with context takeover, the whole shared window): much
     * more CPU per message for somewhat fewer bytes, and a server compressing for many
     * browsers runs out of CPU long before its link notices the difference (the guide's
     * "Compression" section has the table).
     */
    public static final int DEFAULT_LEVEL = io.lws4j.Context.DEFAULT_COMPRESSION_LEVEL;

    /** The defaults: {@link ZlibPool#DEFAULT_LIMIT_BYTES} and {@link #DEFAULT_LEVEL}. */
    public static final ZlibSettings DEFAULTS =
            new ZlibSettings(ZlibPool.DEFAULT_LIMIT_BYTES, DEFAULT_LEVEL);

    /** Checks the limit is not negative and the level one zlib knows (1 to 9). */
    public ZlibSettings {
        Args.atLeast(memoryLimit, 0L, "compressionMemoryLimit");
        Args.between(level, Deflater.BEST_SPEED, Deflater.BEST_COMPRESSION, "compressionLevel");
    }
}
