package io.lws4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Context;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code EchoClient}'s command line, as the README runs it: {@code main} against the example
 * echo server prints each echoed message on its own line, in the order given.
 *
 * <p>Replaces {@code System.out} for the duration of the call; this module's tests run in one
 * thread, so nothing else prints meanwhile.
 */
class EchoClientMainTest {
    @Test
    void mainPrintsEveryEchoedMessageOnItsOwnLine() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (Context server = EchoServer.start("127.0.0.1", 0)) {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            EchoClient.main(new String[] {
                "--url", "ws://127.0.0.1:" + server.port() + "/",
                "--protocol", "lws-echo",
                "hello", "gr\u00fc\u00df dich", "last"});
        } finally {
            System.setOut(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8).lines())
                .containsExactly("hello", "gr\u00fc\u00df dich", "last");
    }
}
