// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.deploy;

import io.cainjekt.deploy.KubeletPlan.Probe;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * One httpGet probe as the kubelet sends it: from the node to the pod's IP and the probe's port and
 * path, with the probe's timeout; a status of 200 to 399 passes, anything else (no answer included)
 * fails. Stateless.
 */
final class KubeletProbes {

  private KubeletProbes() {}

  /** True when {@code probe} passes against the pod at {@code podIp}. */
  static boolean get(String podIp, Probe probe) throws InterruptedException {
    URI uri = URI.create("http://" + podIp + ":" + probe.port() + probe.path());
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(probe.timeout()).build()) {
      HttpResponse<Void> r =
          http.send(
              HttpRequest.newBuilder(uri).timeout(probe.timeout()).build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode() >= 200 && r.statusCode() < 400;
    } catch (IOException e) {
      return false;
    }
  }
}
