// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.k8s.ScriptedApi.Frame;
import io.cainjekt.k8s.ScriptedApi.Json;
import io.cainjekt.k8s.ScriptedApi.Watch;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The list-and-watch loop against {@link ScriptedApi}: what a Kubernetes API server does and a CRUD
 * mock does not (pages, 410 Gone, bookmarks, a watch the server ends, frames it must refuse).
 */
class InformerNamespaceLabelsScriptTest {

  private static final Watch HOLD = new Watch(List.of(), true);

  private final ApiFailures failures = new ApiFailures();
  private final List<String> failed = new CopyOnWriteArrayList<>();

  InformerNamespaceLabelsScriptTest() {
    failures.addListener((kind, cause) -> failed.add(kind + ": " + cause.getMessage()));
  }

  private InformerNamespaceLabels start(ScriptedApi api) {
    ApiClient client = new ApiClient(ApiConfig.of(api.uri()), Duration.ofSeconds(10), failures);
    return InformerNamespaceLabels.start(client, Duration.ZERO, failures);
  }

  private static String ns(String name, String version, String labels) {
    return "{\"kind\":\"Namespace\",\"metadata\":{\"name\":\""
        + name
        + "\",\"resourceVersion\":\""
        + version
        + "\",\"labels\":{"
        + labels
        + "}}}";
  }

  private static Json list(String version, String next, String... items) {
    return new Json(
        200,
        "{\"kind\":\"NamespaceList\",\"metadata\":{\"resourceVersion\":\""
            + version
            + "\""
            + (next.isEmpty() ? "" : ",\"continue\":\"" + next + "\"")
            + "},\"items\":["
            + String.join(",", items)
            + "]}");
  }

