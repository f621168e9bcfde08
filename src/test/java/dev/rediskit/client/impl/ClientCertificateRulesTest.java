package dev.rediskit.client.impl;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.config.ConfigurationException;
import dev.rediskit.test.TlsCertificates;
import io.vertx.core.json.JsonObject;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientCertificateRulesTest {

  @TempDir
  static Path tmp;

  static TlsCertificates certs;
  static String cert;
  static String key;
  private static final String TLS = "rediss://localhost:6380";

  @BeforeAll
  static void generate() throws IOException {
    certs = TlsCertificates.generate(Files.createDirectories(tmp.resolve("tls")));
    cert = certs.clientCert().toString();
    key = certs.clientKey().toString();
  }

  private static List<String> problems(String certPath, String keyPath, String endpoint) {
    return new RedisKitOptions().setEndpoint(endpoint).setTlsCertPath(certPath).setTlsKeyPath(keyPath).problems();
  }

  private static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + label + "-----\n";
  }

  private static String file(String name, String content) throws IOException {
    return Files.writeString(tmp.resolve(name), content, StandardCharsets.US_ASCII).toString();
  }

  @Test
  void aCertificateAndItsKeyWithTlsEndpointsAreValid() throws IOException {
    assertThat(problems(cert, key, TLS)).isEmpty();
    // A chain: the client's certificate first, then its CA.
    String chain = file("chain.pem", Files.readString(certs.clientCert()) + Files.readString(certs.caCert()));
    assertThat(problems(chain, key, TLS)).isEmpty();
  }

  @Test
  void oneWithoutTheOtherNamesTheMissingOne() {
    assertThat(problems(cert, null, TLS)).containsExactly(
      "tlsKeyPath: must be set when tlsCertPath is (the private key of the client certificate), was null");
    assertThat(problems(null, key, TLS)).containsExactly(
      "tlsCertPath: must be set when tlsKeyPath is (the client certificate the private key belongs to), was null");
  }

  @Test
  void aClientCertificateWithoutATlsEndpointIsAProblem() {
    assertThat(problems(cert, key, "redis://localhost:6379")).containsExactly("tlsCertPath: is only used with rediss:// "
      + "endpoints, and none is configured: use rediss:// (the client certificate is presented in the TLS handshake) or "
      + "unset tlsCertPath and tlsKeyPath, was \"" + cert + "\"");
  }

  @Test
  void missingFilesAndDirectoriesAreNamed() {
    assertThat(problems("/no/such/client.pem", key, TLS))
      .containsExactly("tlsCertPath: must name an existing PEM file (no such file), was \"/no/such/client.pem\"");
    assertThat(problems(cert, tmp.toString(), TLS))
      .containsExactly("tlsKeyPath: must name a PEM file, not a directory, was \"" + tmp + "\"");
  }

  @Test
  void filesSwappedOrOfTheWrongKindSayWhatTheyHold() throws IOException {
    assertThat(problems(key, cert, TLS)).containsExactly(
      "tlsCertPath: must hold certificates only; it holds a private key, which belongs in tlsKeyPath, was \"" + key + "\"",
      "tlsKeyPath: must hold the private key; it holds a certificate, which belongs in tlsCertPath, was \"" + cert + "\"");
    String text = file("notes.txt", "hello\n");
    assertThat(problems(text, key, TLS)).containsExactly("tlsCertPath: must be a PEM file of X.509 certificates "
      + "(-----BEGIN CERTIFICATE-----); none found, was \"" + text + "\"");
    String csr = file("client.csr", pem("CERTIFICATE REQUEST", new byte[] {0x30, 0}));
    assertThat(problems(csr, key, TLS)).containsExactly("tlsCertPath: must be a PEM file of X.509 certificates "
      + "(-----BEGIN CERTIFICATE-----); found CERTIFICATE REQUEST, was \"" + csr + "\"");
    String broken = file("broken.pem", pem("CERTIFICATE", new byte[] {0x30, 3, 1, 2, 3}));
    assertThat(problems(broken, key, TLS)).singleElement().asString()
      .startsWith("tlsCertPath: must hold X.509 certificates that parse (");
  }

  @Test
  void anEncryptedKeyIsRefusedWithHowToDecryptIt() throws IOException {
    String encrypted = file("encrypted.key", pem("ENCRYPTED PRIVATE KEY", new byte[] {0x30, 0}));
    String legacy = file("legacy-encrypted.key", "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
      + "DEK-Info: AES-128-CBC,00\n\nMIIB\n-----END RSA PRIVATE KEY-----\n");
    for (String path : List.of(encrypted, legacy)) {
      assertThat(problems(cert, path, TLS)).singleElement().asString()
        .startsWith("tlsKeyPath: must be an unencrypted private key: Vert.x reads no encrypted key")
        .contains("openssl pkcs8 -topk8 -nocrypt").endsWith("was \"" + path + "\"");
    }
  }

  @Test
  void otherKeyFormatsNameTheAcceptedOnes() throws IOException {
    String openssh = file("id_ed25519", pem("OPENSSH PRIVATE KEY", new byte[] {0x6f}));
    assertThat(problems(cert, openssh, TLS)).containsExactly("tlsKeyPath: must be an unencrypted PEM private key: "
      + "PKCS#8 (BEGIN PRIVATE KEY), PKCS#1 (BEGIN RSA PRIVATE KEY) or EC (BEGIN EC PRIVATE KEY); found BEGIN OPENSSH "
      + "PRIVATE KEY, convert it with openssl pkcs8 -topk8 -nocrypt -in <key> -out <key.pem>, was \"" + openssh + "\"");
    String garbage = file("garbage.key", pem("PRIVATE KEY", "not base64 !!".getBytes(StandardCharsets.US_ASCII)));
    assertThat(problems(cert, garbage, TLS)).containsExactly(
      "tlsKeyPath: must hold a PRIVATE KEY block of valid base64 DER, was \"" + garbage + "\"");
  }

  @Test
  void aPkcs1RsaKeyIsAcceptedAndLeftToTheHandshake() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    byte[] pkcs8 = rsa.generateKeyPair().getPrivate().getEncoded();
    byte[] pkcs1 = PrivateKeyInfo.getInstance(pkcs8).parsePrivateKey().toASN1Primitive().getEncoded();
    String rsaKey = file("rsa.key", pem("RSA PRIVATE KEY", pkcs1));
    assertThat(ClientCertificateRules.keyPathProblem("tlsKeyPath", rsaKey)).isNull();
    // Not compared (the JDK reads no PKCS#1): the handshake refuses a key of another certificate.
    assertThat(problems(cert, rsaKey, TLS)).isEmpty();
  }

  @Test
  void anotherCertificatesKeyIsRefused() {
    String other = certs.untrustedClientKey().toString();
    assertThat(problems(cert, other, TLS)).containsExactly("tlsKeyPath: must hold the private key of the first "
      + "certificate in tlsCertPath (" + cert + "); it holds another key, was \"" + other + "\"");
  }

  @Test
  void blankPathsAreRefusedBySetters() {
    assertThatThrownBy(() -> new RedisKitOptions().setTlsKeyPath(" ")).isInstanceOf(IllegalArgumentException.class)
      .hasMessage("tlsKeyPath: must not be blank (null means no client certificate), was \" \"");
    assertThatThrownBy(() -> new RedisKitOptions().setTlsCertPath("")).isInstanceOf(IllegalArgumentException.class)
      .hasMessage("tlsCertPath: must not be blank (null means no client certificate), was \"\"");
  }

  @Test
  void jsonRoundTripKeepsBothPathsAndNoProblemShowsTheKeyFileContents() throws IOException {
    RedisKitOptions o = new RedisKitOptions(new JsonObject().put("endpoints", TLS).put("tlsCertPath", cert)
      .put("tlsKeyPath", key));
    assertThat(o.problems()).isEmpty();
    JsonObject json = o.toJson();
    assertThat(json.getString("tlsCertPath")).isEqualTo(cert);
    assertThat(json.getString("tlsKeyPath")).isEqualTo(key);
    RedisKitOptions back = new RedisKitOptions(json);
    assertThat(back.getTlsCertPath()).isEqualTo(cert);
    assertThat(back.getTlsKeyPath()).isEqualTo(key);
    assertThat(back.toJson()).isEqualTo(json);
    assertThat(new RedisKitOptions(o).getTlsKeyPath()).isEqualTo(key);
    // Empty unsets, as for tlsCaPath.
    assertThat(new RedisKitOptions(new JsonObject().put("tlsCertPath", "").put("tlsKeyPath", "")).getTlsKeyPath()).isNull();

    String keyBody = Files.readString(certs.clientKey()).lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
    assertThat(o.toDisplayJson().encode()).contains(key).doesNotContain(keyBody);
    assertThat(o.toString()).doesNotContain(keyBody);
    // The key file given where the certificate goes: the problems still only name the path.
    assertThatThrownBy(() -> new RedisKitOptions().setEndpoint(TLS).setTlsCertPath(key).setTlsKeyPath(key).validate())
      .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(String.join("\n", e.problems()))
        .contains("tlsCertPath: must hold certificates only").doesNotContain(keyBody))
      .satisfies(e -> assertThat(e.getMessage()).doesNotContain(keyBody));
  }
}
