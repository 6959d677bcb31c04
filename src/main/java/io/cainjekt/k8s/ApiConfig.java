// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.k8s;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Where the API server is and how the plugin authenticates to it: in a pod from the service
 * account, or from a kubeconfig file (its current-context). Supported credentials are a bearer
 * token, a token file and a client certificate; exec plugins, auth providers, basic auth and {@code
 * insecure-skip-tls-verify} are refused with an {@link IOException} that names the file and field.
 *
 * <p>{@link #tls()} trusts only the cluster's CA certificates (the JDK's when a kubeconfig names
 * none); hostname verification stays with the HttpClient (on). A token file is re-read when its
 * modification time, size or file key changes, since the kubelet rewrites projected tokens about
 * hourly; otherwise the supplier answers with what it read last, and with empty while the file is
 * unreadable. Token values and key material never appear in messages or logs. Thread-safe.
 *
 * @param server the API server, an http or https URI with a host
 * @param tls the TLS context for https: trust and, for a client certificate, the key
 * @param bearerToken the token for the next request; never throws
 */
public record ApiConfig(URI server, SSLContext tls, Supplier<Optional<String>> bearerToken) {

  /** Where the kubelet mounts the service account's token and CA in every pod. */
  static final Path SERVICE_ACCOUNT_DIR = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

  /** Protects the in-memory key store only; it never leaves the process. */
  private static final char[] KEY_STORE_PASSWORD = "cainjekt".toCharArray();

  private static final Pattern PEM_BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  private static final List<String> UNSUPPORTED_AUTH =
      List.of("exec", "auth-provider", "username", "password");

  private static final Logger log = LoggerFactory.getLogger(ApiConfig.class);

  /** Rejects nulls and a server that is not an http or https URI with a host. */
  public ApiConfig {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(bearerToken, "bearerToken");
    if (!isServer(server)) {
      throw new IllegalArgumentException("server " + server + " is not http or https with a host");
    }
  }

  /**
   * In a pod: {@code https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT} (IPv6 hosts
   * bracketed), trusting the service account's {@code ca.crt} and sending its {@code token}.
   */
  public static ApiConfig inCluster() throws IOException {
    return inCluster(System.getenv(), SERVICE_ACCOUNT_DIR);
  }

  static ApiConfig inCluster(Map<String, String> env, Path serviceAccountDir) throws IOException {
    String host = inPodEnv(env, "KUBERNETES_SERVICE_HOST");
    String port = inPodEnv(env, "KUBERNETES_SERVICE_PORT");
    boolean ipv6 = host.contains(":") && !host.startsWith("[");
    URI server =
        server("https://" + (ipv6 ? "[" + host + "]" : host) + ":" + port, "in-cluster api server");
    Path caFile = serviceAccountDir.resolve("ca.crt");
    byte[] ca = read(caFile, "in-cluster: cannot read service account CA " + caFile);
    SSLContext tls = tls(certificates(ca, "in-cluster: service account CA " + caFile), null);
    TokenFile token = TokenFile.open(serviceAccountDir.resolve("token"), "in-cluster: ");
    loaded("in-cluster", server, "token_file");
    return new ApiConfig(server, tls, token);
  }

  /** From a kubeconfig file (YAML or JSON): the cluster and user of its current-context. */
  public static ApiConfig fromKubeconfig(Path file) throws IOException {
    Kubeconfig kubeconfig = new Kubeconfig(file, Kubeconfig.load(file));
    String contextName = kubeconfig.string(kubeconfig.root(), "current-context", "");
    if (contextName.isEmpty()) {
      throw kubeconfig.problem("current-context is not set");
    }
    Map<?, ?> context = kubeconfig.named("contexts", "context", contextName);
    String where = "context \"" + contextName + "\"";
    String clusterName = kubeconfig.string(context, "cluster", where);
    if (clusterName.isEmpty()) {
      throw kubeconfig.problem(where + " has no cluster");
    }
    Map<?, ?> cluster = kubeconfig.named("clusters", "cluster", clusterName);
    String userName = kubeconfig.string(context, "user", where);
    Map<?, ?> user = userName.isEmpty() ? Map.of() : kubeconfig.named("users", "user", userName);
    return kubeconfig.config(clusterName, cluster, userName, user);
  }

