package io.lws4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lws4j.internal.tls.TestCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TlsContexts}' error paths: each bad input ends in the declared exception with a
 * message that says what is wrong (and, for files, which one); the good inputs work.
 */
class TlsContextsTest {
    @TempDir
    Path dir;

    private final TestCertificate cert = TestCertificate.get();

    @Test
    void goodInputsGiveContexts() throws Exception {
        assertThat(TlsContexts.fromPkcs12(cert.pkcs12(), TestCertificate.PASSWORD)
                .getProtocol()).isEqualTo("TLS");
        assertThat(TlsContexts.fromPem(cert.certificatePem(), cert.keyPem()).getProtocol())
                .isEqualTo("TLS");
        assertThat(TlsContexts.trusting(cert.certificatePem()).getProtocol()).isEqualTo("TLS");
    }

    @Test
    void aWrongPkcs12PasswordIsAnIoExceptionSayingSo() {
        assertThatThrownBy(() -> TlsContexts.fromPkcs12(cert.pkcs12(), "wrong".toCharArray()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("password");
    }

    @Test
    void missingFilesAreNoSuchFileExceptionsNamingTheFile() {
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> TlsContexts.fromPkcs12(dir.resolve("missing.p12"),
                TestCertificate.PASSWORD))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("missing.p12");
        assertThatThrownBy(() -> TlsContexts.fromPem(missing, cert.keyPem()))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("missing.pem");
        assertThatThrownBy(() -> TlsContexts.fromPem(cert.certificatePem(), missing))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("missing.pem");
        assertThatThrownBy(() -> TlsContexts.trusting(missing))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("missing.pem");
    }

    @Test
    void aPkcs12FileThatIsNotOneIsRefused() throws Exception {
        Path notAStore = Files.writeString(dir.resolve("store.p12"), "not a key store\n");
        assertThatThrownBy(() -> TlsContexts.fromPkcs12(notAStore, TestCertificate.PASSWORD))
                .isInstanceOf(IOException.class);
    }

    @Test
    void aCertificateFileWithoutACertificateIsRefusedNamingTheFile() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertThatThrownBy(() -> TlsContexts.fromPem(empty, cert.keyPem()))
                .isInstanceOf(IOException.class).hasMessageContaining("no certificate in")
                .hasMessageContaining("empty.pem");
        assertThatThrownBy(() -> TlsContexts.trusting(empty))
                .isInstanceOf(IOException.class).hasMessageContaining("no certificate in")
                .hasMessageContaining("empty.pem");
    }

    @Test
    void aCorruptCertificateBlockIsRefused() throws Exception {
        Path corrupt = Files.writeString(dir.resolve("corrupt.pem"),
                "-----BEGIN CERTIFICATE-----\nMIIBnotacertificateatall\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> TlsContexts.fromPem(corrupt, cert.keyPem()))
                .isInstanceOfAny(IOException.class, GeneralSecurityException.class);
        assertThatThrownBy(() -> TlsContexts.trusting(corrupt))
                .isInstanceOfAny(IOException.class, GeneralSecurityException.class);
    }

    @Test
    void aKeyFileWithoutAPkcs8BlockSaysWhatToDo() throws Exception {
        Path pkcs1 = Files.writeString(dir.resolve("rsa.pem"),
                "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK\n-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> TlsContexts.fromPem(cert.certificatePem(), pkcs1))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no PKCS#8")
                .hasMessageContaining("rsa.pem")
                .hasMessageContaining("converted");
        // The certificate is not a key either.
        assertThatThrownBy(() -> TlsContexts.fromPem(cert.certificatePem(), cert.certificatePem()))
                .isInstanceOf(IOException.class).hasMessageContaining("no PKCS#8");
    }

    @Test
    void aCorruptPkcs8BlockIsAGeneralSecurityExceptionNamingTheFile() throws Exception {
        Path corrupt = Files.writeString(dir.resolve("corrupt-key.pem"),
                "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> TlsContexts.fromPem(cert.certificatePem(), corrupt))
                .isInstanceOf(GeneralSecurityException.class)
                .hasMessageContaining("corrupt-key.pem");
        Path badBase64 = Files.writeString(dir.resolve("bad-base64.pem"),
                "-----BEGIN PRIVATE KEY-----\nQQ=Q\n-----END PRIVATE KEY-----\n");
        // Regression: the base64 decoder's IllegalArgumentException escaped undeclared.
        assertThatThrownBy(() -> TlsContexts.fromPem(cert.certificatePem(), badBase64))
                .isInstanceOf(GeneralSecurityException.class)
                .hasMessageContaining("bad-base64.pem")
                .hasMessageContaining("base64");
    }
}
