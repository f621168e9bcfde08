package dev.rediskit.client.impl;

import dev.rediskit.config.OptionChecks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules of the client certificate ({@code tlsCertPath}) and its private key ({@code tlsKeyPath})
 * the gateway presents to servers that require one ({@code tls-auth-clients yes}). The files are
 * read at validation, once before any traffic, so that a wrong file fails the start with the key
 * named rather than every TLS handshake with a Netty stack trace.
 *
 * <p>What is accepted is what Vert.x 5.0.7's {@code PemKeyCertOptions} reads: certificates as PEM
 * {@code BEGIN CERTIFICATE} blocks (the client's first, then any intermediates), and one unencrypted
 * RSA or EC private key as PEM PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE
 * KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}). It reads no encrypted key and has no key password.
 *
 * <p>The key file's contents are a secret: no problem line quotes them, nor an exception message
 * that could; only the path is shown.
 */
public final class ClientCertificateRules {

  private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");
  private static final String KEY_FORMATS = "an unencrypted PEM private key: PKCS#8 (BEGIN PRIVATE KEY), "
    + "PKCS#1 (BEGIN RSA PRIVATE KEY) or EC (BEGIN EC PRIVATE KEY)";

  private ClientCertificateRules() {
  }

  /**
   * @param key the key to name
   * @param path the certificate file, or {@code null}
   * @return the problem, or {@code null} when unset or a readable file of PEM X.509 certificates
   */
  public static String certPathProblem(String key, String path) {
    return fileProblem(key, path, ClientCertificateRules::certificates);
  }

  /**
   * @param key the key to name
   * @param path the private key file, or {@code null}
   * @return the problem (naming the path, never the contents), or {@code null} when unset or a
   *         readable file holding one private key in a format Vert.x reads
   */
  public static String keyPathProblem(String key, String path) {
    return fileProblem(key, path, ClientCertificateRules::privateKey);
  }

  /** Reads a PEM file the way one of the rules does, or says which rule it breaks. */
  private interface PemReader {
    Object read(Path path) throws Invalid;
  }

  private static String fileProblem(String key, String path, PemReader reader) {
    String fileProblem = GatewayRules.tlsCaPathProblem(key, path);
    if (path == null || fileProblem != null) {
      return fileProblem;
    }
    try {
      reader.read(Path.of(path));
      return null;
    } catch (Invalid e) {
      return OptionChecks.violation(key, e.getMessage(), path);
    }
  }

  /** @return the labels of the file's PEM blocks ({@code CERTIFICATE}, {@code PRIVATE KEY}...), in order */
  private static List<String> labels(String text) {
    Matcher m = BEGIN.matcher(text);
    List<String> labels = new ArrayList<>();
    while (m.find()) {
      labels.add(m.group(1));
    }
    return labels;
  }

  /**
   * The rules across the two settings and the endpoints. A client certificate with no
   * {@code rediss://} endpoint is a problem, not a warning: it says that the deployment expects
   * mutual TLS, and connecting in plain text instead would drop both the encryption and the
   * authentication the certificate was meant for without a word.
   *
   * @param certPath {@code tlsCertPath}, or {@code null}
   * @param keyPath {@code tlsKeyPath}, or {@code null}
   * @param usesTls whether some endpoint is a {@code rediss://} one
   * @return the problems; empty when both are unset, or both set, used with TLS and matching
   */
  public static List<String> pairProblems(String certPath, String keyPath, boolean usesTls) {
    List<String> problems = new ArrayList<>();
    if (certPath == null && keyPath == null) {
      return problems;
    }
    if (certPath == null) {
      problems.add(OptionChecks.violation("tlsCertPath",
        "must be set when tlsKeyPath is (the client certificate the private key belongs to)", null));
      return problems;
    }
    if (keyPath == null) {
      problems.add(OptionChecks.violation("tlsKeyPath",
        "must be set when tlsCertPath is (the private key of the client certificate)", null));
      return problems;
    }
    if (!usesTls) {
      problems.add(OptionChecks.violation("tlsCertPath", "is only used with rediss:// endpoints, and none is "
        + "configured: use rediss:// (the client certificate is presented in the TLS handshake) or unset "
        + "tlsCertPath and tlsKeyPath", certPath));
    }
    if (certPathProblem("tlsCertPath", certPath) == null && keyPathProblem("tlsKeyPath", keyPath) == null) {
      OptionChecks.collect(problems, matchProblem(certPath, keyPath));
    }
    return problems;
  }

