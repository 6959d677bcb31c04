// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ContentMemoTest {

  private static Fingerprint key(String s) {
    return Fingerprint.of(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void sameKindSourceAndContentIsComputedOnce() {
    ContentMemo memo = new ContentMemo(8, 1 << 20);
    AtomicInteger calls = new AtomicInteger();

    String a = memo.get("k", "src", key("x"), 10, () -> "v" + calls.incrementAndGet());
    String b = memo.get("k", "src", key("x"), 10, () -> "v" + calls.incrementAndGet());

    assertThat(a).isEqualTo("v1").isSameAs(b);
    assertThat(memo.counts()).containsExactly(1, 1);
  }

  @Test
  void anotherSourceKindOrContentIsAnotherEntry() {
    ContentMemo memo = new ContentMemo(8, 1 << 20);
    AtomicInteger calls = new AtomicInteger();

    memo.get("k", "src", key("x"), 10, calls::incrementAndGet);
    memo.get("k", "other", key("x"), 10, calls::incrementAndGet);
    memo.get("j", "src", key("x"), 10, calls::incrementAndGet);
    memo.get("k", "src", key("y"), 10, calls::incrementAndGet);

    assertThat(calls).hasValue(4);
    assertThat(memo.size()).isEqualTo(4);
  }

  @Test
  void leastRecentlyUsedEntriesGoWhenEntriesOrWeightOverflow() {
    ContentMemo memo = new ContentMemo(2, 100);
    memo.get("k", "", key("a"), 10, () -> "a");
    memo.get("k", "", key("b"), 10, () -> "b");
    memo.get("k", "", key("a"), 10, () -> "a again"); // a is now the most recent
    memo.get("k", "", key("c"), 10, () -> "c"); // evicts b

    assertThat(memo.get("k", "", key("a"), 10, () -> "recomputed")).isEqualTo("a");
    assertThat(memo.get("k", "", key("b"), 10, () -> "recomputed")).isEqualTo("recomputed");

    memo.get("k", "", key("heavy"), 95, () -> "heavy"); // weight pushes out the rest
    assertThat(memo.size()).isEqualTo(1);
    memo.get("k", "", key("too heavy"), 101, () -> "never kept");
    assertThat(memo.size()).isEqualTo(1);
  }

  @Test
  void failuresAreNotRemembered() {
    ContentMemo memo = new ContentMemo(8, 1 << 20);
    AtomicInteger calls = new AtomicInteger();
    ContentMemo.Computation<String, TrustBundleException> failing =
        () -> {
          calls.incrementAndGet();
          throw new TrustBundleException("broken");
        };

    assertThatThrownBy(() -> memo.get("k", "", key("x"), 1, failing))
        .isInstanceOf(TrustBundleException.class);
    assertThatThrownBy(() -> memo.get("k", "", key("x"), 1, failing))
        .isInstanceOf(TrustBundleException.class);
    assertThat(calls).hasValue(2);
  }

  @Test
  void partHashesDependOnTheBoundariesBetweenParts() {
    byte[] ab = "ab".getBytes(StandardCharsets.UTF_8);
    byte[] a = "a".getBytes(StandardCharsets.UTF_8);
    byte[] b = "b".getBytes(StandardCharsets.UTF_8);

    assertThat(ContentMemo.hash(List.of(ab))).isNotEqualTo(ContentMemo.hash(List.of(a, b)));
    assertThat(ContentMemo.hash(List.of(a, b))).isEqualTo(ContentMemo.hash(List.of(a, b)));
  }

  @Test
  void lenientParsesAreRememberedByTheExactBytes() {
    TestPki.Issued ca = TestPki.rootCa("Remembered CA");
    byte[] known = (ca.pem() + "# tail 12345678").getBytes(StandardCharsets.US_ASCII);
    ContentMemo memo = new ContentMemo();
    PemBundle first = memo.parseLenient("/etc/ssl/memo.pem", ByteString.copyFrom(known));

    // equal bytes in a new array (another container of the image): the same parse
    assertThat(memo.parseLenient("/etc/ssl/memo.pem", ByteString.copyFrom(known))).isSameAs(first);
    // other bytes with the same CRC32C: parsed on their own
    byte[] forged = Crc32cForgery.sameCrcOtherBytes(known);
    assertThat(Crc32cForgery.crc32c(forged)).isEqualTo(Crc32cForgery.crc32c(known));
    assertThat(memo.parseLenient("/etc/ssl/memo.pem", ByteString.copyFrom(forged)))
        .isNotSameAs(first);
    // a memo that is off keeps nothing
    ContentMemo off = ContentMemo.off();
    ByteString content = ByteString.copyFrom(known);
    assertThat(off.parseLenient("/etc/ssl/memo.pem", content))
        .isNotSameAs(off.parseLenient("/etc/ssl/memo.pem", content));
  }
}
