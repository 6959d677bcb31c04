// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import io.cainjekt.observe.Metrics;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/** Reads series of a {@link Metrics} registry in tests. */
final class MetricSamples {

  private MetricSamples() {}

  /** The value of one counter series (0 when absent). */
  static double counter(Metrics metrics, String name, String label, String value) {
    for (MetricSnapshot s : metrics.registry().scrape()) {
      if (s instanceof CounterSnapshot c && c.getMetadata().getName().equals(name)) {
        for (CounterSnapshot.CounterDataPointSnapshot d : c.getDataPoints()) {
          if (value.equals(d.getLabels().get(label))) {
            return d.getValue();
          }
        }
      }
    }
    return 0;
  }

  /** The value of one gauge series (NaN when absent). */
  static double gauge(Metrics metrics, String name, String label, String value) {
    for (MetricSnapshot s : metrics.registry().scrape()) {
      if (s instanceof GaugeSnapshot g && g.getMetadata().getName().equals(name)) {
        for (GaugeSnapshot.GaugeDataPointSnapshot d : g.getDataPoints()) {
          if (value.equals(d.getLabels().get(label))) {
            return d.getValue();
          }
        }
      }
    }
    return Double.NaN;
  }
}
