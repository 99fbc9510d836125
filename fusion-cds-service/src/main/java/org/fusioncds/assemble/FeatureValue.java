package org.fusioncds.assemble;

import java.util.List;
import org.hl7.fhir.r4.model.Resource;

/**
 * One tabular column's outcome: the scaled value and the resources it came from, or the reason it
 * is missing.
 */
record FeatureValue(Double value, List<Resource> used, String missingReason) {

  static FeatureValue of(double value, List<Resource> used) {
    return new FeatureValue(value, used, null);
  }

  static FeatureValue missing(String reason) {
    return new FeatureValue(null, List.of(), reason);
  }

  boolean present() {
    return value != null;
  }

  /** z-score with the card's mean/std, then clip when the card gives a range. */
  static double scale(double raw, Double mean, Double std, List<Double> clip) {
    double z = mean == null ? raw : (raw - mean) / std;
    if (clip != null) {
      z = Math.max(clip.get(0), Math.min(clip.get(1), z));
    }
    return z;
  }
}
