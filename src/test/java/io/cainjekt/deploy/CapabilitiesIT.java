// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.deploy;

import static io.cainjekt.deploy.DeployTools.BASEDIR;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Proves on this kernel, with deploy/verify-capabilities.sh (needs root), why the chart adds
 * exactly SYS_PTRACE, DAC_OVERRIDE and CHOWN: each is needed for one file operation of the plugin
 * and the set of the three suffices. docs/security.md cites these cases.
 */
class CapabilitiesIT {

  @Test
  void eachAddedCapabilityIsNeededAndTheSetSuffices() throws Exception {
    DeployTools.Run run =
        DeployTools.exec(
            List.of("bash", BASEDIR.resolve("deploy/verify-capabilities.sh").toString()));
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    Map<String, String> results = new LinkedHashMap<>();
    run.stdout().lines().map(l -> l.split(" ")).forEach(f -> results.put(f[0] + " " + f[1], f[2]));

    String all = "+sys_ptrace,+dac_override,+chown";
    // SYS_PTRACE: /proc/<pid>/root of a process with capabilities we lack, dumpable or not
    assertThat(results)
        .containsEntry("proc-root-nondumpable +dac_override,+chown", "denied")
        .containsEntry("proc-root-dumpable +dac_override,+chown", "denied")
        .containsEntry("proc-root-nondumpable +sys_ptrace", "ok")
        .containsEntry("proc-root-dumpable +sys_ptrace", "ok")
        .containsEntry("proc-root-nondumpable " + all, "ok");
    // no capability for the common case: root-owned trust store, root-owned NRI socket
    assertThat(results)
        .containsEntry("connect-root-socket +sys_ptrace", "ok")
        .containsEntry("replace-root-owned-readonly +sys_ptrace", "ok");
    // DAC_OVERRIDE: trust-store directories owned by a non-root user
    assertThat(results)
        .containsEntry("create-in-user-owned-dir +sys_ptrace", "denied")
        .containsEntry("create-in-user-owned-dir +sys_ptrace,+dac_override", "ok");
    // CHOWN: give the rewritten file its previous non-root owner back
    assertThat(results)
        .containsEntry("replace-keeping-user-owner +sys_ptrace,+dac_override", "denied")
        .containsEntry("replace-keeping-user-owner " + all, "ok");
    // FOWNER is not added, so the mode must be set before the owner (rootfs writes in that order)
    assertThat(results).containsEntry("chmod-after-chown " + all, "denied");
  }
}
