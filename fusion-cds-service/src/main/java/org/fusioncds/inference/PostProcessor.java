package org.fusioncds.inference;

import org.fusioncds.flow.InferenceResult.OutputResult;
import org.fusioncds.model.ModelCard.Calibration;
import org.fusioncds.model.ModelCard.Output;

/** Calibration, threshold and indicator per the card (post-processing step of MONAI Deploy). */
final class PostProcessor {

  private PostProcessor() {}

  /** The calibrated probability of a raw graph output (a probability or a logit per the card). */
  static double probability(double raw, Output o, Calibration c) {
    boolean isLogit = "logit".equals(o.kind());
    if ("none".equals(c.method()) || "baked".equals(c.method())) {
      return isLogit ? sigmoid(raw) : raw;
    }
    double z = isLogit ? raw : logit(raw);
    return "temperature".equals(c.method())
        ? sigmoid(z / c.temperature())
        : sigmoid(c.a() * z + c.b());
  }

  static OutputResult decide(Output o, double p) {
    String indicator =
        p >= o.indicator().critical()
            ? "critical"
            : p >= o.indicator().warning() ? "warning" : "info";
    return new OutputResult(o.tensor(), o.code(), p, o.threshold(), p >= o.threshold(), indicator);
  }

  static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  static double logit(double p) {
    double q = Math.min(1 - 1e-7, Math.max(1e-7, p));
    return Math.log(q / (1 - q));
  }
}
