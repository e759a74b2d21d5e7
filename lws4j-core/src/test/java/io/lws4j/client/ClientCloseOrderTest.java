package io.lws4j.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.CloseCodes;
import io.lws4j.Context;
import io.lws4j.internal.http.UpgradeHandshake;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * RFC 6455 7.1.1: after the closing handshake the server closes the TCP connection first. A
 * client that fails the connection sends its close frame and then waits for the server's end
 * of stream instead of half-closing itself (Autobahn's fuzzingserver under Jython never
 * finished a case whose client sent a FIN while the server was dropping the connection).
 *
 * <p>Not thread-safe: instances must not be shared.
 */
class ClientCloseOrderTest {

    @Test
    void aFailingClientSendsItsCloseAndLeavesTheTcpCloseToTheServer() throws Exception {
        try (Context clients = Context.builder().noListener().build();
                ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            ClientEvents events = new ClientEvents();
            WebSocketClient.connect(clients, ClientOptions.builder(
                    URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/"), events).build());
            try (Socket s = server.accept()) {
                s.setSoTimeout(5000);
                InputStream in = s.getInputStream();
                String key = readKey(in);
                byte[] pingTooLong = new byte[2 + 126 + 2];
                pingTooLong[0] = (byte) 0x89;
                pingTooLong[1] = 126; // a control frame of 126 bytes: 1002
                pingTooLong[3] = 126;
                s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\n"
                        + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                        + UpgradeHandshake.acceptKey(key) + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().write(pingTooLong);
                s.getOutputStream().flush();

                int opcode = in.read();
                assertThat(opcode).isEqualTo(0x88);
                int length = in.read() & 0x7F;
                byte[] rest = in.readNBytes(4 + length);
                assertThat(rest).hasSize(4 + length);
                assertThat(events.awaitClosed().code()).isEqualTo(CloseCodes.PROTOCOL_ERROR);

                s.setSoTimeout(500);
                boolean clientHalfClosed;
                try {
                    clientHalfClosed = in.read() < 0;
                } catch (SocketTimeoutException stillOpen) {
                    clientHalfClosed = false;
                }
                assertThat(clientHalfClosed).as("the client sent a FIN before the server closed")
                        .isFalse();
            }
        }
    }

    private static String readKey(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("client closed during its request");
            }
            head.append((char) b);
        }
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-key:")) {
                return line.substring(line.indexOf(':') + 1).strip();
            }
        }
        throw new IOException("no Sec-WebSocket-Key in " + head);
    }
}
