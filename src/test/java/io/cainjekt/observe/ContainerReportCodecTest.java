// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContainerReportCodecTest {

  static ContainerReport sample(String id, boolean outdated) {
    return sample(id, outdated, ContainerReport.State.INJECTED, "");
  }

  static ContainerReport sample(
      String id, boolean outdated, ContainerReport.State state, String detail) {
    return new ContainerReport(
        id,
        "team-a",
        "web-7d9f",
        "app",
        state,
        "debian",
        List.of("/etc/ssl/certs/ca-certificates.crt", "/usr/local/share/ca-certificates/x.crt"),
        List.of("java", "python"),
        "default",
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        outdated,
        List.of(),
        detail);
  }

  @Test
  void reportsSurviveEncodeAndDecode() throws IOException {
    List<ContainerReport> reports = List.of(sample("0123456789abcdef", false), sample("ff", true));
    assertThat(ContainerReportCodec.decode(ContainerReportCodec.encode(reports)))
        .isEqualTo(reports);
  }

  /**
   * The bytes of the document, pinned: json/containers-document.json is what the encoder wrote when
   * it was Jackson's databind, so {@code inspect} of either version reads the other's answer.
   */
  @Test
  void theDocumentIsPinnedByteForByte() throws IOException {
    List<ContainerReport> reports =
        List.of(
            sample("0123456789abcdef", true),
            new ContainerReport(
                "ff",
                "",
                "p",
                "c",
                ContainerReport.State.LATE,
                "",
                List.of(),
                List.of(),
                "b",
                "",
                false,
                List.of("e \"1\"\n\u2028"),
                "d"));
    byte[] pinned;
    try (var in = getClass().getResourceAsStream("/json/containers-document.json")) {
      pinned = in.readAllBytes();
    }
    assertThat(new String(ContainerReportCodec.encode(reports), StandardCharsets.UTF_8))
        .isEqualTo(new String(pinned, StandardCharsets.UTF_8));
    assertThat(ContainerReportCodec.decode(pinned)).isEqualTo(reports);
    assertThat(new String(ContainerReportCodec.encode(List.of()), StandardCharsets.UTF_8))
        .isEqualTo("{\n  \"containers\" : [ ]\n}");
  }

  @Test
  void aMalformedDocumentIsAnErrorThatNamesWhatDidNotParse() {
    assertThatThrownBy(() -> decode("[]")).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> decode("{\"containers\":[{\"id\":\"a\",\"filesWritten\":\"x\"}]}"))
        .hasMessageContaining("\"filesWritten\" is not an array of strings");
    assertThatThrownBy(() -> decode("{\"containers\":[{\"id\":\"a\",\"errors\":[1]}]}"))
        .hasMessageContaining("\"errors\" holds a VALUE_NUMBER_INT");
    assertThatThrownBy(() -> decode("{\"containers\":[{\"id\":\"a\"}]}"))
        .hasMessageContaining("without \"state\"");
    assertThatThrownBy(() -> decode("{\"containers\":[{\"id\":\"a\",\"state\":\"GONE\"}]}"))
        .hasMessageContaining("unknown container state \"GONE\"");
  }

  private static List<ContainerReport> decode(String json) throws IOException {
    return ContainerReportCodec.decode(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theDocumentUsesTheDocumentedFieldNames() {
    String json =
        new String(
            ContainerReportCodec.encode(List.of(sample("0123456789abcdef", true))),
            StandardCharsets.UTF_8);
    assertThat(json)
        .contains("\"containers\"")
        .contains("\"id\" : \"0123456789abcdef\"")
        .contains("\"state\" : \"INJECTED\"")
        .contains("\"filesWritten\"")
        .contains("\"caSha256\"")
        .contains("\"outdated\" : true");
  }

  @Test
  void unknownFieldsFromANewerPluginAreIgnored() throws IOException {
    String json =
        """
        {"containers":[{"id":"abc","state":"STAGED","filesWritten":[],"runtimes":[],"errors":[],
         "futureField":42}], "other": true}
        """;
    assertThat(ContainerReportCodec.decode(json.getBytes(StandardCharsets.UTF_8)))
        .singleElement()
        .satisfies(c -> assertThat(c.state()).isEqualTo(ContainerReport.State.STAGED));
  }

  @Test
  void aLateStarterCarriesItsDetailAndAnOlderPluginsAnswerReadsWithoutOne() throws IOException {
    ContainerReport late =
        sample(
            "abc", false, ContainerReport.State.LATE, "started while the plugin was not running");
    String json = new String(ContainerReportCodec.encode(List.of(late)), StandardCharsets.UTF_8);
    assertThat(json)
        .contains("\"state\" : \"LATE\"")
        .contains("\"detail\" : \"started while the plugin was not running\"");
    assertThat(ContainerReportCodec.decode(json.getBytes(StandardCharsets.UTF_8)))
        .containsExactly(late);

    String older =
        """
        {"containers":[{"id":"abc","state":"INJECTED","filesWritten":[],"runtimes":[],"errors":[]}]}
        """;
    assertThat(ContainerReportCodec.decode(older.getBytes(StandardCharsets.UTF_8)))
        .singleElement()
        .satisfies(c -> assertThat(c.detail()).isEmpty());
  }

  @Test
  void garbageIsAnIoExceptionNotACrash() {
    assertThatThrownBy(() -> ContainerReportCodec.decode("<html>".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class);
  }

  @Test
  void shortIdIsTwelveCharacters() {
    assertThat(sample("0123456789abcdef", false).shortId()).isEqualTo("0123456789ab");
    assertThat(sample("abc", false).shortId()).isEqualTo("abc");
  }
}
