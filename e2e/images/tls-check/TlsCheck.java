// SPDX-License-Identifier: Apache-2.0
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;

/**
 * The java probe of tls-check: one GET with {@link HttpClient} and the JVM's default trust
 * (cacerts, or whatever JAVA_TOOL_OPTIONS sets). Prints "trusted|untrusted|error DETAIL".
 * Compiled on the host with --release 17 because the images carry only a JRE.
 */
public final class TlsCheck {
  private TlsCheck() {}

  public static void main(String[] args) {
    Duration limit = Duration.ofSeconds(Long.parseLong(args[1]));
    HttpClient client = HttpClient.newBuilder().connectTimeout(limit).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(args[0])).timeout(limit).build();
    try {
      HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
      System.out.println("trusted status=" + response.statusCode());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.out.println("error interrupted");
    } catch (Exception e) {
      String verdict = rejectedCertificate(e) ? "untrusted " : "error ";
      System.out.println(verdict + e.getClass().getSimpleName() + ": " + rootMessage(e));
    }
  }

  private static boolean rejectedCertificate(Throwable e) {
    boolean handshake = false;
    for (Throwable t = e; t != null; t = t.getCause()) {
      handshake |= t instanceof SSLHandshakeException;
      if (handshake && (t instanceof CertificateException || isPathFailure(t))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isPathFailure(Throwable t) {
    return t instanceof GeneralSecurityException
        && t.getClass().getName().matches(".*(CertPath|Validator).*Exception");
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