  /**
   * A key that is not the certificate's fails every handshake with a message naming neither file,
   * so it is checked here: a test message signed with the key must verify with the certificate's
   * public key. PKCS#1 RSA and SEC1 EC keys are left to the handshake (the JDK reads only PKCS#8).
   */
  private static String matchProblem(String certPath, String keyPath) {
    try {
      PublicKey certified = certificates(Path.of(certPath)).get(0).getPublicKey();
      PrivateKey key = privateKey(Path.of(keyPath));
      if (key == null) {
        return null;
      }
      if (!certified.getAlgorithm().equals(key.getAlgorithm())) {
        return OptionChecks.violation("tlsKeyPath", "must hold the private key of the first certificate in "
          + "tlsCertPath (the key is " + key.getAlgorithm() + ", the certificate's " + certified.getAlgorithm() + ")", keyPath);
      }
      String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      byte[] probe = "rediskit client certificate check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certified);
      verifier.update(probe);
      return verifier.verify(signature) ? null : OptionChecks.violation("tlsKeyPath",
        "must hold the private key of the first certificate in tlsCertPath (" + certPath + "); it holds another key", keyPath);
    } catch (Invalid | GeneralSecurityException | RuntimeException e) {
      // Both files passed their own checks; what cannot be compared is left to the handshake.
      return null;
    }
  }

  private static List<X509Certificate> certificates(Path path) throws Invalid {
    String text = read(path);
    List<String> labels = labels(text);
    if (labels.isEmpty()) {
      throw new Invalid("must be a PEM file of X.509 certificates (-----BEGIN CERTIFICATE-----); none found"
        + (looksLikeDer(text) ? " (the file looks binary: convert DER with openssl x509 -inform der -out cert.pem)" : ""));
    }
    if (labels.stream().anyMatch(l -> l.contains("PRIVATE KEY"))) {
      throw new Invalid("must hold certificates only; it holds a private key, which belongs in tlsKeyPath");
    }
    if (!labels.contains("CERTIFICATE")) {
      throw new Invalid("must be a PEM file of X.509 certificates (-----BEGIN CERTIFICATE-----); found "
        + String.join(", ", labels));
    }
    try {
      List<X509Certificate> certs = new ArrayList<>();
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (var c : factory.generateCertificates(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)))) {
        certs.add((X509Certificate) c);
      }
      if (certs.isEmpty()) {
        throw new Invalid("must hold at least one X.509 certificate");
      }
      return certs;
    } catch (CertificateException e) {
      throw new Invalid("must hold X.509 certificates that parse (" + e.getMessage() + ")");
    }
  }

  /**
   * @return the key, or {@code null} for a PKCS#1 RSA or SEC1 EC key, which Vert.x reads but the JDK does not
   */
  private static PrivateKey privateKey(Path path) throws Invalid {
    String text = read(path);
    List<String> labels = labels(text);
    if (labels.contains("ENCRYPTED PRIVATE KEY") || text.contains("Proc-Type: 4,ENCRYPTED")) {
      throw new Invalid("must be an unencrypted private key: Vert.x reads no encrypted key (and RedisKit takes no key "
        + "password); decrypt it with openssl pkcs8 -topk8 -nocrypt -in <encrypted> -out <key.pem> and keep the "
        + "file readable by the service only");
    }
    List<String> keys = labels.stream().filter(l -> l.endsWith("PRIVATE KEY")).toList();
    if (keys.isEmpty()) {
      if (labels.contains("CERTIFICATE")) {
        throw new Invalid("must hold the private key; it holds a certificate, which belongs in tlsCertPath");
      }
      throw new Invalid("must be " + KEY_FORMATS + "; " + (labels.isEmpty() ? "no PEM block found"
        + (looksLikeDer(text) ? " (the file looks binary: convert it with openssl pkcs8 -topk8 -nocrypt -inform der)" : "")
        : "found " + String.join(", ", labels)));
    }
    if (keys.size() > 1) {
      throw new Invalid("must hold one private key, found " + keys.size());
    }
    String label = keys.get(0);
    if (!label.equals("PRIVATE KEY") && !label.equals("RSA PRIVATE KEY") && !label.equals("EC PRIVATE KEY")) {
      throw new Invalid("must be " + KEY_FORMATS + "; found BEGIN " + label
        + ", convert it with openssl pkcs8 -topk8 -nocrypt -in <key> -out <key.pem>");
    }
    byte[] der = body(text, label);
    if (der == null || der.length == 0 || der[0] != 0x30) {
      throw new Invalid("must hold a " + label + " block of valid base64 DER");
    }
    if (!label.equals("PRIVATE KEY")) {
      // PKCS#1 and SEC1: Vert.x reads them, the JDK does not; the handshake checks what is inside.
      return null;
    }
    for (String algorithm : List.of("RSA", "EC")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException notThisAlgorithm) {
        // The next one, as Vert.x tries RSA then EC.
      }
    }
    throw new Invalid("must hold an RSA or EC private key (Vert.x reads no other kind, e.g. Ed25519)");
  }

  private static byte[] body(String text, String label) {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end, from);
    if (from < 0 || to < 0) {
      return null;
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to).trim());
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
  }

  private static boolean looksLikeDer(String text) {
    return !text.isEmpty() && text.charAt(0) == 0x30;
  }

  private static String read(Path path) throws Invalid {
    try {
      // At validation, once before any traffic (as the CA file's stat); never on an event loop's hot path.
      return new String(Files.readAllBytes(path), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new Invalid("must be a readable file (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** What is wrong with a file, worded as the rule it breaks; never its contents. */
  private static final class Invalid extends Exception {
    Invalid(String rule) {
      super(rule, null, false, false);
    }
  }
}
