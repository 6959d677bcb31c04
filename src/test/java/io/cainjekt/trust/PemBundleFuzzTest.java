// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.fuzz.Mutator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Mutation fuzzing of the PEM parsers with the committed PKI fixtures as seeds, plus line-level
 * mutations (CRLF, key blocks in odd places, base64 garbage, huge header lines, NUL bytes): strict
 * parsing fails only with {@link TrustBundleException} naming the source and block, lenient parsing
 * never fails, and no message ever carries a line of a block body.
 */
class PemBundleFuzzTest {

  private static final List<String> FIXTURES =
      List.of(
          "/pki/corp-ca-and-ca2.pem",
          "/pki/corp-issuing-leaf-chain.pem",
          "/pki/corp-ca.crt",
          "/pki/image-bundle.pem",
          "/pki/hostile/bundle-with-private-key.pem",
          "/pki/hostile/broken.pem");
  private static final List<byte[]> SEEDS = FIXTURES.stream().map(PemBundleFuzzTest::load).toList();
  private static final Pattern BODY_LINE = Pattern.compile("[A-Za-z0-9+/=]{24,}");
  private static final String KEY_BLOCK =
      "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n"
          + "-----END PRIVATE KEY-----\n";

  static byte[] load(String resource) {
    try (InputStream in = PemBundleFuzzTest.class.getResourceAsStream(resource)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(resource, e);
    }
  }

  /** Line-level mutations a byte mutator rarely finds. */
  private static byte[] mutateLines(Mutator m, byte[] seed) {
    List<String> lines =
        new java.util.ArrayList<>(new String(seed, StandardCharsets.ISO_8859_1).lines().toList());
    int at = m.random().nextInt(lines.size() + 1);
    switch (m.random().nextInt(7)) {
      case 0 -> lines.replaceAll(l -> l + "\r");
      case 1 -> lines.add(at, KEY_BLOCK);
      case 2 -> lines.add(at, "-----BEGIN " + "X".repeat(1 << 16) + "-----");
      case 3 -> lines.add(at, "%%%% not base64 \u0000\u0001 ====");
      case 4 -> lines.add(at, "-----END CERTIFICATE-----");
      case 5 -> lines.add(at, "-----BEGIN CERTIFICATE-----");
      default -> lines.add(at, "\u0000".repeat(m.random().nextInt(64)));
    }
    return String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void checkMessage(String message, byte[] input) {
    assertThat(message).startsWith("src: ").doesNotContain("\n").doesNotContain("\r");
    assertThat(message.length()).isLessThan(400);
    assertThat(message).matches(".*(PEM block \\d+ \\(.*\\)|no PEM certificate found).*");
    new String(input, StandardCharsets.ISO_8859_1)
        .lines()
        .map(String::strip)
        .filter(l -> BODY_LINE.matcher(l).matches())
        .forEach(body -> assertThat(message).doesNotContain(body));
  }

  @Test
  void mutatedBundlesFailStrictParsingOnlyWithANamedBlockAndNeverLeakTheBody() {
    int cases = Mutator.cases(800);
    for (int i = 0; i < cases; i++) {
      Mutator m = Mutator.forCase(i);
      byte[] seed = m.pick(SEEDS);
      byte[] input = m.random().nextBoolean() ? m.mutate(seed) : mutateLines(m, seed);
      try {
        PemBundle bundle = PemBundle.parseStrict("src", input);
        assertThat(bundle.size()).isPositive();
      } catch (TrustBundleException e) {
        checkMessage(e.getMessage(), input);
      }
      PemBundle lenient = PemBundle.parseLenient("src", input);
      for (String warning : lenient.warnings()) {
        assertThat(warning).as("case %d", i).startsWith("src: skipped PEM block ");
        assertThat(warning.length()).isLessThan(200);
      }
    }
  }

  @Test
  void aPrivateKeyAnywhereIsRefusedByNumberWithoutItsBody() {
    byte[] ca = load("/pki/corp-ca-and-ca2.pem");
    for (int position = 0; position < 3; position++) {
      List<String> blocks =
          List.of(
              new String(ca, StandardCharsets.US_ASCII).split("(?<=-----END CERTIFICATE-----\n)"));
      List<String> parts = new java.util.ArrayList<>(blocks);
      parts.add(position, KEY_BLOCK);
      byte[] input = String.join("", parts).getBytes(StandardCharsets.US_ASCII);
      int index = position + 1;
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> PemBundle.parseStrict("src", input))
          .isInstanceOf(TrustBundleException.class)
          .hasMessage(
              "src: PEM block "
                  + index
                  + " (PRIVATE KEY) is not a certificate;"
                  + " only CERTIFICATE blocks are accepted");
    }
  }

  @Test
  void tenThousandCertificatesWithCrlfParseWithinTheDefaultByteLimit() throws TrustBundleException {
    byte[] one = load("/pki/corp-ca-and-ca2.pem");
    String crlf = new String(one, StandardCharsets.US_ASCII).replace("\n", "\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < 5000; i++) {
      out.writeBytes(crlf.getBytes(StandardCharsets.US_ASCII));
    }
    byte[] bundle = out.toByteArray();
    assertThat((long) bundle.length).isLessThan(BundleLimits.DEFAULT_MAX_BYTES);

    assertThat(PemBundle.parseStrict("src", bundle).size()).isEqualTo(2);
    assertThat(PemBundle.parseLenient("src", bundle).warnings()).isEmpty();
  }
}
