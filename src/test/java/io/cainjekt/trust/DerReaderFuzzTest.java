// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cainjekt.fuzz.DerShapes;
import io.cainjekt.fuzz.JdkRoots;
import io.cainjekt.fuzz.Mutator;
import java.lang.management.ManagementFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mutation and shape fuzzing of the one DER reader ({@link DerReader}) and the PKCS12 protection
 * walk built on it, seeded with real certificates (the PKI fixtures and the running JDK's cacerts
 * roots) and keystores: malformed input fails only with {@link IllegalArgumentException}, a length
 * claim of 4 GiB allocates nothing, and a million nested levels neither recurse nor overflow.
 */
class DerReaderFuzzTest {

  private static final long SLACK_BYTES = 64 << 10;
  private static final List<byte[]> SEEDS = new ArrayList<>();

  @BeforeAll
  static void loadSeeds() throws Exception {
    for (String fixture :
        List.of(
            "/pki/corp-ca-and-ca2.pem", "/pki/corp-issuing-leaf-chain.pem", "/pki/corp-ca.crt")) {
      PemBundle.parseStrict(fixture, PemBundleFuzzTest.load(fixture)).certificates().stream()
          .map(c -> c.der().toByteArray())
          .forEach(SEEDS::add);
    }
    for (X509Certificate root : JdkRoots.certificates()) {
      SEEDS.add(root.getEncoded());
    }
    SEEDS.add(PemBundleFuzzTest.load("/pki/cacerts.p12"));
    SEEDS.add(
        TrustStoreBuilder.pkcs12(List.of(Cas.of(TestPki.rootCa("Corp Root CA").certificate())))
            .toByteArray());
  }

  /**
   * Reads every element of {@code input}, entering constructed ones, with an explicit stack (the
   * reader itself never recurses); OIDs and INTEGERs are decoded too. Returns the elements seen.
   */
  static int walk(byte[] input) {
    Deque<DerReader> stack = new ArrayDeque<>();
    stack.push(new DerReader(input));
    int seen = 0;
    while (!stack.isEmpty()) {
      DerReader reader = stack.peek();
      if (!reader.hasMore()) {
        stack.pop();
        continue;
      }
      int tag = reader.peekTag();
      seen++;
      if ((tag & 0x20) != 0) {
        stack.push(reader.enter(tag));
      } else if (tag == 0x06 || tag == 0x02) {
        DerReader single = new DerReader(reader.rawElement());
        try {
          Object ignored = tag == 0x06 ? single.objectIdentifier() : single.nonNegativeInteger();
        } catch (IllegalArgumentException ignored) {
          // a malformed OID or a negative INTEGER inside a well-formed element: keep walking
        }
      } else {
        reader.contents(tag);
      }
    }
    return seen;
  }

  @Test
  void theSeedsWalkCompletely() {
    assertThat(SEEDS).hasSizeGreaterThan(50);
    for (byte[] seed : SEEDS) {
      assertThat(walk(seed)).isGreaterThan(3); // a PFX hides its bags in OCTET STRINGs
    }
  }

  @Test
  void mutatedCertificatesAndKeystoresFailOnlyWithIllegalArgument() {
    int cases = Mutator.cases(3000);
    int refused = 0;
    for (int i = 0; i < cases; i++) {
      Mutator m = Mutator.forCase(i);
      byte[] input = m.mutate(m.pick(SEEDS));
      try {
        walk(input);
      } catch (IllegalArgumentException e) {
        refused++;
        assertThat(e.getMessage()).as("case %d", i).isNotBlank().hasSizeLessThan(200);
      }
      try {
        Pkcs12Protection protection = Pkcs12Protection.of(input);
        assertThat(protection.totalIterations()).as("case %d", i).isNotNegative();
      } catch (IllegalArgumentException expected) {
        // most mutations of a certificate are no PFX at all
      }
    }
    assertThat(refused).as("mutations the reader refuses").isPositive();
  }

  @Test
  void randomDerShapesFailOnlyWithIllegalArgument() {
    int cases = Mutator.cases(3000);
    int accepted = 0;
    for (int i = 0; i < cases; i++) {
      byte[] input = DerShapes.random(Mutator.forCase(i).random());
      try {
        walk(input);
        accepted++;
      } catch (IllegalArgumentException e) {
        assertThat(e.getMessage()).as("case %d", i).isNotBlank();
      }
    }
    assertThat(accepted).as("shapes that happen to be valid DER").isBetween(1, cases - 1);
  }

  @Test
  void lyingLengthsAreRefusedWithoutAllocating() {
    byte[][] lies = {
      {0x30, (byte) 0x84, -1, -1, -1, -1},
      {0x30, (byte) 0x84, 0x7f, -1, -1, -1, 0x02, 0x01, 0x00},
      {0x30, (byte) 0x85, 0x01, 0x00, 0x00, 0x00, 0x00},
      {0x30, (byte) 0x80, 0x02, 0x01, 0x00, 0x00, 0x00},
      {0x30, 0x05, 0x02, 0x01},
      {0x30},
      {0x1f, 0x01, 0x00}
    };
    for (byte[] lie : lies) {
      assertThatThrownBy(() -> walk(lie)).isInstanceOf(IllegalArgumentException.class);
      long before = allocatedBytes(); // measured on the second run, after class loading
      try {
        walk(lie);
      } catch (IllegalArgumentException expected) {
        // refused, as asserted above
      }
      assertThat(allocatedBytes() - before).isLessThan(SLACK_BYTES);
    }
  }

  @Test
  void aMillionNestedLevelsNeitherRecurseNorOverflow() {
    byte[] deep = DerShapes.nested(1_000_000, new byte[] {0x05, 0x00});
    assertThat(walk(deep)).isEqualTo(1_000_001);
    assertThatThrownBy(() -> Pkcs12Protection.of(deep))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> walk(DerShapes.nestedIndefinite(1_000_000)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unsupported length form");
  }

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }
}
