// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Named readiness conditions, all of which must hold for /readyz to answer 200
 * (docs/architecture.md, "Safety rules": not ready while the runtime is disconnected or not yet
 * synchronized). A condition starts failing with the reason given at registration; its owner flips
 * it with {@link Condition#pass()} and {@link Condition#fail(String)}. Thread-safe.
 */
public final class Readiness {

  /** Condition name for the NRI connection. */
  public static final String RUNTIME_CONNECTED = "runtime_connected";

  /** Condition name for a completed Synchronize after the last connect. */
  public static final String RUNTIME_SYNCHRONIZED = "runtime_synchronized";

  private final Map<String, Condition> conditions = new ConcurrentSkipListMap<>();

  /** Registers {@code name}, failing with {@code initialReason} until passed; names are unique. */
  public Condition condition(String name, String initialReason) {
    Condition created = new Condition(name, initialReason);
    Condition existing = conditions.putIfAbsent(name, created);
    if (existing != null) {
      throw new IllegalArgumentException("readiness condition " + name + " already registered");
    }
    return created;
  }

  /** The current verdict: ready iff every condition passes (and at least one exists). */
  public Status status() {
    List<String> failing = new ArrayList<>();
    for (Condition c : conditions.values()) {
      String reason = c.failure;
      if (reason != null) {
        failing.add(c.name + ": " + reason);
      }
    }
    if (conditions.isEmpty()) {
      failing.add("no readiness conditions registered");
    }
    return new Status(failing.isEmpty(), List.copyOf(failing));
  }

  /** Ready or not, with one line per failing condition. */
  public record Status(boolean ready, List<String> failing) {
    /** Validates and copies. */
    public Status {
      failing = List.copyOf(failing);
    }
  }

  /** One named condition. Thread-safe. */
  public static final class Condition {
    private final String name;
    private volatile String failure;

    private Condition(String name, String initialReason) {
      this.name = Objects.requireNonNull(name, "name");
      this.failure = Objects.requireNonNull(initialReason, "initialReason");
    }

    /** The condition's name. */
    public String name() {
      return name;
    }

    /** Marks the condition as holding. */
    public void pass() {
      failure = null;
    }

    /** Marks the condition as failing, with a human-readable reason. */
    public void fail(String reason) {
      failure = Objects.requireNonNull(reason, "reason");
    }

    /** Sets the state from a boolean; {@code reasonIfFalse} is used when it does not hold. */
    public void set(boolean holds, String reasonIfFalse) {
      if (holds) {
        pass();
      } else {
        fail(reasonIfFalse);
      }
    }

    /** Whether the condition holds now. */
    public boolean holds() {
      return failure == null;
    }
  }
}
