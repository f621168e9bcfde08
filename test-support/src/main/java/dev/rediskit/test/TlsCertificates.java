package dev.rediskit.test;

import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for TLS tests, generated in-process at test time and written as PEM files.
 *
 * <p>Generated rather than checked in so that nothing expires and no private key sits in the repository; generated
 * with BouncyCastle rather than {@code openssl} or {@code keytool} so that no external tool is needed.
 *
 * <p>Contents of {@link #dir()}:
 * <ul>
 *   <li>{@code ca.pem}, {@code ca.key}: the trusted test CA;</li>
 *   <li>{@code server.pem}, {@code server.key}: server certificate for {@code localhost}, {@code 127.0.0.1} and
 *       {@code ::1}, signed by the CA;</li>
 *   <li>{@code names-only-server.pem}, {@code names-only-server.key}: server certificate for {@code localhost} only,
 *       no IP address, as certificates of managed Redis services name hosts; servers use it through
 *       {@link #namesOnly()};</li>
 *   <li>{@code client.pem}, {@code client.key}: client certificate signed by the CA, for servers that demand one;</li>
 *   <li>{@code untrusted-ca.pem}, {@code untrusted-server.pem}, {@code untrusted-server.key}: a second, self-signed
 *       CA and a server certificate for the same names signed by it, which clients trusting {@code ca.pem} must
 *       reject;</li>
 *   <li>{@code untrusted-client.pem}, {@code untrusted-client.key}: a client certificate signed by that second CA,
 *       which servers requiring client certificates signed by {@code ca.pem} must refuse.</li>
 * </ul>
 * Keys are EC P-256 in PKCS#8 PEM ({@code BEGIN PRIVATE KEY}): generating them takes milliseconds, where RSA keys
 * would add noticeable time to every test run, and Redis (OpenSSL), the JDK and Vert.x all read them.
 */
public final class TlsCertificates {

  private static TlsCertificates shared;

  private final Path dir;
  private final X509Certificate caCert;
  private final X509Certificate clientCert;
  private final PrivateKey clientKey;
  private final String serverFiles;
  private SSLSocketFactory socketFactory;
  private TlsCertificates namesOnly;

  private TlsCertificates(Path dir, X509Certificate caCert, X509Certificate clientCert, PrivateKey clientKey,
      String serverFiles) {
    this.dir = dir;
    this.caCert = caCert;
    this.clientCert = clientCert;
    this.clientKey = clientKey;
    this.serverFiles = serverFiles;
  }

  /**
   * One set of certificates per JVM, generated on first use into a temporary directory removed at JVM exit; all
   * TLS fixtures use it unless given another.
   *
   * @return the shared certificates
   */
  public static synchronized TlsCertificates shared() {
    if (shared == null) {
      try {
        Path dir = Files.createTempDirectory("rediskit-tls-");
        ProcessReaper.claim(dir);
        shared = generate(dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  /**
   * Generates a fresh set of certificates into a directory.
   *
   * @param dir existing directory to write the PEM files to
   * @return the generated certificates
   */
  public static TlsCertificates generate(Path dir) {
    try {
      Instant now = Instant.now();
      KeyPair caKeys = newKeyPair();
      X500Name caName = new X500Name("CN=RedisKit Test CA");
      X509Certificate ca = caCertificate(caName, caKeys, now);
      write(dir.resolve("ca.pem"), pem("CERTIFICATE", ca.getEncoded()));
      write(dir.resolve("ca.key"), pem("PRIVATE KEY", caKeys.getPrivate().getEncoded()));

      KeyPair serverKeys = newKeyPair();
      X509Certificate server = leafCertificate(new X500Name("CN=localhost"), serverKeys, ca, caKeys.getPrivate(),
          now, true, true);
      write(dir.resolve("server.pem"), pem("CERTIFICATE", server.getEncoded()));
      write(dir.resolve("server.key"), pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded()));

      KeyPair namesOnlyKeys = newKeyPair();
      X509Certificate namesOnlyServer = leafCertificate(new X500Name("CN=localhost"), namesOnlyKeys, ca,
          caKeys.getPrivate(), now, true, false);
      write(dir.resolve("names-only-server.pem"), pem("CERTIFICATE", namesOnlyServer.getEncoded()));
      write(dir.resolve("names-only-server.key"), pem("PRIVATE KEY", namesOnlyKeys.getPrivate().getEncoded()));

      KeyPair clientKeys = newKeyPair();
      X509Certificate client = leafCertificate(new X500Name("CN=rediskit-test-client"), clientKeys, ca,
          caKeys.getPrivate(), now, false, false);
      write(dir.resolve("client.pem"), pem("CERTIFICATE", client.getEncoded()));
      write(dir.resolve("client.key"), pem("PRIVATE KEY", clientKeys.getPrivate().getEncoded()));

      KeyPair untrustedCaKeys = newKeyPair();
      X509Certificate untrustedCa = caCertificate(new X500Name("CN=RedisKit Untrusted CA"), untrustedCaKeys, now);
      write(dir.resolve("untrusted-ca.pem"), pem("CERTIFICATE", untrustedCa.getEncoded()));
      KeyPair untrustedServerKeys = newKeyPair();
      X509Certificate untrustedServer = leafCertificate(new X500Name("CN=localhost"), untrustedServerKeys,
          untrustedCa, untrustedCaKeys.getPrivate(), now, true, true);
      write(dir.resolve("untrusted-server.pem"), pem("CERTIFICATE", untrustedServer.getEncoded()));
      write(dir.resolve("untrusted-server.key"), pem("PRIVATE KEY", untrustedServerKeys.getPrivate().getEncoded()));

      // A client certificate like client.pem, but signed by the untrusted CA: a server with tls-auth-clients yes and
      // ca.pem as its tls-ca-cert-file must refuse it.
      KeyPair untrustedClientKeys = newKeyPair();
      X509Certificate untrustedClient = leafCertificate(new X500Name("CN=rediskit-untrusted-client"),
          untrustedClientKeys, untrustedCa, untrustedCaKeys.getPrivate(), now, false, false);
      write(dir.resolve("untrusted-client.pem"), pem("CERTIFICATE", untrustedClient.getEncoded()));
      write(dir.resolve("untrusted-client.key"), pem("PRIVATE KEY", untrustedClientKeys.getPrivate().getEncoded()));

      return new TlsCertificates(dir, ca, client, clientKeys.getPrivate(), "server");
    } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
      throw new IllegalStateException("Cannot generate test certificates", e);
    }
  }

  /**
   * The same CA and client certificate, with a server certificate that names {@code localhost} only (no IP
   * address): a client that reaches a server by an IP, e.g. one a cluster or a Sentinel announces, fails hostname
   * verification, as it would with the certificates of most managed Redis services. Servers built with
   * {@code tls(certificates.namesOnly())} present it; {@link #serverCert()} and {@link #serverKey()} of the view
   * are its files.
   *
   * @return the view, shared by every caller
   */
  public synchronized TlsCertificates namesOnly() {
    if (namesOnly == null) {
      namesOnly = "names-only-server".equals(serverFiles) ? this
          : new TlsCertificates(dir, caCert, clientCert, clientKey, "names-only-server");
    }
    return namesOnly;
  }

  /**
   * Whether the server certificate names {@code localhost} only, without IP addresses (see {@link #namesOnly()}).
   *
   * @return {@code true} for the names-only view
   */
  public boolean isNamesOnly() {
    return "names-only-server".equals(serverFiles);
  }

  /**
   * Directory holding the PEM files.
   *
   * @return the directory
   */
  public Path dir() {
    return dir;
  }

  /**
   * The trusted CA certificate; what clients put in their trust options.
   *
   * @return path of {@code ca.pem}
   */
  public Path caCert() {
    return dir.resolve("ca.pem");
  }

  /**
   * The trusted CA's private key, for tests that sign further certificates.
   *
   * @return path of {@code ca.key}
   */
  public Path caKey() {
    return dir.resolve("ca.key");
  }

  /**
   * Server certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}, signed by the trusted CA; in the
   * {@link #namesOnly()} view, the one for {@code localhost} only.
   *
   * @return path of {@code server.pem} (or {@code names-only-server.pem})
   */
  public Path serverCert() {
    return dir.resolve(serverFiles + ".pem");
  }

  /**
   * Private key of {@link #serverCert()}.
   *
   * @return path of {@code server.key} (or {@code names-only-server.key})
   */
  public Path serverKey() {
    return dir.resolve(serverFiles + ".key");
  }

  /**
   * Client certificate signed by the trusted CA, for servers started with {@code tls-auth-clients yes}.
   *
   * @return path of {@code client.pem}
   */
  public Path clientCert() {
    return dir.resolve("client.pem");
  }

  /**
   * Private key of {@link #clientCert()}.
   *
   * @return path of {@code client.key}
   */
  public Path clientKey() {
    return dir.resolve("client.key");
  }

  /**
   * A self-signed CA that nothing trusts; a client trusting only it must reject servers using
   * {@link #serverCert()}.
   *
   * @return path of {@code untrusted-ca.pem}
   */
  public Path untrustedCaCert() {
    return dir.resolve("untrusted-ca.pem");
  }

  /**
   * Server certificate for the usual names but signed by the untrusted CA; a client trusting {@link #caCert()} must
   * reject a server presenting it.
   *
   * @return path of {@code untrusted-server.pem}
   */
  public Path untrustedServerCert() {
    return dir.resolve("untrusted-server.pem");
  }

  /**
   * Private key of {@link #untrustedServerCert()}.
   *
   * @return path of {@code untrusted-server.key}
   */
  public Path untrustedServerKey() {
    return dir.resolve("untrusted-server.key");
  }

  /**
   * Client certificate signed by the untrusted CA; a server started with {@code tls-auth-clients yes} (which trusts
   * {@link #caCert()} only) must refuse a client presenting it.
   *
   * @return path of {@code untrusted-client.pem}
   */
  public Path untrustedClientCert() {
    return dir.resolve("untrusted-client.pem");
  }

  /**
   * Private key of {@link #untrustedClientCert()}.
   *
   * @return path of {@code untrusted-client.key}
   */
  public Path untrustedClientKey() {
    return dir.resolve("untrusted-client.key");
  }

  /**
   * Vert.x trust options that trust the test CA.
   *
   * @return new options containing {@link #caCert()}
   */
  public PemTrustOptions trustOptions() {
    return new PemTrustOptions().addCertPath(caCert().toString());
  }

  /**
   * Vert.x trust options that trust only the untrusted CA, to test that a client rejects the real server.
   *
   * @return new options containing {@link #untrustedCaCert()}
   */
  public PemTrustOptions untrustedTrustOptions() {
    return new PemTrustOptions().addCertPath(untrustedCaCert().toString());
  }

  /**
   * Vert.x key/certificate options presenting the client certificate.
   *
   * @return new options with {@link #clientCert()} and {@link #clientKey()}
   */
  public PemKeyCertOptions clientKeyCertOptions() {
    return new PemKeyCertOptions().setCertPath(clientCert().toString()).setKeyPath(clientKey().toString());
  }

  /**
   * A JDK socket factory trusting the test CA and presenting the client certificate when asked; used by
   * {@link RespConnection} to talk to TLS servers. Built once: start-up polling asks for it every few
   * milliseconds.
   *
   * @return a socket factory
   */
  public synchronized SSLSocketFactory socketFactory() {
    if (socketFactory == null) {
      socketFactory = newSocketFactory();
    }
    return socketFactory;
  }

  private SSLSocketFactory newSocketFactory() {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", caCert);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);

      char[] password = "changeit".toCharArray();
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("client", clientKey, password, new Certificate[] {clientCert, caCert});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, password);

      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
      return context.getSocketFactory();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("Cannot build an SSL context from the test certificates", e);
    }
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static X509Certificate caCertificate(X500Name name, KeyPair keys, Instant now)
      throws GeneralSecurityException, OperatorCreationException, CertIOException {
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(), notBefore(now),
        notAfter(now), name, keys.getPublic());
    JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    builder.addExtension(Extension.subjectKeyIdentifier, false,
        extensions.createSubjectKeyIdentifier(keys.getPublic()));
    return sign(builder, keys.getPrivate());
  }

  private static X509Certificate leafCertificate(X500Name subject, KeyPair keys, X509Certificate issuer,
      PrivateKey issuerKey, Instant now, boolean serverNames, boolean withAddresses)
      throws GeneralSecurityException, OperatorCreationException, CertIOException {
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial(), notBefore(now),
        notAfter(now), subject, keys.getPublic());
    JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    builder.addExtension(Extension.keyUsage, true,
        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
    builder.addExtension(Extension.subjectKeyIdentifier, false,
        extensions.createSubjectKeyIdentifier(keys.getPublic()));
    builder.addExtension(Extension.authorityKeyIdentifier, false,
        extensions.createAuthorityKeyIdentifier(issuer));
    if (serverNames) {
      // Both the name and the addresses: clients connect to "localhost" (rediss:// URIs) or to the IPs a cluster or
      // a Sentinel announces, and hostname verification must pass for either; the names-only certificate leaves the
      // addresses out to show what happens when it does not.
      GeneralName[] names = withAddresses
          ? new GeneralName[] {new GeneralName(GeneralName.dNSName, "localhost"),
              new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.iPAddress, "::1")}
          : new GeneralName[] {new GeneralName(GeneralName.dNSName, "localhost")};
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
    }
    // No extended key usage: without it a certificate may serve as client or server, which Redis needs when a
    // node's server certificate also authenticates it to other nodes (replication, cluster bus).
    return sign(builder, issuerKey);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws GeneralSecurityException, OperatorCreationException {
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }

  private static BigInteger serial() {
    return new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE);
  }

  /** Back-dated an hour so that a slightly skewed clock between generation and use cannot make it "not yet valid". */
  private static Date notBefore(Instant now) {
    return Date.from(now.minus(Duration.ofHours(1)));
  }

  private static Date notAfter(Instant now) {
    return Date.from(now.plus(Duration.ofDays(30)));
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  private static void write(Path file, String content) {
    try {
      Files.writeString(file, content, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
