// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cainjekt.deploy.KubeletPlan.ConfigMap;
import io.cainjekt.deploy.KubeletPlan.Container;
import io.cainjekt.deploy.KubeletPlan.EmptyDir;
import io.cainjekt.deploy.KubeletPlan.HostPath;
import io.cainjekt.deploy.KubeletPlan.Mount;
import io.cainjekt.deploy.KubeletPlan.Probe;
import io.cainjekt.deploy.KubeletPlan.ProbeKind;
import io.cainjekt.deploy.KubeletPlan.Sandbox;
import io.cainjekt.deploy.KubeletPlan.Volume;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Maps a rendered DaemonSet (helm template, kubectl kustomize) to the {@link KubeletPlan} a kubelet
 * would run, the way the kubelet fills it in (defaults, fieldRef values, port names, quantities). A
 * field it does not know fails with its path, so a chart change that a real node would treat
 * differently breaks the test instead of being ignored. Fields that only steer scheduling or the
 * API server (nodeSelector, tolerations, priorityClassName, serviceAccountName, requests) are known
 * and have no runtime effect. Stateless.
 */
final class PodTemplateTranslator {

  private static final Set<String> POD_FIELDS =
      Set.of(
          "serviceAccountName",
          "hostPID",
          "hostNetwork",
          "dnsPolicy",
          "priorityClassName",
          "terminationGracePeriodSeconds",
          "nodeSelector",
          "tolerations",
          "affinity",
          "imagePullSecrets",
          "containers",
          "volumes");
  private static final Set<String> CONTAINER_FIELDS =
      Set.of(
          "name",
          "image",
          "imagePullPolicy",
          "command",
          "args",
          "env",
          "ports",
          "livenessProbe",
          "readinessProbe",
          "resources",
          "securityContext",
          "volumeMounts");
  private static final Set<String> SECURITY_FIELDS =
      Set.of(
          "allowPrivilegeEscalation",
          "capabilities",
          "privileged",
          "readOnlyRootFilesystem",
          "runAsUser",
          "runAsGroup",
          "runAsNonRoot",
          "seccompProfile");
  private static final Set<String> PROBE_FIELDS =
      Set.of(
          "httpGet",
          "initialDelaySeconds",
          "periodSeconds",
          "timeoutSeconds",
          "failureThreshold",
          "successThreshold");

  /** The node the pod lands on, for fieldRef values. */
  record Node(String name) {}

  private PodTemplateTranslator() {}

  /** Translates {@code daemonSet} (a DaemonSet document) for a pod named {@code podName}. */
  static KubeletPlan translate(JsonNode daemonSet, Node node, String podName) {
    JsonNode template = daemonSet.path("spec").path("template");
    JsonNode pod = template.path("spec");
    known(pod, POD_FIELDS, "spec.template.spec");
    JsonNode containers = pod.path("containers");
    if (containers.size() != 1) {
      throw new IllegalArgumentException(
          "spec.template.spec.containers: want exactly one container, got " + containers.size());
    }
    String namespace = daemonSet.path("metadata").path("namespace").asText("default");
    Sandbox sandbox =
        new Sandbox(
            pod.path("hostPID").asBoolean(false),
            pod.path("hostNetwork").asBoolean(false),
            strings(template.path("metadata").path("labels")),
            strings(template.path("metadata").path("annotations")),
            Duration.ofSeconds(pod.path("terminationGracePeriodSeconds").asLong(30)));
    JsonNode c = containers.get(0);
    String path = "spec.template.spec.containers[0]";
    known(c, CONTAINER_FIELDS, path);
    Map<String, Integer> ports = ports(c.path("ports"));
    Map<String, String> fields =
        Map.of(
            "spec.nodeName",
            node.name(),
            "metadata.name",
            podName,
            "metadata.namespace",
            namespace);
    return new KubeletPlan(
        sandbox, container(c, path, fields), volumes(pod.path("volumes")), probes(c, path, ports));
  }

  private static Container container(JsonNode c, String path, Map<String, String> fields) {
    JsonNode sc = c.path("securityContext");
    known(sc, SECURITY_FIELDS, path + ".securityContext");
    JsonNode caps = sc.path("capabilities");
    known(caps, Set.of("add", "drop"), path + ".securityContext.capabilities");
    JsonNode seccomp = sc.path("seccompProfile");
    known(seccomp, Set.of("type"), path + ".securityContext.seccompProfile");
    JsonNode resources = c.path("resources");
    known(resources, Set.of("limits", "requests"), path + ".resources");
    known(resources.path("limits"), Set.of("memory", "cpu"), path + ".resources.limits");
    List<Mount> mounts = new ArrayList<>();
    for (JsonNode m : c.path("volumeMounts")) {
      known(m, Set.of("name", "mountPath", "readOnly"), path + ".volumeMounts[]");
      mounts.add(
          new Mount(
              m.path("name").asText(),
              m.path("mountPath").asText(),
              m.path("readOnly").asBoolean()));
    }
    return new Container(
        c.path("name").asText(),
        c.path("image").asText(),
        texts(c.path("command")),
        texts(c.path("args")),
        env(c.path("env"), path + ".env", fields),
        texts(caps.path("add")),
        texts(caps.path("drop")),
        sc.path("privileged").asBoolean(false),
        sc.path("allowPrivilegeEscalation").asBoolean(true),
        sc.path("readOnlyRootFilesystem").asBoolean(false),
        optionalLong(sc.path("runAsUser")),
        optionalLong(sc.path("runAsGroup")),
        seccomp.path("type").asText("Unconfined"),
        bytes(resources.path("limits").path("memory"), path + ".resources.limits.memory"),
        List.copyOf(mounts));
  }

