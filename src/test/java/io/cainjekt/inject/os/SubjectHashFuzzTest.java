// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.fuzz.DerShapes;
import io.cainjekt.fuzz.JdkRoots;
import io.cainjekt.fuzz.Mutator;
import io.cainjekt.trust.Der;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mutation and shape fuzzing of {@link SubjectHash#ofName}, seeded with the subjects and whole
 * encodings of real certificates (the fixtures and the running JDK's roots): every input yields
 * eight hex digits or an {@link IllegalArgumentException}, never another exception, and deep
 * nesting inside an attribute value is copied, not recursed into.
 */
class SubjectHashFuzzTest {

  private static final List<byte[]> NAMES = new ArrayList<>();
  private static final List<byte[]> CERTIFICATES = new ArrayList<>();

  @BeforeAll
  static void loadSeeds() throws Exception {
    List<X509Certificate> certificates = new ArrayList<>();
    for (String name : List.of("corp-ca", "corp-ca-rekeyed", "corp-ca-leaf", "fake-public-root")) {
      certificates.add(Pki.certificate(name));
    }
    certificates.addAll(JdkRoots.certificates());
    for (X509Certificate c : certificates) {
      NAMES.add(c.getSubjectX500Principal().getEncoded());
      CERTIFICATES.add(c.getEncoded());
    }
  }

  /** The hash, or "refused" for the one documented exception; anything else fails the test. */
  private static String hashOrRefused(byte[] input) {
    try {
      String hash = SubjectHash.ofName(input);
      assertThat(hash).matches("[0-9a-f]{8}");
      return hash;
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).isNotBlank();
      return "refused";
    }
  }

  @Test
  void mutatedSubjectsHashOrFailOnlyWithIllegalArgument() {
    int cases = Mutator.cases(4000);
    int hashed = 0;
    for (int i = 0; i < cases; i++) {
      Mutator m = Mutator.forCase(i);
      byte[] seed = m.random().nextInt(4) == 0 ? m.pick(CERTIFICATES) : m.pick(NAMES);
      if (!hashOrRefused(m.mutate(seed)).equals("refused")) {
        hashed++;
      }
    }
    assertThat(hashed).as("mutated names that still parse").isBetween(1, cases - 1);
  }

  @Test
  void randomDerShapesAsNamesAndAsAttributeValuesHashOrFailOnlyWithIllegalArgument() {
    int cases = Mutator.cases(3000);
    int hashed = 0;
    for (int i = 0; i < cases; i++) {
      Mutator m = Mutator.forCase(i);
      byte[] shape = DerShapes.random(m.random());
      byte[] asValue =
          Der.tlv(0x30, Der.tlv(0x31, Der.tlv(0x30, SubjectNames.hex("0603550403"), shape)));
      hashOrRefused(shape);
      if (!hashOrRefused(asValue).equals("refused")) {
        hashed++;
      }
    }
    assertThat(hashed).as("well-formed shapes hashed as attribute values").isPositive();
  }

  @Test
  void deepNestingIsCopiedOrRefusedNeverRecursed() {
    byte[] deepValue = DerShapes.nested(1_000_000, new byte[] {0x05, 0x00});
    byte[] name =
        Der.tlv(0x30, Der.tlv(0x31, Der.tlv(0x30, SubjectNames.hex("0603550403"), deepValue)));
    assertThat(SubjectHash.ofName(name)).matches("[0-9a-f]{8}");
    assertThatThrownBy(() -> SubjectHash.ofName(deepValue))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SubjectHash.ofName(DerShapes.nestedIndefinite(1_000_000)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
