// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import io.cainjekt.trust.Fingerprint;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
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

  private final List<X509Certificate> certificates = new ArrayList<>();
  private final Set<Fingerprint> fingerprints = new HashSet<>();

  /** Adds the certificate unless one with the same DER is present; true when added. */
  public boolean add(X509Certificate certificate) {
    if (fingerprints.add(fingerprint(certificate))) {
      certificates.add(certificate);
      return true;
    }
    return false;
  }

  /** Adds each certificate in order; returns how many were new. */
  public int addAll(Collection<X509Certificate> more) {
    int added = 0;
    for (X509Certificate c : more) {
      added += add(c) ? 1 : 0;
    }
    return added;
  }

  public boolean contains(X509Certificate certificate) {
    return fingerprints.contains(fingerprint(certificate));
  }

  public int size() {
    return certificates.size();
  }

  /** The certificates in insertion order. */
  public List<X509Certificate> list() {
    return List.copyOf(certificates);
  }

  private static Fingerprint fingerprint(X509Certificate certificate) {
    try {
      return Fingerprint.of(certificate);
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("certificate without a DER encoding", e);
    }
  }
}
