// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import io.cainjekt.trust.CaCertificate;
import io.cainjekt.trust.Fingerprint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An insertion-ordered set of certificates compared by DER encoding (never by text or alias). Not
 * thread-safe.
 */
public final class CertificateSet {

  private final List<CaCertificate> certificates = new ArrayList<>();
  private final Set<Fingerprint> fingerprints = new HashSet<>();

  /** Adds the certificate unless one with the same DER is present; true when added. */
  public boolean add(CaCertificate certificate) {
    if (fingerprints.add(certificate.fingerprint())) {
      certificates.add(certificate);
      return true;
    }
    return false;
  }

  /** Adds each certificate in order; returns how many were new. */
  public int addAll(Collection<CaCertificate> more) {
    int added = 0;
    for (CaCertificate c : more) {
      added += add(c) ? 1 : 0;
    }
    return added;
  }

  public int size() {
    return certificates.size();
  }

  /** The certificates in insertion order. */
  public List<CaCertificate> list() {
    return List.copyOf(certificates);
  }
}
