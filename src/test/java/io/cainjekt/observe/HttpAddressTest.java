// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HttpAddressTest {

  @Test
  void theDefaultBindsEveryInterfaceAndIsReachedOnLoopback() {
    HttpAddress address = HttpAddress.parse(HttpAddress.DEFAULT);
    assertThat(address).isEqualTo(new HttpAddress("", 9443));
    assertThat(address.bindAddress().getAddress().isAnyLocalAddress()).isTrue();
    assertThat(address.clientBaseUrl()).isEqualTo("http://127.0.0.1:9443");
  }

  @Test
  void hostAndPortAndBracketedIpv6Parse() {
    assertThat(HttpAddress.parse("127.0.0.1:8080")).isEqualTo(new HttpAddress("127.0.0.1", 8080));
    assertThat(HttpAddress.parse("[::1]:9443").host()).isEqualTo("::1");
    assertThat(HttpAddress.parse("[::1]:9443").clientBaseUrl()).isEqualTo("http://[::1]:9443");
    assertThat(HttpAddress.parse("0.0.0.0:1").clientBaseUrl()).isEqualTo("http://127.0.0.1:1");
  }

  @Test
  void badValuesSayWhatIsWrong() {
    assertThatThrownBy(() -> HttpAddress.parse("9443"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be HOST:PORT");
    assertThatThrownBy(() -> HttpAddress.parse("host:http"))
        .hasMessageContaining("port 'http' is not a number");
    assertThatThrownBy(() -> HttpAddress.parse(":70000")).hasMessageContaining("outside 0..65535");
    assertThatThrownBy(() -> HttpAddress.parse("::1:80")).hasMessageContaining("brackets");
  }
}
