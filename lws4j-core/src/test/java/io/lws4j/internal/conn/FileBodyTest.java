package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBodyTest {
    @TempDir
    Path dir;

    /** A transport stand-in for the file path only: collects what transferTo writes. */
    private static Transport collectingTransport(ByteArrayOutputStream sink) {
        WritableByteChannel target = Channels.newChannel(sink);
        return (Transport) java.lang.reflect.Proxy.newProxyInstance(
                Transport.class.getClassLoader(), new Class<?>[] {Transport.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("fileTarget")) {
                        return target;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void sendsTheWholeBodyInChunksOfAtMostTheChunkSize() throws IOException {
        byte[] content = new byte[FileBody.CHUNK_BYTES * 2 + 123];
        new Random(1).nextBytes(content);
        Path file = Files.write(dir.resolve("body.bin"), content);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        Transport transport = collectingTransport(sink);
        int chunks = 0;
        try (FileBody body = FileBody.open(file, content.length)) {
            boolean done;
            do {
                int before = sink.size();
                done = body.sendChunk(transport);
                assertThat(sink.size() - before).isLessThanOrEqualTo(FileBody.CHUNK_BYTES);
                chunks++;
            } while (!done);
        }
        assertThat(chunks).isEqualTo(3);
        assertThat(sink.toByteArray()).isEqualTo(content);
    }

    @Test
    void aFileThatShrankBelowThePromisedLengthFailsInsteadOfSpinning() throws IOException {
        Path file = Files.write(dir.resolve("short.bin"), new byte[100]);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (FileBody body = FileBody.open(file, 1000)) {
            assertThat(body.sendChunk(collectingTransport(sink))).isFalse();
            assertThatThrownBy(() -> body.sendChunk(collectingTransport(sink)))
                    .isInstanceOf(IOException.class).hasMessageContaining("shrank");
        }
        assertThat(sink.size()).isEqualTo(100);
    }
}
