package io.lws4j.benchmarks.harness;

import java.util.Arrays;
import java.util.List;

/**
 * How the generator talks to the servers in one set of rows: plain ws or wss (TLS with the
 * run's generated certificate), with or without permessage-deflate. Named on the command
 * line as {@code ws}, {@code wss}, {@code ws+deflate} and {@code wss+deflate}.
 *
 * @param tls wss
 * @param deflate permessage-deflate offered, and required of the server
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
record Transport(boolean tls, boolean deflate) {
    static final Transport WS = new Transport(false, false);

    static Transport parse(String name) {
        return switch (name.trim()) {
            case "ws" -> WS;
            case "wss" -> new Transport(true, false);
            case "ws+deflate" -> new Transport(false, true);
            case "wss+deflate" -> new Transport(true, true);
            default -> throw new IllegalArgumentException("unknown transport " + name
                    + " (ws, wss, ws+deflate, wss+deflate)");
        };
    }

    static List<Transport> parseList(String csv) {
        return Arrays.stream(csv.split(",")).map(Transport::parse).distinct().toList();
    }

    String label() {
        return (tls ? "wss" : "ws") + (deflate ? "+deflate" : "");
    }

    /** The server options that go with it (the key store is the run's). */
    List<String> serverArgs(io.lws4j.benchmarks.BenchCertificate certificate) {
        List<String> args = new java.util.ArrayList<>();
        if (tls) {
            args.addAll(List.of("--tls-keystore", certificate.keystore().toString(),
                    "--tls-password", certificate.password()));
        }
        if (deflate) {
            args.addAll(List.of("--deflate", "on"));
        }
        return args;
    }
}
