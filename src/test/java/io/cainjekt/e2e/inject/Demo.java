// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import io.cainjekt.e2e.ContainerSpec;
import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.PodSpec;
import io.cainjekt.e2e.RunningPod;
import io.cainjekt.e2e.tls.Client;
import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.e2e.tls.Pki.Ca;
import io.cainjekt.e2e.tls.TlsServers;
import io.cainjekt.e2e.tls.Verdict;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code cainjekt demo}: a private containerd with NRI on this machine, the plugin as its own
 * process, one opted-in and one plain {@code debian-tls} pod, and a side-by-side table of which
 * real TLS clients trust a server signed by the demo CA (CorpCA) and by a public root. Run by the
 * {@code demo} subcommand through Maven from a source checkout; everything is torn down at the end.
 */
public final class Demo {

  private Demo() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    Path repo = E2eImages.repo();
    out.println(
        "cainjekt demo: installing/starting containerd with NRI (private dirs under target/)");
    try (Containerd containerd = Containerd.start(repo)) {
      run(containerd, Files.createDirectories(repo.resolve("target/demo")), out);
    }
  }

  /** The demo on a running {@code containerd}: plugin state under {@code work}, text to out. */
  static void run(Containerd containerd, Path work, PrintStream out) throws Exception {
    out.println("cainjekt demo: building the debian-tls test image (cached after the first run)");
    String image = E2eImages.ensure(containerd, List.of("debian-tls")).get("debian-tls");
    try (TlsServers servers = TlsServers.start();
        InjectingPlugin plugin =
            InjectingPlugin.start(
                containerd,
                work.resolve("plugin-" + ProcessHandle.current().pid()),
                Pki.caCertificate(Ca.CORP_CA))) {
      out.println(
          "cainjekt demo: plugin running, pid "
              + plugin.process().pid()
              + ", log "
              + plugin.process().log().path());
      try (RunningPod injected = pod(containerd, image, "opted-in", true);
          RunningPod plain = pod(containerd, image, "plain", false)) {
        table(out, servers, injected, plain);
      }
    }
  }

  private static RunningPod pod(Containerd containerd, String image, String name, boolean optIn) {
    Map<String, String> annotations = optIn ? Map.of("cainjekt.io/enabled", "true") : Map.of();
    return RunningPod.start(
        containerd.cri(),
        PodSpec.of("cainjekt-demo", name).withAnnotations(annotations),
        ContainerSpec.of("app", image).withCommand("sleep", "infinity"));
  }

  private static void table(
      PrintStream out, TlsServers servers, RunningPod injected, RunningPod plain) {
    Set<Client> clients = EnumSet.allOf(Client.class);
    for (Ca ca : List.of(Ca.CORP_CA, Ca.FAKE_PUBLIC_ROOT)) {
      Map<Client, Verdict> in = TrustChecks.verdicts(injected, servers, ca, clients, List.of());
      Map<Client, Verdict> no = TrustChecks.verdicts(plain, servers, ca, clients, List.of());
      out.println();
      out.printf("server signed by %s (%s)%n", ca.fileStem(), servers.url(ca));
      out.printf("  %-16s %-30s %-12s%n", "client", "pod with cainjekt.io/enabled", "plain pod");
      for (Client c : clients) {
        out.printf("  %-16s %-30s %-12s%n", c.id(), label(in.get(c)), label(no.get(c)));
      }
    }
    out.println();
  }

  private static String label(Verdict v) {
    return v == null ? "?" : v.name().toLowerCase(java.util.Locale.ROOT);
  }
}
