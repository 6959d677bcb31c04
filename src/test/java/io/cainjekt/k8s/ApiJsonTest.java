// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiJsonTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aPageKeepsNamesLabelsVersionAndContinueToken() throws IOException {
    ApiJson.Page page =
        ApiJson.page(
            utf8(
                """
                {"kind":"NamespaceList","apiVersion":"v1",
                 "metadata":{"resourceVersion":"812","continue":"eyJ2IjoxfQ"},
                 "items":[
                  {"metadata":{"name":"team-a","labels":{"cainjekt.io/enabled":"true"},
                   "resourceVersion":"800","annotations":{"x":"y"}},"spec":{"finalizers":["kubernetes"]},
                   "status":{"phase":"Active"}},
                  {"metadata":{"name":"plain"}}]}
                """));
    assertThat(page.resourceVersion()).isEqualTo("812");
    assertThat(page.next()).isEqualTo("eyJ2IjoxfQ");
    assertThat(page.items())
        .containsExactly(
            new ApiJson.Namespace("team-a", Map.of("cainjekt.io/enabled", "true"), "800"),
            new ApiJson.Namespace("plain", Map.of(), ""));
  }

  @Test
  void theLastPageHasNoContinueToken() throws IOException {
    ApiJson.Page page =
        ApiJson.page(utf8("{\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[]}"));
    assertThat(page.next()).isEmpty();
    assertThat(page.items()).isEmpty();
  }

  @Test
  void watchEventsCarryTheirTypeObjectAndVersion() throws IOException {
    ApiJson.WatchEvent modified =
        ApiJson.event(
            """
            {"type":"MODIFIED","object":{"kind":"Namespace","metadata":{"name":"team-a",
             "resourceVersion":"900","labels":{"owner":"a"}}}}""");
    assertThat(modified.type()).isEqualTo("MODIFIED");
    assertThat(modified.namespace())
        .contains(new ApiJson.Namespace("team-a", Map.of("owner", "a"), "900"));
    assertThat(modified.resourceVersion()).isEqualTo("900");

    ApiJson.WatchEvent bookmark =
        ApiJson.event(
            "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Namespace\",\"apiVersion\":\"v1\","
                + "\"metadata\":{\"resourceVersion\":\"950\",\"annotations\":"
                + "{\"k8s.io/initial-events-end\":\"true\"}}}}");
    assertThat(bookmark.namespace()).isEmpty();
    assertThat(bookmark.resourceVersion()).isEqualTo("950");
  }

  @Test
  void anErrorEventCarriesTheStatusCode() throws IOException {
    ApiJson.WatchEvent gone =
        ApiJson.event(
            """
            {"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure",
             "message":"too old resource version: 1 (2)","reason":"Expired","code":410}}""");
    assertThat(gone.code()).isEqualTo(410);
    assertThat(gone.message()).contains("too old");
    assertThat(gone.namespace()).isEmpty();
  }

  @Test
  void malformedDocumentsAreIoErrorsThatSayWhat() {
    assertThatThrownBy(() -> ApiJson.event("{\"type\":\"ADDED\",\"object\":{\"metadata\":{}}}"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("metadata.name");
    assertThatThrownBy(() -> ApiJson.event("{\"type\":\"ADDED\"}"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("watch event object");
    assertThatThrownBy(() -> ApiJson.event("{\"type\":\"ADDED\",\"object\":{\"metadata\":"))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> ApiJson.event(""))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(
            () ->
                ApiJson.event(
                    "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\","
                        + "\"labels\":{\"k\":1}}}}"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("label k");
    assertThatThrownBy(() -> ApiJson.page(utf8("[]")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("namespace list");
    assertThatThrownBy(() -> ApiJson.page(utf8("{\"items\":{}}")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("items");
  }

  @Test
  void aWarningEventIsACoreV1EventOnThePod() throws IOException {
    byte[] json =
        ApiJson.warningEvent(
            new PodRef("team-a", "web-0", "uid-1"),
            "CAInjectionFailed",
            "merge \"trust\" failed",
            "2026-11-27T10:00:00Z",
            "cainjekt",
            "node-1");
    JsonNode e = new ObjectMapper().readTree(json);
    assertThat(e.path("apiVersion").asText()).isEqualTo("v1");
    assertThat(e.path("kind").asText()).isEqualTo("Event");
    assertThat(e.path("metadata").path("generateName").asText()).isEqualTo("web-0.");
    assertThat(e.path("involvedObject").path("uid").asText()).isEqualTo("uid-1");
    assertThat(e.path("involvedObject").path("kind").asText()).isEqualTo("Pod");
    assertThat(e.path("message").asText()).isEqualTo("merge \"trust\" failed");
    assertThat(e.path("source").path("host").asText()).isEqualTo("node-1");
    assertThat(e.path("lastTimestamp").asText()).isEqualTo("2026-11-27T10:00:00Z");

    JsonNode noUid =
        new ObjectMapper()
            .readTree(
                ApiJson.warningEvent(
                    new PodRef("ns", "p", ""), "R", "m", "2026-11-27T10:00:00Z", "c", "h"));
    assertThat(noUid.path("involvedObject").has("uid")).isFalse();
  }
}
