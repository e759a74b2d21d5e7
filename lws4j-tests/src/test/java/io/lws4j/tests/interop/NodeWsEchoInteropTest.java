package io.lws4j.tests.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.examples.EchoServer;
import io.lws4j.tests.support.NodeScripts;
import io.lws4j.tests.support.ProcessRun;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The Node {@code ws} client (node/echo-check.mjs) against lws4j servers started in this JVM:
 * text, binary, 16 MiB, fragmented, ping, close codes and 200 simultaneous connections against
 * the example echo server, then protocol violations over a raw socket and bad handshakes.
 */
class NodeWsEchoInteropTest {

    @Test
    void nodeWsClientPassesEveryEchoCheck() {
        try (Context server = EchoServer.start("127.0.0.1", 0)) {
            ProcessRun.Result run = NodeScripts.run("echo-check.mjs", Duration.ofMinutes(4),
                    "--url", "ws://127.0.0.1:" + server.port() + "/", "--protocol", "lws-echo",
                    "--connections", "200", "--timeout", "60000",
                    "--skip", "failureCloseReachesSlowReader");
            assertThat(run.succeeded()).as(run::describe).isTrue();
            assertThat(run.stdout()).as(run::describe).contains("\"ok\":true");
        }
    }

    /**
     * Known broken: lws4j closes its socket right after flushing a failure close, while the
     * peer may still be sending; the unread input turns the close into a TCP RST that destroys
     * the echo and the close frame before a slow peer reads them (Autobahn 3.4/4.1.5/4.2.5 turn
     * NON-STRICT at random for this reason). Node's own ws server passes this check. Enable
     * once the connection closes lingeringly (shutdownOutput, drain input until EOF or the
     * close timer, then close).
     */
    @Test
    @Disabled("needs a lingering close in ConnectionImpl (loop owner); fails today with EPIPE")
    void aFailureCloseReachesAPeerThatIsStillSending() {
        try (Context server = EchoServer.start("127.0.0.1", 0)) {
            ProcessRun.Result run = NodeScripts.run("echo-check.mjs", Duration.ofSeconds(60),
                    "--url", "ws://127.0.0.1:" + server.port() + "/", "--protocol", "lws-echo",
                    "--only", "failureCloseReachesSlowReader", "--timeout", "20000");
            assertThat(run.succeeded()).as(run::describe).isTrue();
        }
    }

    @Test
    void aMessageOverTheLimitClosesWithMessageTooBig() {
        Protocol echo = new Protocol() {
            @Override
            public void onText(Connection connection, String text) {
                connection.writeText(text);
            }

            @Override
            public void onBinary(Connection connection, ByteBuffer data) {
                connection.writeBinary(data);
            }
        };
        try (Context server = Context.builder().bindAddress("127.0.0.1").port(0)
                .maxMessageSize(1000).protocol("lws-echo", echo).build()) {
            ProcessRun.Result run = NodeScripts.run("echo-check.mjs", Duration.ofSeconds(60),
                    "--url", "ws://127.0.0.1:" + server.port() + "/", "--protocol", "lws-echo",
                    "--only", "tooBig", "--max-message", "1000", "--timeout", "20000");
            assertThat(run.succeeded()).as(run::describe).isTrue();
        }
    }
}
