// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NriPluginTest {

  /** Overrides StartContainer only; its subclass overrides nothing. */
  static class Starter implements NriPlugin {
    @Override
    public void startContainer(PodInfo pod, ContainerInfo container) {}
  }

  static final class QuietStarter extends Starter {}

  @Test
  void aPluginThatOverridesNothingSubscribesToNothing() {
    assertThat(NriPlugin.subscription(new NriPlugin() {}).bits()).isZero();
  }

  @Test
  void aPluginSubscribesToExactlyTheEventsWhoseMethodsItOverrides() {
    NriPlugin plugin =
        new NriPlugin() {
          @Override
          public void synchronize(SyncSnapshot snapshot) {}

          @Override
          public void stopPodSandbox(PodInfo pod) {}

          @Override
          public void postStartContainer(PodInfo pod, ContainerInfo container) {}
        };

    assertThat(NriPlugin.subscription(plugin).events())
        .containsExactlyInAnyOrder(Event.STOP_POD_SANDBOX, Event.POST_START_CONTAINER);
  }

  @Test
  void aSubclassSubscribesToWhatItsParentOverrides() {
    assertThat(NriPlugin.subscription(new QuietStarter()).events())
        .containsExactly(Event.START_CONTAINER);
  }

  @Test
  void everyEventButTheUpdatesHasOneMethodNamedAfterItsRpc() {
    for (Event e : Event.values()) {
      boolean hasMethod =
          Arrays.stream(NriPlugin.class.getMethods())
              .anyMatch(
                  m ->
                      m.getName().equals(e.methodName())
                          && m.getParameterCount() == (e.podOnly() ? 1 : 2));
      assertThat(hasMethod)
          .as("%s has a method %s", e, e.methodName())
          .isEqualTo(e != Event.UPDATE_CONTAINER && e != Event.POST_UPDATE_CONTAINER);
    }
  }
}