  /** A plain http server, or https with the JDK's default trust; no token (tests). */
  public static ApiConfig of(URI server) {
    try {
      return new ApiConfig(server, SSLContext.getDefault(), Optional::empty);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no default TLS context", e);
    }
  }

  private static String inPodEnv(Map<String, String> env, String name) throws IOException {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new IOException("not in a pod: " + name + " is not set");
    }
    return value.strip();
  }

  static boolean isServer(URI uri) {
    String scheme = uri.getScheme();
    return ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
        && uri.getHost() != null;
  }

  private static URI server(String value, String where) throws IOException {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new IOException(where + " " + value + " is not a URI", e);
    }
    if (!isServer(uri)) {
      throw new IOException(where + " " + value + " is not an http or https URI with a host");
    }
    return uri;
  }

  /** The bytes of {@code file}; {@code what} starts the message of a failure. */
  private static byte[] read(Path file, String what) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IOException(what, e);
    }
  }

  private static void loaded(String source, URI server, String auth) {
    log.atInfo()
        .setMessage("kubernetes: api config loaded")
        .addKeyValue("source", source)
        .addKeyValue("api", server)
        .addKeyValue("auth", auth)
        .log();
  }

  /** All certificates of a PEM bundle (or one DER certificate); at least one. */
  static List<X509Certificate> certificates(byte[] pemOrDer, String where) throws IOException {
    List<X509Certificate> certificates = new ArrayList<>();
    try {
      for (Certificate c :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pemOrDer))) {
        certificates.add((X509Certificate) c);
      }
    } catch (CertificateException e) {
      throw new IOException(where + ": not PEM certificates", e);
    }
    if (certificates.isEmpty()) {
      throw new IOException(where + ": no certificates");
    }
    return List.copyOf(certificates);
  }

  /**
   * A TLS context trusting only {@code cas} (the JDK's trust when empty) and presenting {@code
   * keys} (none when null).
   */
  static SSLContext tls(List<X509Certificate> cas, KeyManager[] keys) throws IOException {
    try {
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (cas.isEmpty()) {
        trust.init((KeyStore) null);
      } else {
        KeyStore store = emptyKeyStore();
        for (int i = 0; i < cas.size(); i++) {
          store.setCertificateEntry("ca-" + i, cas.get(i));
        }
        trust.init(store);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("build TLS context", e);
    }
  }

  /** Key managers presenting {@code chain} (leaf first) with {@code key}. */
  static KeyManager[] keyManagers(List<X509Certificate> chain, PrivateKey key)
      throws GeneralSecurityException, IOException {
    KeyStore store = emptyKeyStore();
    store.setKeyEntry("client", key, KEY_STORE_PASSWORD, chain.toArray(X509Certificate[]::new));
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, KEY_STORE_PASSWORD);
    return factory.getKeyManagers();
  }

  private static KeyStore emptyKeyStore() throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    return store;
  }

  /**
   * The private key of the first {@code ... PRIVATE KEY} block in {@code pem}: PKCS#8 ({@code
   * PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}). PKCS#1 and
   * SEC1 are wrapped into PKCS#8 with the algorithm identifier of {@code certificate}'s public key
   * (which carries the EC curve), and the key must match that certificate.
   */
  static PrivateKey privateKey(byte[] pem, X509Certificate certificate, String where)
      throws IOException {
    Matcher block = PEM_BLOCK.matcher(new String(pem, StandardCharsets.ISO_8859_1));
    boolean found;
    do { // skips blocks such as "EC PARAMETERS" ahead of the key
      found = block.find();
    } while (found && !block.group(1).endsWith("PRIVATE KEY"));
    if (!found) {
      throw new IOException(where + ": no PEM private key block");
    }
    String label = block.group(1);
    if (label.equals("ENCRYPTED PRIVATE KEY") || block.group(2).contains("Proc-Type:")) {
      throw new IOException(where + ": encrypted private keys are not supported");
    }
    String algorithm = certificate.getPublicKey().getAlgorithm();
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(block.group(2).strip());
    } catch (IllegalArgumentException e) {
      throw new IOException(where + ": " + label + " block is not base64", e);
    }
    byte[] pkcs8 =
        switch (label) {
          case "PRIVATE KEY" -> der;
          case "RSA PRIVATE KEY" -> wrap(der, certificate, "RSA", where);
          case "EC PRIVATE KEY" -> wrap(der, certificate, "EC", where);
          default -> throw new IOException(where + ": unsupported PEM block " + label);
        };
    try {
      PrivateKey key =
          KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      requireMatch(key, certificate, where);
      return key;
    } catch (GeneralSecurityException e) {
      throw new IOException(where + ": " + label + " is not a valid " + algorithm + " key", e);
    }
  }

  private static byte[] wrap(
      byte[] der, X509Certificate certificate, String algorithm, String where) throws IOException {
    if (!certificate.getPublicKey().getAlgorithm().equals(algorithm)) {
      throw new IOException(
          where + ": a " + algorithm + " key for a certificate of another key type");
    }
    return Der.pkcs8(Der.algorithmIdentifier(certificate.getPublicKey().getEncoded()), der);
  }

  /** Signs and verifies a probe, so a key of another certificate fails here, not in a handshake. */
  private static void requireMatch(PrivateKey key, X509Certificate certificate, String where)
      throws GeneralSecurityException, IOException {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
          default -> throw new IOException(where + ": unsupported key type " + key.getAlgorithm());
        };
    byte[] probe = "cainjekt key probe".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(probe);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(certificate.getPublicKey());
    verifier.update(probe);
    if (!verifier.verify(signature)) {
      throw new IOException(where + ": the key does not belong to the client certificate");
    }
  }

  /** The few DER steps that turn a PKCS#1 or SEC1 key into PKCS#8. */
  static final class Der {
    private Der() {}

    /** The AlgorithmIdentifier, the first element, of an X.509 SubjectPublicKeyInfo. */
    static byte[] algorithmIdentifier(byte[] subjectPublicKeyInfo) {
      int start = contentStart(subjectPublicKeyInfo, 0);
      int end = contentStart(subjectPublicKeyInfo, start) + length(subjectPublicKeyInfo, start);
      return Arrays.copyOfRange(subjectPublicKeyInfo, start, end);
    }

    /** PrivateKeyInfo ::= SEQUENCE { version 0, algorithm, OCTET STRING privateKey }. */
    static byte[] pkcs8(byte[] algorithmIdentifier, byte[] privateKey) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.writeBytes(new byte[] {0x02, 0x01, 0x00});
      body.writeBytes(algorithmIdentifier);
      body.writeBytes(element(0x04, privateKey));
      return element(0x30, body.toByteArray());
    }

    static byte[] element(int tag, byte[] content) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
      out.write(tag);
      int n = content.length;
      if (n < 0x80) {
        out.write(n);
      } else {
        int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(n) + 7) / Byte.SIZE;
        out.write(0x80 | bytes);
        for (int i = bytes - 1; i >= 0; i--) {
          out.write(n >>> (Byte.SIZE * i));
        }
      }
      out.writeBytes(content);
      return out.toByteArray();
    }

    private static int contentStart(byte[] der, int offset) {
      int first = der[offset + 1] & 0xff;
      return offset + 2 + (first < 0x80 ? 0 : first & 0x7f);
    }

    private static int length(byte[] der, int offset) {
      int first = der[offset + 1] & 0xff;
      if (first < 0x80) {
        return first;
      }
      int length = 0;
      for (int i = 0; i < (first & 0x7f); i++) {
        length = (length << Byte.SIZE) | (der[offset + 2 + i] & 0xff);
      }
      return length;
    }
  }

  /**
   * A token file, re-read when its modification time, size or file key changes. Thread-safe: the
   * last read is one immutable value swapped atomically.
   */
  static final class TokenFile implements Supplier<Optional<String>> {

    private record Stamp(FileTime modified, long size, Object fileKey) {}

    private record Read(Stamp stamp, Optional<String> token) {}

    private final Path path;
    private final AtomicReference<Read> last = new AtomicReference<>();
    private final AtomicBoolean failing = new AtomicBoolean();

    private TokenFile(Path path) {
      this.path = path;
    }

    /** A supplier for {@code path}, which must hold a token now; {@code what} prefixes errors. */
    static TokenFile open(Path path, String what) throws IOException {
      TokenFile file = new TokenFile(path);
      Optional<String> token;
      try {
        token = file.read(file.stamp()).token();
      } catch (IOException e) {
        throw new IOException(what + "cannot read token file " + path, e);
      }
      if (token.isEmpty()) {
        throw new IOException(what + "token file " + path + " is empty");
      }
      return file;
    }

    @Override
    public Optional<String> get() {
      try {
        Stamp stamp = stamp();
        Read cached = last.get();
        Optional<String> token =
            cached != null && cached.stamp().equals(stamp) ? cached.token() : read(stamp).token();
        if (failing.compareAndSet(true, false)) {
          log.atInfo()
              .setMessage("kubernetes: token file readable again")
              .addKeyValue("path", path)
              .log();
        }
        return token;
      } catch (IOException e) {
        if (failing.compareAndSet(false, true)) {
          log.atWarn()
              .setMessage("kubernetes: token file unreadable; requests go without a token")
              .addKeyValue("path", path)
              .setCause(e)
              .log();
        }
        return Optional.empty();
      }
    }

    /**
     * Reads the content under {@code stamp}, taken before it: a change in between only causes one
     * more read.
     */
    private Read read(Stamp stamp) throws IOException {
      String token = Files.readString(path).strip();
      Read fresh = new Read(stamp, token.isEmpty() ? Optional.empty() : Optional.of(token));
      last.set(fresh);
      log.atDebug().setMessage("kubernetes: token file read").addKeyValue("path", path).log();
      return fresh;
    }

    private Stamp stamp() throws IOException {
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      return new Stamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
    }
  }

  /** One parsed kubeconfig file; every error names the file. */
  private record Kubeconfig(Path file, Map<?, ?> root) {

    static Map<?, ?> load(Path file) throws IOException {
      String text =
          new String(read(file, "cannot read kubeconfig " + file), StandardCharsets.UTF_8);
      Object root;
      try {
        root =
            new Load(LoadSettings.builder().setLabel(file.toString()).build()).loadFromString(text);
      } catch (MarkedYamlEngineException e) {
        // No cause on purpose: snakeyaml's message quotes the offending line, maybe a token.
        String at =
            e.getProblemMark()
                .map(m -> " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1))
                .orElse("");
        throw new IOException(
            "kubeconfig " + file + ": malformed YAML" + at + ": " + e.getProblem());
      } catch (YamlEngineException e) {
        throw new IOException("kubeconfig " + file + ": malformed YAML"); // no cause, as above
      }
      if (!(root instanceof Map<?, ?> map)) {
        throw new IOException("kubeconfig " + file + ": not a YAML mapping");
      }
      return map;
    }

    ApiConfig config(String clusterName, Map<?, ?> cluster, String userName, Map<?, ?> user)
        throws IOException {
      String where = "cluster \"" + clusterName + "\"";
      String serverField = string(cluster, "server", where);
      if (serverField.isEmpty()) {
        throw problem(where + " has no server");
      }
      URI server = server(serverField, "kubeconfig " + file + ": " + where + " server");
      Object insecure = cluster.get("insecure-skip-tls-verify");
      if (Boolean.TRUE.equals(insecure) || "true".equals(insecure)) {
        throw problem(
            where
                + " sets insecure-skip-tls-verify, which cainjekt does not support: it always"
                + " verifies the API server; set certificate-authority or certificate-authority-data");
      }
      Optional<Pem> ca = pem(cluster, "certificate-authority", where);
      List<X509Certificate> cas =
          ca.isEmpty() ? List.of() : certificates(ca.get().bytes(), ca.get().where());
      Credentials credentials = credentials(userName, user);
      loaded(file.toString(), server, credentials.auth());
      return new ApiConfig(server, tls(cas, credentials.keys()), credentials.token());
    }

    private record Credentials(String auth, Supplier<Optional<String>> token, KeyManager[] keys) {}

    private Credentials credentials(String userName, Map<?, ?> user) throws IOException {
      String where = "user \"" + userName + "\"";
      for (String key : UNSUPPORTED_AUTH) {
        if (user.get(key) != null) {
          throw problem(
              where
                  + " uses "
                  + key
                  + ", which cainjekt does not support;"
                  + " use a token or client certificate");
        }
      }
      KeyManager[] keys = clientKey(user, where);
      String tokenFile = string(user, "tokenFile", where);
      String token = string(user, "token", where);
      if (!tokenFile.isEmpty()) {
        Path path = file.toAbsolutePath().getParent().resolve(tokenFile);
        return new Credentials("token_file", TokenFile.open(path, prefix(where) + " "), keys);
      }
      if (!token.isEmpty()) {
        Optional<String> fixed = Optional.of(token.strip());
        return new Credentials("token", () -> fixed, keys);
      }
      return new Credentials(keys == null ? "none" : "client_certificate", Optional::empty, keys);
    }

    private KeyManager[] clientKey(Map<?, ?> user, String where) throws IOException {
      Optional<Pem> certificate = pem(user, "client-certificate", where);
      Optional<Pem> key = pem(user, "client-key", where);
      if (certificate.isEmpty() && key.isEmpty()) {
        return null;
      }
      if (certificate.isEmpty() || key.isEmpty()) {
        throw problem(
            where + " needs both client-certificate and client-key (or their -data fields)");
      }
      List<X509Certificate> chain =
          certificates(certificate.get().bytes(), certificate.get().where());
      PrivateKey privateKey = privateKey(key.get().bytes(), chain.getFirst(), key.get().where());
      try {
        return keyManagers(chain, privateKey);
      } catch (GeneralSecurityException e) {
        throw new IOException(key.get().where() + ": cannot hold the client key", e);
      }
    }

    /** PEM bytes and where they came from (for errors; never the bytes themselves). */
    private record Pem(String where, byte[] bytes) {}

    /** {@code <field>-data} (base64) if set, else the file {@code <field>} names, else empty. */
    private Optional<Pem> pem(Map<?, ?> section, String field, String where) throws IOException {
      String data = string(section, field + "-data", where);
      if (!data.isEmpty()) {
        String dataWhere = prefix(where) + " " + field + "-data";
        try {
          return Optional.of(new Pem(dataWhere, Base64.getMimeDecoder().decode(data)));
        } catch (IllegalArgumentException e) {
          throw new IOException(dataWhere + " is not base64", e);
        }
      }
      String name = string(section, field, where);
      if (name.isEmpty()) {
        return Optional.empty();
      }
      Path path = file.toAbsolutePath().getParent().resolve(name);
      String fileWhere = prefix(where) + " " + field + " " + path;
      return Optional.of(new Pem(fileWhere, read(path, fileWhere + ": cannot read")));
    }

    /** The mapping {@code item} of the entry named {@code name} in the list {@code list}. */
    Map<?, ?> named(String list, String item, String name) throws IOException {
      if (root.get(list) instanceof List<?> entries) {
        for (Object entry : entries) {
          if (entry instanceof Map<?, ?> map && name.equals(map.get("name"))) {
            Object value = map.get(item);
            if (value == null) {
              return Map.of();
            }
            if (value instanceof Map<?, ?> found) {
              return found;
            }
            throw problem(item + " \"" + name + "\" is not a mapping");
          }
        }
      }
      throw problem(item + " \"" + name + "\" is not in " + list);
    }

    /** The string field {@code key}, or empty when absent. */
    String string(Map<?, ?> section, String key, String where) throws IOException {
      Object value = section.get(key);
      if (value == null) {
        return "";
      }
      if (value instanceof String s) {
        return s;
      }
      throw problem((where.isEmpty() ? "" : where + " ") + key + " is not a string");
    }

    private String prefix(String where) {
      return "kubeconfig " + file + ": " + where;
    }

    IOException problem(String what) {
      return new IOException("kubeconfig " + file + ": " + what);
    }
  }
}
