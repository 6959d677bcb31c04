// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject.runtime;

import com.google.protobuf.ByteString;
import io.cainjekt.inject.Detection;
import io.cainjekt.inject.InjectionContext;
import io.cainjekt.inject.InjectionContext.JavaSeed;
import io.cainjekt.inject.InjectionContext.Jdk;
import io.cainjekt.inject.InjectionException;
import io.cainjekt.inject.Outcome;
import io.cainjekt.inject.Processor;
import io.cainjekt.trust.CaCertificate;
import java.io.IOException;
import java.util.List;

/**
 * Java: finds the image's JDKs and reads the cacerts of the first one (JAVA_HOME wins) to seed
 * truststore.p12, which the pipeline completes with the injected CAs. Reads only: a JDK's cacerts
 * is never modified (the distro's extracted keystore that it may link to is the OS store's job).
 * When no JDK or no readable cacerts exists, the pipeline seeds from the OS bundle instead. The
 * JDKs its detection finds are kept in the run's context for its apply. Thread-safe (stateless).
 */
public final class JavaRuntimeProcessor implements Processor {

  /** Public processor id. */
  public static final String ID = "runtime-java";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int priority() {
    return 200;
  }

  @Override
  public Detection detect(InjectionContext context) throws IOException {
    List<Jdk> jdks = JdkLocator.locate(context.root(), context.containerEnv());
    context.jdks(jdks);
    for (Jdk jdk : jdks) {
      String detail =
          "JDK "
              + (jdk.version().isEmpty() ? "(unknown version)" : jdk.version())
              + jdk.cacerts().map(c -> ", cacerts " + c).orElse(", no cacerts");
      context.runtime(new InjectionContext.Runtime("java", jdk.home(), detail));
    }
    return jdks.isEmpty()
        ? Detection.absent("no JDK found")
        : Detection.found(jdks.size() + " JDK(s), first " + jdks.getFirst().home());
  }

  @Override
  public Outcome apply(InjectionContext context) throws IOException {
    for (Jdk jdk : context.jdks()) { // found by detect, in this run
      if (jdk.cacerts().isEmpty()) {
        continue;
      }
      String path = jdk.cacerts().get();
      List<CaCertificate> certificates;
      try {
        ByteString keystore = context.root().read(path, context.trustStoreCap());
        certificates = context.memo().readKeyStore(path, keystore);
      } catch (IOException e) {
        throw new InjectionException(path, "read JDK cacerts", e);
      }
      context.javaSeed(new JavaSeed(path, certificates));
      return new Outcome.Applied(
          "truststore.p12 seeded from " + path + " (" + certificates.size() + " certificates)",
          List.of());
    }
    return new Outcome.Skipped(
        "no JDK has a cacerts file: truststore.p12 seeded from the OS bundle");
  }
}