  private static Frame event(String type, String object) {
    return Frame.text("{\"type\":\"" + type + "\",\"object\":" + object + "}");
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what + " within 30 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void everyPageIsListedFollowingTheContinueTokenAndTheWatchStartsAtTheListsVersion()
      throws Exception {
    try (ScriptedApi api =
            new ScriptedApi(
                r -> {
                  if (r.isWatch()) {
                    return HOLD;
                  }
                  return r.query("continue").isEmpty()
                      ? list("6", "tok/1", ns("a", "2", ""), ns("b", "3", "\"x\":\"1\""))
                      : list("7", "", ns("c", "4", ""));
                });
        InformerNamespaceLabels labels = start(api)) {
      labels.ready().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(labels.labels("a")).contains(Map.of());
      assertThat(labels.labels("b")).contains(Map.of("x", "1"));
      assertThat(labels.labels("c")).contains(Map.of());
      await("a watch", () -> !api.watches().isEmpty());
      List<ScriptedApi.Request> lists = api.requests().stream().filter(r -> !r.isWatch()).toList();
      assertThat(lists).hasSize(2);
      assertThat(lists.get(0).query("limit")).isEqualTo("500");
      assertThat(lists.get(1).query("continue")).isEqualTo("tok/1");
      ScriptedApi.Request watch = api.watches().getFirst();
      assertThat(watch.path()).isEqualTo("/api/v1/namespaces");
      assertThat(watch.query("resourceVersion")).isEqualTo("7");
      assertThat(watch.query("allowWatchBookmarks")).isEqualTo("true");
      assertThat(Integer.parseInt(watch.query("timeoutSeconds"))).isBetween(300, 599);
      assertThat(failed).isEmpty();
    }
  }

  @Test
  void eventsApplyAndAWatchTheServerEndsResumesFromTheLastVersionSeen() throws Exception {
    AtomicInteger watches = new AtomicInteger();
    Set<String> changed = ConcurrentHashMap.newKeySet();
    try (ScriptedApi api =
            new ScriptedApi(
                r -> {
                  if (!r.isWatch()) {
                    return list("1", "", ns("a", "1", ""), ns("b", "1", ""));
                  }
                  return watches.getAndIncrement() > 0
                      ? HOLD
                      : new Watch(
                          List.of(
                              event("ADDED", ns("c", "2", "\"team\":\"c\"")),
                              event("MODIFIED", ns("b", "3", "\"cainjekt.io/enabled\":\"true\"")),
                              event("DELETED", ns("a", "4", "")),
                              event(
                                  "BOOKMARK",
                                  "{\"kind\":\"Namespace\",\"metadata\":"
                                      + "{\"resourceVersion\":\"9\"}}")),
                          false);
                });
        InformerNamespaceLabels labels = start(api)) {
      labels.addListener(changed::add);
      await("the second watch", () -> api.watches().size() >= 2);
      assertThat(labels.labels("a")).isEmpty();
      assertThat(labels.labels("b")).contains(Map.of("cainjekt.io/enabled", "true"));
      assertThat(labels.labels("c")).contains(Map.of("team", "c"));
      assertThat(changed).contains("a", "b", "c");
      assertThat(api.watches().get(1).query("resourceVersion")).isEqualTo("9");
      assertThat(api.requests().stream().filter(r -> !r.isWatch())).hasSize(1);
      assertThat(failed).isEmpty();
    }
  }

  @Test
  void goneListsAgainAndForgetsWhatTheNewListLacks() throws Exception {
    AtomicInteger listed = new AtomicInteger();
    AtomicInteger watches = new AtomicInteger();
    try (ScriptedApi api =
            new ScriptedApi(
                r -> {
                  if (!r.isWatch()) {
                    return listed.getAndIncrement() == 0
                        ? list("5", "", ns("a", "1", ""), ns("gone", "2", ""))
                        : list("20", "", ns("a", "11", "\"x\":\"2\""));
                  }
                  return watches.getAndIncrement() > 0
                      ? HOLD
                      : new Watch(
                          List.of(
                              event(
                                  "ERROR",
                                  "{\"kind\":\"Status\",\"code\":410,"
                                      + "\"message\":\"too old resource version\"}")),
                          true);
                });
        InformerNamespaceLabels labels = start(api)) {
      await("the watch after the second list", () -> api.watches().size() >= 2);
      assertThat(listed.get()).isEqualTo(2);
      assertThat(labels.labels("gone")).isEmpty();
      assertThat(labels.labels("a")).contains(Map.of("x", "2"));
      assertThat(api.watches().get(1).query("resourceVersion")).isEqualTo("20");
      assertThat(failed).as("410 is the protocol, not a failure").isEmpty();
    }
  }

  @Test
  void aFailedListIsCountedAndRetriedUntilTheCacheSyncs() throws Exception {
    AtomicInteger listed = new AtomicInteger();
    try (ScriptedApi api =
            new ScriptedApi(
                r -> {
                  if (r.isWatch()) {
                    return HOLD;
                  }
                  return listed.getAndIncrement() == 0
                      ? new Json(500, "{\"kind\":\"Status\",\"message\":\"etcd down\"}")
                      : list("3", "", ns("a", "1", ""));
                });
        InformerNamespaceLabels labels = start(api)) {
      labels.ready().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(labels.labels("a")).contains(Map.of());
      assertThat(failures.count(ApiFailures.Kind.NAMESPACE_WATCH)).isEqualTo(1);
      assertThat(failed).singleElement().asString().contains("HTTP 500", "etcd down");
    }
  }

  @Test
  void aBinaryFrameAndAnOversizedEventEachEndTheWatchAsAFailure() throws Exception {
    AtomicInteger watches = new AtomicInteger();
    String huge =
        ns("big", "2", "\"x\":\"" + "y".repeat(InformerNamespaceLabels.MAX_EVENT_CHARS) + "\"");
    try (ScriptedApi api =
            new ScriptedApi(
                r -> {
                  if (!r.isWatch()) {
                    return list("1", "", ns("a", "1", ""));
                  }
                  return switch (watches.getAndIncrement()) {
                    case 0 -> new Watch(List.of(new Frame(true, "{}".getBytes())), true);
                    case 1 -> new Watch(List.of(event("ADDED", huge)), true);
                    default -> HOLD;
                  };
                });
        InformerNamespaceLabels labels = start(api)) {
      await("the third watch", () -> api.watches().size() >= 3);
      assertThat(failures.count(ApiFailures.Kind.NAMESPACE_WATCH)).isEqualTo(2);
      assertThat(failed)
          .anyMatch(f -> f.contains("binary watch frame"))
          .anyMatch(f -> f.contains("watch event over " + InformerNamespaceLabels.MAX_EVENT_CHARS));
      assertThat(labels.labels("big")).isEmpty();
      assertThat(labels.labels("a")).contains(Map.of());
    }
  }
}
