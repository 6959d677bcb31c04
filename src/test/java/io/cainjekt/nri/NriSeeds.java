// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import io.cainjekt.nri.proto.ConfigureRequest;
import io.cainjekt.nri.proto.Container;
import io.cainjekt.nri.proto.CreateContainerRequest;
import io.cainjekt.nri.proto.PodSandbox;
import io.cainjekt.nri.proto.PostCreateContainerRequest;
import io.cainjekt.nri.proto.PostStartContainerRequest;
import io.cainjekt.nri.proto.RemoveContainerRequest;
import io.cainjekt.nri.proto.RemovePodSandboxRequest;
import io.cainjekt.nri.proto.RunPodSandboxRequest;
import io.cainjekt.nri.proto.StartContainerRequest;
import io.cainjekt.nri.proto.StateChangeEvent;
import io.cainjekt.nri.proto.StopContainerRequest;
import io.cainjekt.nri.proto.StopPodSandboxRequest;
import io.cainjekt.nri.proto.SynchronizeRequest;
import io.cainjekt.nri.proto.UpdateContainerRequest;
import io.cainjekt.wire.ttrpc.WireSeeds;
import io.cainjekt.wire.ttrpc.proto.KeyValue;
import io.cainjekt.wire.ttrpc.proto.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Plugin-service requests for fuzzing the NRI mapping: the ones captured from containerd 1.7.24
 * ({@code resources/wire}), and the captured pod and container re-wrapped (with every field we map
 * set) into each request type containerd 1.7 did not send in the capture.
 */
final class NriSeeds {

  /** The request message type of each plugin method we map. */
  static final Map<String, Descriptor> PAYLOAD_TYPES =
      Map.ofEntries(
          Map.entry("Configure", ConfigureRequest.getDescriptor()),
          Map.entry("Synchronize", SynchronizeRequest.getDescriptor()),
          Map.entry("CreateContainer", CreateContainerRequest.getDescriptor()),
          Map.entry("PostCreateContainer", PostCreateContainerRequest.getDescriptor()),
          Map.entry("StartContainer", StartContainerRequest.getDescriptor()),
          Map.entry("PostStartContainer", PostStartContainerRequest.getDescriptor()),
          Map.entry("UpdateContainer", UpdateContainerRequest.getDescriptor()),
          Map.entry("StopContainer", StopContainerRequest.getDescriptor()),
          Map.entry("RemoveContainer", RemoveContainerRequest.getDescriptor()),
          Map.entry("RunPodSandbox", RunPodSandboxRequest.getDescriptor()),
          Map.entry("StopPodSandbox", StopPodSandboxRequest.getDescriptor()),
          Map.entry("RemovePodSandbox", RemovePodSandboxRequest.getDescriptor()),
          Map.entry("StateChange", StateChangeEvent.getDescriptor()));

  private NriSeeds() {}

  /** Every seed request: captured ones first, then the re-wrapped ones. */
  static List<Request> requests() throws Exception {
    List<Request> out = new ArrayList<>();
    for (String name : WireSeeds.names()) {
      if (name.contains("-request")) {
        Request r = NriVectorsTest.request(name);
        if (r.getService().equals(PluginService.SERVICE)) {
          out.add(r);
        }
      }
    }
    CreateContainerRequest captured =
        CreateContainerRequest.parseFrom(
            NriVectorsTest.request("09-create-container-request.hex").getPayload());
    PodSandbox pod = captured.getPod().toBuilder().setPid(4242).addIps("10.0.0.7").build();
    Container container =
        captured.getContainer().toBuilder()
            .setPid(4243)
            .setStateValue(3)
            .addArgs("/bin/sh")
            .addArgs("-c")
            .build();
    out.add(request("RunPodSandbox", RunPodSandboxRequest.newBuilder().setPod(pod).build()));
    out.add(request("StopPodSandbox", StopPodSandboxRequest.newBuilder().setPod(pod).build()));
    out.add(request("RemovePodSandbox", RemovePodSandboxRequest.newBuilder().setPod(pod).build()));
    out.add(request("CreateContainer", captured.toBuilder().setContainer(container).build()));
    out.add(
        request(
            "PostCreateContainer",
            PostCreateContainerRequest.newBuilder().setPod(pod).setContainer(container).build()));
    out.add(
        request(
            "StartContainer",
            StartContainerRequest.newBuilder().setPod(pod).setContainer(container).build()));
    out.add(
        request(
            "PostStartContainer",
            PostStartContainerRequest.newBuilder().setPod(pod).setContainer(container).build()));
    out.add(
        request(
            "UpdateContainer",
            UpdateContainerRequest.newBuilder().setPod(pod).setContainer(container).build()));
    out.add(
        request(
            "StopContainer",
            StopContainerRequest.newBuilder().setPod(pod).setContainer(container).build()));
    out.add(
        request(
            "RemoveContainer",
            RemoveContainerRequest.newBuilder().setPod(pod).setContainer(container).build()));
    for (Event e : Event.values()) {
      out.add(
          request(
              "StateChange",
              StateChangeEvent.newBuilder()
                  .setEventValue(e.number())
                  .setPod(pod)
                  .setContainer(container)
                  .build()));
    }
    out.add(
        request(
            "Synchronize",
            SynchronizeRequest.newBuilder()
                .addPods(pod)
                .addPods(pod.toBuilder().setId("second").putLabels("tier", "db"))
                .addContainers(container)
                .addContainers(container.toBuilder().setId("c2").addEnv("X=\u00e9\u202e"))
                .build()));
    out.add(
        request(
            "Configure",
            ConfigureRequest.newBuilder()
                .setConfig("{\"k\":1}")
                .setRuntimeName("containerd")
                .setRuntimeVersion("2.1.4")
                .setRegistrationTimeout(5000)
                .setRequestTimeout(2000)
                .setNriVersion("v0.10.0")
                .build()));
    return out;
  }

  private static Request request(String method, Message payload) {
    return Request.newBuilder()
        .setService(PluginService.SERVICE)
        .setMethod(method)
        .setPayload(ByteString.copyFrom(payload.toByteArray()))
        .setTimeoutNano(Duration.ofSeconds(2).toNanos())
        .addMetadata(KeyValue.newBuilder().setKey("containerd-namespace-ttrpc").setValue("k8s.io"))
        .build();
  }
}
