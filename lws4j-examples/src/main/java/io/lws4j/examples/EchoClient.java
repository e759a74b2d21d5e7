package io.lws4j.examples;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.TlsContexts;
import io.lws4j.client.ClientOptions;
import io.lws4j.client.WebSocketClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A websocket client (the lws minimal-ws-client): connects to an echo server, sends each
 * message given on the command line, prints what comes back, then closes with 1000.
 *
 * <p>{@code EchoClient [--url ws://127.0.0.1:7681/] [--protocol lws-echo] [--trust cert.pem]
 * MESSAGE...}; {@code --trust} names a PEM certificate to trust for a {@code wss://} server
 * (default: the JDK's trust store). Host names are verified either way.
 *
 * <p>Thread-safe: {@link #exchange} may be called from any thread; the protocol's state is
 * touched only on the connection's service thread.
 */
public final class EchoClient implements Protocol {
    private final List<String> toSend;
    private final List<String> received = new ArrayList<>();
    private final CompletableFuture<List<String>> done = new CompletableFuture<>();

    private EchoClient(List<String> toSend) {
        this.toSend = List.copyOf(toSend);
    }

    @Override
    public void onEstablished(Connection connection) {
        for (String m : toSend) {
            connection.writeText(m);
        }
        if (toSend.isEmpty()) {
            connection.close(CloseCodes.NORMAL, "nothing to send");
        }
    }

    @Override
    public void onText(Connection connection, String text) {
        received.add(text);
        if (received.size() == toSend.size()) {
            connection.close(CloseCodes.NORMAL, "done");
        }
    }

    @Override
    public void onClosed(Connection connection, int closeCode, String reason) {
        done.complete(List.copyOf(received));
    }

    /**
     * Runs the client; see the class documentation for the arguments.
     *
     * @param args the command line
     * @throws Exception when the connection fails
     */
    public static void main(String[] args) throws Exception {
        String url = "ws://127.0.0.1:7681/";
        String protocol = "lws-echo";
        Path trust = null;
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--url" -> url = args[++i];
                case "--protocol" -> protocol = args[++i];
                case "--trust" -> trust = Path.of(args[++i]);
                default -> messages.add(args[i]);
            }
        }
        EchoClient client = new EchoClient(messages);
        ClientOptions.Builder options = ClientOptions.builder(URI.create(url), client)
                .subprotocols(protocol);
        if (trust != null) {
            options.sslContext(TlsContexts.trusting(trust));
        }
        for (String echoed : exchange(client, options.build())) {
            System.out.println(echoed);
        }
    }

    /**
     * Connects with {@code options}, whose protocol must be an {@code EchoClient} made by
     * {@link #forMessages}, and waits for the exchange to end.
     *
     * @param client the client protocol
     * @param options the options naming it
     * @return the echoed messages
     * @throws Exception when the connection fails or the exchange takes over 30 s
     */
    public static List<String> exchange(EchoClient client, ClientOptions options) throws Exception {
        try (Context context = Context.builder().noListener().build()) {
            WebSocketClient.connect(context, options).get(15, TimeUnit.SECONDS);
            return client.done.get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * @param messages the text messages to send once connected
     * @return a client protocol that sends them and collects the echoes
     */
    public static EchoClient forMessages(List<String> messages) {
        return new EchoClient(messages);
    }
}
