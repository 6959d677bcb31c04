// SPDX-License-Identifier: Apache-2.0
// Run as a single-file program by InjectDistroIT on each JDK under test:
//   java -Djavax.net.ssl.trustStore=STORE [-Djavax.net.ssl.trustStoreType=PKCS12] TrustCheck.java LEAF.pem...
// Checks each leaf with the JDK's default X509TrustManager (which reads the javax.net.ssl
// properties exactly as an application's TLS client would); prints one line per leaf and exits 1
// when any leaf is rejected.
import java.io.FileInputStream;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

public class TrustCheck {
  public static void main(String[] args) throws Exception {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    X509TrustManager tm = (X509TrustManager) tmf.getTrustManagers()[0];
    int rejected = 0;
    for (String file : args) {
      X509Certificate leaf;
      try (FileInputStream in = new FileInputStream(file)) {
        leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      }
      String auth = leaf.getPublicKey().getAlgorithm().equals("RSA") ? "ECDHE_RSA" : "ECDHE_ECDSA";
      try {
        tm.checkServerTrusted(new X509Certificate[] {leaf}, auth);
        System.out.println("trusted " + file);
      } catch (Exception e) {
        rejected++;
        System.out.println("rejected " + file + ": " + e);
      }
    }
    System.out.println("java " + System.getProperty("java.version") + " trust anchors checked");
    System.exit(rejected == 0 ? 0 : 1);
  }
}
