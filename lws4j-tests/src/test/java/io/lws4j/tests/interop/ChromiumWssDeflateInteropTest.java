package io.lws4j.tests.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.tests.support.ExternalTools;
import io.lws4j.internal.tls.TestCertificate;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Headless Chromium loads the deflate echo page of {@link ChromiumDeflateInteropTest} over
 * https from a TLS server context with the test-time self-signed certificate and opens its
 * websocket over wss: text and binary messages (small, 200 KB compressible, 100 KB random)
 * must echo intact and the server must have negotiated permessage-deflate. Chromium trusts
 * exactly this certificate's key ({@code --ignore-certificate-errors-spki-list}), not any
 * certificate.
 */
class ChromiumWssDeflateInteropTest {

    @Test
    void chromiumOverWssNegotiatesDeflateAndEchoesThroughIt(@TempDir Path dir) throws Exception {
        Path chromium = ExternalTools.requireChromium();
        TestCertificate cert = TestCertificate.get();
        Files.writeString(dir.resolve("index.html"), ChromiumDeflateInteropTest.PAGE);
        Files.writeString(dir.resolve("deflate.js"), ChromiumDeflateInteropTest.SCRIPT);
        Path log = dir.resolve("chromium.log");
        CompletableFuture<String> result = new CompletableFuture<>();
        Protocol echo = ChromiumDeflateInteropTest.echoUntilResult(result);
        try (Context server = Context.builder().bindAddress("127.0.0.1").port(0)
                .tls(cert.serverContext())
                .protocol("lws-echo", echo).mount("/", dir).build()) {
            Process browser = new ProcessBuilder(List.of(chromium.toString(), "--headless=new",
                    "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--no-first-run",
                    "--disable-extensions",
                    "--ignore-certificate-errors-spki-list=" + spkiSha256(cert.certificatePem()),
                    "--user-data-dir=" + dir.resolve("profile"),
                    "https://127.0.0.1:" + server.port() + "/index.html"))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            try {
                String outcome;
                try {
                    outcome = result.get(60, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError("no result from the page within 60 s; console: "
                            + ChromiumDeflateInteropTest.consoleLines(log) + "; log tail: "
                            + tail(log), e);
                }
                assertThat(outcome).as(() -> ChromiumDeflateInteropTest.consoleLines(log))
                        .startsWith("ok permessage-deflate")
                        .contains(" url=wss://127.0.0.1:" + server.port() + "/");
            } finally {
                browser.descendants().forEach(ProcessHandle::destroy);
                browser.destroy();
                if (!browser.waitFor(10, TimeUnit.SECONDS)) {
                    browser.destroyForcibly();
                }
            }
        }
    }

    /** Base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo, as Chromium wants it. */
    private static String spkiSha256(Path certificatePem) throws Exception {
        X509Certificate certificate;
        try (InputStream in = Files.newInputStream(certificatePem)) {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(in);
        }
        byte[] spki = certificate.getPublicKey().getEncoded();
        return Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(spki));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }
}