  /** Literal values, and fieldRef values filled in as the kubelet fills them. */
  private static Map<String, String> env(JsonNode env, String path, Map<String, String> fields) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode e : env) {
      known(e, Set.of("name", "value", "valueFrom"), path + "[]");
      String name = e.path("name").asText();
      if (e.has("valueFrom")) {
        JsonNode from = e.path("valueFrom");
        known(from, Set.of("fieldRef"), path + "[" + name + "].valueFrom");
        known(
            from.path("fieldRef"),
            Set.of("fieldPath", "apiVersion"),
            path + "[" + name + "].valueFrom.fieldRef");
        String fieldPath = from.path("fieldRef").path("fieldPath").asText();
        String value = fields.get(fieldPath);
        if (value == null) {
          throw new IllegalArgumentException(
              path + "[" + name + "].valueFrom.fieldRef.fieldPath: unknown field " + fieldPath);
        }
        out.put(name, value);
      } else {
        out.put(name, e.path("value").asText());
      }
    }
    return out;
  }

  private static Map<String, Volume> volumes(JsonNode volumes) {
    Map<String, Volume> out = new LinkedHashMap<>();
    for (JsonNode v : volumes) {
      String name = v.path("name").asText();
      String path = "spec.template.spec.volumes[" + name + "]";
      known(v, Set.of("name", "hostPath", "emptyDir", "configMap"), path);
      if (v.has("hostPath")) {
        known(v.path("hostPath"), Set.of("path", "type"), path + ".hostPath");
        out.put(
            name,
            new HostPath(
                v.path("hostPath").path("path").asText(),
                v.path("hostPath").path("type").asText("")));
      } else if (v.has("emptyDir")) {
        known(v.path("emptyDir"), Set.of("medium", "sizeLimit"), path + ".emptyDir");
        out.put(
            name,
            new EmptyDir(
                v.path("emptyDir").path("medium").asText(""),
                bytes(v.path("emptyDir").path("sizeLimit"), path + ".emptyDir.sizeLimit")));
      } else if (v.has("configMap")) {
        known(v.path("configMap"), Set.of("name", "defaultMode", "optional"), path + ".configMap");
        out.put(name, new ConfigMap(v.path("configMap").path("name").asText()));
      } else {
        throw new IllegalArgumentException(path + ": no hostPath, emptyDir or configMap");
      }
    }
    return out;
  }

  private static List<Probe> probes(JsonNode c, String path, Map<String, Integer> ports) {
    List<Probe> out = new ArrayList<>();
    for (ProbeKind kind : ProbeKind.values()) {
      String field = kind == ProbeKind.LIVENESS ? "livenessProbe" : "readinessProbe";
      JsonNode p = c.path(field);
      if (p.isMissingNode()) {
        continue;
      }
      String ppath = path + "." + field;
      known(p, PROBE_FIELDS, ppath);
      known(p.path("httpGet"), Set.of("path", "port", "scheme"), ppath + ".httpGet");
      JsonNode port = p.path("httpGet").path("port");
      Integer number = port.isInt() ? Integer.valueOf(port.asInt()) : ports.get(port.asText());
      if (number == null) {
        throw new IllegalArgumentException(
            ppath + ".httpGet.port: no container port named " + port.asText());
      }
      out.add(
          new Probe(
              kind,
              p.path("httpGet").path("path").asText("/"),
              number,
              Duration.ofSeconds(p.path("initialDelaySeconds").asLong(0)),
              Duration.ofSeconds(p.path("periodSeconds").asLong(10)),
              Duration.ofSeconds(p.path("timeoutSeconds").asLong(1)),
              p.path("failureThreshold").asInt(3)));
    }
    return List.copyOf(out);
  }

  private static Map<String, Integer> ports(JsonNode ports) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (JsonNode p : ports) {
      known(p, Set.of("name", "containerPort", "protocol"), "ports[]");
      out.put(p.path("name").asText(), p.path("containerPort").asInt());
    }
    return out;
  }

  /** A Kubernetes quantity in bytes (Ki, Mi, Gi, k, M, G or plain); 0 when absent. */
  static long bytes(JsonNode quantity, String path) {
    if (quantity.isMissingNode() || quantity.isNull()) {
      return 0;
    }
    String q = quantity.asText();
    String[][] units = {
      {"Ki", "1024"},
      {"Mi", "1048576"},
      {"Gi", "1073741824"},
      {"k", "1000"},
      {"M", "1000000"},
      {"G", "1000000000"}
    };
    try {
      for (String[] u : units) {
        if (q.endsWith(u[0])) {
          return Long.parseLong(q.substring(0, q.length() - u[0].length())) * Long.parseLong(u[1]);
        }
      }
      return Long.parseLong(q);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(path + ": not a quantity: " + q, e);
    }
  }

  /** Fails naming the first field of {@code node} outside {@code allowed}. */
  private static void known(JsonNode node, Set<String> allowed, String path) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new IllegalArgumentException("unknown field " + path + "." + f);
      }
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return List.copyOf(out);
  }

  private static Map<String, String> strings(JsonNode object) {
    Map<String, String> out = new LinkedHashMap<>();
    object.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  private static OptionalLong optionalLong(JsonNode n) {
    return n.isMissingNode() ? OptionalLong.empty() : OptionalLong.of(n.asLong());
  }
}
