package io.lws4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Makes {@link SSLContext}s from key and certificate files with {@code java.base} alone,
 * for {@link Context.Builder#tls} (server key material) and for websocket clients (trust
 * material).
 *
 * <p>Thread-safe: any method may be called from any thread (stateless).
 */
public final class TlsContexts {
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448",
            "RSASSA-PSS");

    private TlsContexts() {
    }

    /**
     * A server context from a PKCS#12 key store holding one private key and its chain.
     *
     * @param pkcs12 the key store file
     * @param password the store's and the key's password
     * @return an initialised TLS context
     * @throws IOException when the file cannot be read
     * @throws GeneralSecurityException when the store or key is unusable
     */
    public static SSLContext fromPkcs12(Path pkcs12, char[] password)
            throws IOException, GeneralSecurityException {
        Objects.requireNonNull(pkcs12, "pkcs12");
        Objects.requireNonNull(password, "password");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(pkcs12)) {
            store.load(in, password);
        }
        return fromKeyStore(store, password);
    }

    /**
     * A server context from PEM files: a certificate chain (leaf first) and an unencrypted
     * PKCS#8 private key ({@code -----BEGIN PRIVATE KEY-----}; RSA, EC or EdDSA).
     *
     * @param certificateChain the PEM certificate chain file
     * @param pkcs8Key the PEM PKCS#8 key file
     * @return an initialised TLS context
     * @throws IOException when a file cannot be read or holds no PEM block
     * @throws GeneralSecurityException when the key or certificates are unusable
     */
    public static SSLContext fromPem(Path certificateChain, Path pkcs8Key)
            throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> chain = readCertificates(certificateChain);
        if (chain.isEmpty()) {
            throw new IOException("no certificate in " + certificateChain);
        }
        PrivateKey key = readPkcs8Key(pkcs8Key);
        char[] password = new char[0];
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", key, password, chain.toArray(new Certificate[0]));
        return fromKeyStore(store, password);
    }

    /**
     * A client context that trusts exactly the certificates in a PEM file (for example a
     * private CA, or a self-signed server certificate); host names are still verified.
     *
     * @param pemCertificates the PEM file with one or more certificates
     * @return an initialised TLS context
     * @throws IOException when the file cannot be read or holds no certificate
     * @throws GeneralSecurityException when the certificates are unusable
     */
    public static SSLContext trusting(Path pemCertificates)
            throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> certs = readCertificates(pemCertificates);
        if (certs.isEmpty()) {
            throw new IOException("no certificate in " + pemCertificates);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        for (Certificate c : certs) {
            store.setCertificateEntry("trusted-" + i++, c);
        }
        TrustManagerFactory tmf =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static SSLContext fromKeyStore(KeyStore store, char[] password)
            throws GeneralSecurityException {
        KeyManagerFactory kmf =
                KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    private static Collection<? extends Certificate> readCertificates(Path pem)
            throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
    }

    private static PrivateKey readPkcs8Key(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN PRIVATE KEY-----";
        String end = "-----END PRIVATE KEY-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IOException("no PKCS#8 '" + begin + "' block in " + pem
                    + " (encrypted or PKCS#1 keys must be converted first)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new InvalidKeySpecException("the PKCS#8 block in " + pem
                    + " is not valid base64: " + e.getMessage(), e);
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
                // try the next algorithm
            }
        }
        throw new InvalidKeySpecException("unsupported PKCS#8 key algorithm in " + pem);
    }
}
