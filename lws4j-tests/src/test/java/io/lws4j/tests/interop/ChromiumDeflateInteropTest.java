package io.lws4j.tests.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.tests.support.ExternalTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Headless Chromium, which offers permessage-deflate on every websocket, loads a page from
 * lws4j's static files; the page echoes text and binary messages (small, 200 KB
 * compressible, 100 KB random) through the server and reports the negotiated extensions.
 */
class ChromiumDeflateInteropTest {

    /** The static files send a {@code default-src 'self'} policy: the script is a file. */
    static final String PAGE = """
            <!doctype html><meta charset="utf-8"><title>deflate</title><script src="deflate.js"></script>
            """;

    static final String SCRIPT = """
            const rnd = new Uint8Array(100000);
            for (let i = 0; i < rnd.length; i += 65536) crypto.getRandomValues(rnd.subarray(i, i + 65536));
            const msgs = ['hi', 'compress me \\u00e9\\u20ac\\ud83d\\ude00 '.repeat(10000), rnd,
                          new Uint8Array(200000).fill(7), 'the end'];
            const same = (a, b) => typeof b === 'string' ? a === b
                : a.byteLength === b.byteLength && new Uint8Array(a).every((x, i) => x === b[i]);
            const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/',
                                   'lws-echo');
            ws.binaryType = 'arraybuffer';
            let i = 0;
            ws.onopen = () => ws.send(msgs[0]);
            ws.onmessage = (e) => {
              if (!same(e.data, msgs[i])) { ws.send('result:mismatch at ' + i); return; }
              if (++i < msgs.length) ws.send(msgs[i]); else ws.send('result:ok ' + ws.extensions + ' url=' + ws.url);
            };
            ws.onclose = (e) => console.log('closed ' + e.code);
            """;

    @Test
    void chromiumNegotiatesDeflateAndEchoesThroughIt(@TempDir Path dir) throws Exception {
        Path chromium = ExternalTools.requireChromium();
        Files.writeString(dir.resolve("index.html"), PAGE);
        Files.writeString(dir.resolve("deflate.js"), SCRIPT);
        Path log = dir.resolve("chromium.log");
        CompletableFuture<String> result = new CompletableFuture<>();
        Protocol echo = echoUntilResult(result);
        try (Context server = Context.builder().bindAddress("127.0.0.1").port(0)
                .protocol("lws-echo", echo).mount("/", dir).build()) {
            Process browser = new ProcessBuilder(List.of(chromium.toString(), "--headless=new",
                    "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--no-first-run", "--disable-extensions",
                    "--user-data-dir=" + dir.resolve("profile"),
                    "http://127.0.0.1:" + server.port() + "/index.html"))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            try {
                String outcome;
                try {
                    outcome = result.get(60, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError("no result from the page within 60 s; console: "
                            + consoleLines(log), e);
                }
                assertThat(outcome).as(() -> consoleLines(log)).startsWith("ok permessage-deflate");
            } finally {
                browser.descendants().forEach(ProcessHandle::destroy);
                browser.destroy();
                if (!browser.waitFor(10, TimeUnit.SECONDS)) {
                    browser.destroyForcibly();
                }
            }
        }
    }

    /** The page's console lines from Chromium's log, for failure messages. */
    static String consoleLines(Path log) {
        try (var lines = Files.lines(log)) {
            return lines.filter(l -> l.contains(":CONSOLE")).toList().toString();
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Echoes the page's messages until it reports its verdict as "result:..." text. */
    static Protocol echoUntilResult(CompletableFuture<String> result) {
        return new Protocol() {
            @Override
            public void onText(Connection connection, String text) {
                if (text.startsWith("result:")) {
                    result.complete(text.substring(7));
                } else {
                    connection.writeText(text);
                }
            }

            @Override
            public void onBinary(Connection connection, ByteBuffer data) {
                connection.writeBinary(data);
            }
        };
    }
}
