// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random concatenations of certificates, key blocks and garbage: the parsers never crash. */
class PemBundlePropertyTest {

  private static final List<TestPki.Issued> POOL =
      List.of(TestPki.rootCa("Pool A"), TestPki.rootCa("Pool B"), TestPki.rootCa("Pool C"));
  private static final List<String> KEY_LABELS =
      List.of("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY");

  /** One piece of input text; {@code cert} is the pool index or -1, {@code keyBody} or null. */
  record Piece(String text, int cert, String keyBody, boolean garbage) {}

  @Provide
  Arbitrary<List<Piece>> pieces() {
    Arbitrary<Piece> cert =
        Arbitraries.integers()
            .between(0, POOL.size() - 1)
            .map(i -> new Piece(POOL.get(i).pem(), i, null, false));
    Arbitrary<Piece> key =
        Combinators.combine(
                Arbitraries.of(KEY_LABELS),
                Arbitraries.bytes().array(byte[].class).ofMinSize(16).ofMaxSize(200))
            .as(
                (label, body) -> {
                  String b64 = Base64.getEncoder().encodeToString(body);
                  return new Piece(TestPki.pem(label, body), -1, b64, false);
                });
    Arbitrary<Piece> comment =
        Arbitraries.strings()
            .alpha()
            .numeric()
            .withChars(' ', '#', ':')
            .ofMaxLength(60)
            .map(s -> new Piece("# " + s + "\n", -1, null, false));
    Arbitrary<Piece> garbage =
        Arbitraries.bytes()
            .array(byte[].class)
            .ofMaxSize(300)
            .map(b -> new Piece(new String(b, ISO_8859_1), -1, null, true));
    Arbitrary<Piece> broken =
        Arbitraries.integers()
            .between(0, POOL.size() - 1)
            .flatMap(
                i -> {
                  String pem = POOL.get(i).pem();
                  return Arbitraries.integers()
                      .between(1, pem.length() - 1)
                      .map(cut -> new Piece(pem.substring(0, cut) + "\n", -1, null, true));
                });
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(4, cert),
            net.jqwik.api.Tuple.of(1, key),
            net.jqwik.api.Tuple.of(2, comment),
            net.jqwik.api.Tuple.of(1, garbage),
            net.jqwik.api.Tuple.of(1, broken))
        .list()
        .ofMaxSize(8);
  }

  @Property(tries = 300)
  void strictParseOnlyEverThrowsTrustBundleException(@ForAll("pieces") List<Piece> pieces) {
    Throwable thrown = catchThrowable(() -> PemBundle.parseStrict("in.pem", join(pieces)));
    assertThat(thrown)
        .satisfiesAnyOf(
            t -> assertThat(t).isNull(),
            t -> assertThat(t).isInstanceOf(TrustBundleException.class));
  }

  @Property(tries = 300)
  void keyBlocksAreAlwaysRejectedAndTheirBodyNeverQuoted(@ForAll("pieces") List<Piece> pieces) {
    if (pieces.stream().noneMatch(p -> p.keyBody() != null)) {
      return;
    }
    assertThatThrownBy(() -> PemBundle.parseStrict("in.pem", join(pieces)))
        .isInstanceOf(TrustBundleException.class)
        .satisfies(
            e ->
                pieces.stream()
                    .filter(p -> p.keyBody() != null)
                    .forEach(
                        p ->
                            assertThat(e.getMessage())
                                .doesNotContain(p.keyBody().substring(0, 16))));
  }

  @Property(tries = 300)
  void cleanInputKeepsExactlyTheDistinctCertificatesInOrder(@ForAll("pieces") List<Piece> pieces)
      throws Exception {
    List<Piece> clean = pieces.stream().filter(p -> !p.garbage() && p.keyBody() == null).toList();
    Set<Fingerprint> expected = new LinkedHashSet<>();
    clean.stream()
        .filter(p -> p.cert() >= 0)
        .forEach(p -> expected.add(Fingerprint.of(POOL.get(p.cert()).der())));
    PemBundle lenient = PemBundle.parseLenient("in.pem", join(pieces));
    assertThat(lenient.certificates()).extracting(CaCertificate::fingerprint).containsAll(expected);
    if (expected.isEmpty()) {
      assertThatThrownBy(() -> PemBundle.parseStrict("in.pem", join(clean)))
          .isInstanceOf(TrustBundleException.class);
      return;
    }
    assertThat(PemBundle.parseStrict("in.pem", join(clean)).certificates())
        .extracting(CaCertificate::fingerprint)
        .containsExactlyElementsOf(expected);
  }

  @Property(tries = 300)
  void lenientParseNeverThrows(@ForAll byte[] input) {
    PemBundle bundle = PemBundle.parseLenient("random", input);
    assertThat(bundle.size()).isZero();
  }

  @Property(tries = 300)
  void lineEndingsAndWhiteSpaceAroundLinesDoNotChangeTheBlocks(
      @ForAll("pieces") List<Piece> pieces, @ForAll Random random) {
    List<Piece> clean = pieces.stream().filter(p -> !p.garbage()).toList();
    String text = new String(join(clean), ISO_8859_1);
    StringBuilder reshaped = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      reshaped.append(padding(random)).append(line).append(padding(random));
      reshaped.append(List.of("\n", "\r\n", "\r").get(random.nextInt(3)));
    }

    assertThat(blocks(reshaped.toString().getBytes(ISO_8859_1))).isEqualTo(blocks(join(clean)));
  }

  /** White space {@link String#strip} removes, of ISO-8859-1; never a line end. */
  private static String padding(Random random) {
    String blanks = " \t\u000b\f\u001c\u001d\u001e\u001f";
    StringBuilder out = new StringBuilder();
    for (int n = random.nextInt(3); n > 0; n--) {
      out.append(blanks.charAt(random.nextInt(blanks.length())));
    }
    return out.toString();
  }

  /** The blocks as comparable text. */
  private static List<String> blocks(byte[] pem) {
    return PemReader.read(pem).stream()
        .map(
            b ->
                b.index()
                    + " "
                    + b.label()
                    + " "
                    + HexFormat.of().formatHex(b.der())
                    + " "
                    + b.problem())
        .toList();
  }

  private static byte[] join(List<Piece> pieces) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Piece p : pieces) {
      out.writeBytes(p.text().getBytes(ISO_8859_1));
      out.write('\n');
    }
    return out.toByteArray();
  }
}
