// SPDX-License-Identifier: Apache-2.0
// Run by TrustStoreJdkIT with another JDK's source launcher (java TlsProbe.java ...), so it must
// compile on JDK 17: it loads truststores, times the loads, and makes one TLS handshake with the
// JVM's default SSLContext, i.e. with javax.net.ssl.trustStore from JAVA_TOOL_OPTIONS.
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.util.Collections;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

public class TlsProbe {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    for (int i = 1; i + 1 < args.length; i += 2) {
      load(args[i], "-".equals(args[i + 1]) ? null : args[i + 1].toCharArray());
    }
    SSLSocketFactory factory = (SSLSocketFactory) SSLSocketFactory.getDefault();
    try (SSLSocket socket = (SSLSocket) factory.createSocket("127.0.0.1", port)) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      System.out.println("handshake=ok " + socket.getSession().getProtocol() + " " + in.readLine());
    } catch (java.io.IOException e) {
      System.out.println("handshake=failed " + e);
    }
  }

  private static void load(String path, char[] password) throws Exception {
    byte[] bytes = Files.readAllBytes(Paths.get(path));
    long first = 0;
    long best = Long.MAX_VALUE;
    int entries = 0;
    int trusted = 0;
    for (int i = 0; i < 12; i++) {
      long start = System.nanoTime();
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(new ByteArrayInputStream(bytes), password);
      long took = System.nanoTime() - start;
      first = i == 0 ? took : first;
      best = Math.min(best, took);
      entries = store.size();
      trusted = 0;
      for (String alias : Collections.list(store.aliases())) {
        trusted += store.isCertificateEntry(alias) ? 1 : 0;
      }
    }
    System.out.println("store=" + Paths.get(path).getFileName() + " entries=" + entries + " trusted="
        + trusted + " load_first_us=" + first / 1000 + " load_best_us=" + best / 1000);
  }
}
