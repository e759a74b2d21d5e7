package io.lws4j.tests.support;

import io.lws4j.TlsContexts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for 127.0.0.1 and localhost, generated at test time by the
 * running JDK's {@code keytool} into a temporary directory (no private key is committed).
 * Generated once per JVM. (The same helper as lws4j-core's test {@code TestCertificate}; the
 * modules share no test code.)
 *
 * <p>Thread-safe: any method may be called from any thread (initialised once, then
 * immutable).
 */
public final class TestCertificate {
    /** The PKCS#12 password. */
    public static final char[] PASSWORD = "changeit".toCharArray();
    private static TestCertificate instance;
    private static TestCertificate otherHost;

    private final Path pkcs12;
    private final Path certificatePem;
    private final Path keyPem;

    private TestCertificate(Path pkcs12, Path certificatePem, Path keyPem) {
        this.pkcs12 = pkcs12;
        this.certificatePem = certificatePem;
        this.keyPem = keyPem;
    }

    /**
     * @return the certificate, generated on first use
     */
    public static synchronized TestCertificate get() {
        if (instance == null) {
            try {
                instance = generate("SAN=dns:localhost,ip:127.0.0.1", "localhost");
            } catch (Exception e) {
                throw new IllegalStateException("cannot generate a test certificate", e);
            }
        }
        return instance;
    }

    /**
     * @return a certificate for the name other.invalid only, so a client reaching it as
     *     127.0.0.1 must fail host name verification
     */
    public static synchronized TestCertificate forOtherHost() {
        if (otherHost == null) {
            try {
                otherHost = generate("SAN=dns:other.invalid", "other.invalid");
            } catch (Exception e) {
                throw new IllegalStateException("cannot generate a test certificate", e);
            }
        }
        return otherHost;
    }

    private static TestCertificate generate(String san, String cn) throws Exception {
        Path dir = Files.createTempDirectory("lws4j-tls");
        dir.toFile().deleteOnExit();
        Path p12 = dir.resolve("server.p12");
        Path pem = dir.resolve("server.crt");
        Path key = dir.resolve("server.key");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        run(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=" + cn, "-ext", san,
                "-validity", "2", "-storetype", "PKCS12",
                "-keystore", p12.toString(), "-storepass", new String(PASSWORD), "-keypass",
                new String(PASSWORD));
        run(keytool.toString(), "-exportcert", "-rfc", "-alias", "server", "-keystore",
                p12.toString(), "-storepass", new String(PASSWORD), "-file", pem.toString());
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(p12)) {
            store.load(in, PASSWORD);
        }
        PrivateKey privateKey = (PrivateKey) store.getKey("server", PASSWORD);
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(privateKey.getEncoded());
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n" + body
                + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
        for (Path p : List.of(p12, pem, key)) {
            p.toFile().deleteOnExit();
        }
        return new TestCertificate(p12, pem, key);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(command)))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + out);
        }
    }

    /** @return the PKCS#12 key store file */
    public Path pkcs12() {
        return pkcs12;
    }

    /** @return the PEM certificate file */
    public Path certificatePem() {
        return certificatePem;
    }

    /** @return the PEM PKCS#8 key file */
    public Path keyPem() {
        return keyPem;
    }

    /** @return a server context with this certificate's key */
    public SSLContext serverContext() {
        try {
            return TlsContexts.fromPkcs12(pkcs12, PASSWORD);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return a client context trusting only this certificate */
    public SSLContext clientContext() {
        try {
            return TlsContexts.trusting(certificatePem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
