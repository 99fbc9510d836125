package org.fusioncds.evaluate;

import java.util.List;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * How an evaluation is run: the decision threshold and primary variant for the threshold metrics,
 * the seeded bootstrap, the calibration bins and the missing-modality subsets to report.
 *
 * @param threshold a score at or above it predicts the outcome, in [0, 1]
 * @param primaryVariant the variant the threshold, calibration and subset metrics describe
 * @param comparedVariants the variants the primary one is compared with, in report order
 * @param bootstrapResamples resamples for every confidence interval, at least 1
 * @param seed the bootstrap seed: the same seed gives the same intervals
 * @param eceBins equal-width bins over [0, 1] for the expected calibration error, at least 1
 * @param missingModalities one subset {@code no_<modality>} is reported for each
 */
public record EvaluationSettings(
    double threshold,
    String primaryVariant,
    List<String> comparedVariants,
    int bootstrapResamples,
    long seed,
    int eceBins,
    List<String> missingModalities) {

  /** Confidence level of every interval. */
  public static final double CONFIDENCE = 0.95;

  public EvaluationSettings {
    comparedVariants = List.copyOf(comparedVariants);
    missingModalities = List.copyOf(missingModalities);
    check(threshold >= 0 && threshold <= 1, "threshold outside [0, 1]", threshold);
    check(bootstrapResamples >= 1, "bootstrap resamples below 1", bootstrapResamples);
    check(eceBins >= 1, "ECE bins below 1", eceBins);
    check(
        !comparedVariants.contains(primaryVariant),
        "primary variant also compared",
        primaryVariant);
  }

  /** Threshold 0.5, {@code fused} against the three others, 2000 resamples, 10 bins. */
  public static EvaluationSettings defaults() {
    return new EvaluationSettings(
        0.5,
        "fused",
        List.of("image_only", "tabular_only", "late_fusion"),
        2000,
        20251128L,
        10,
        List.of("image", "labs"));
  }

  /** The same settings with another number of resamples and seed. */
  public EvaluationSettings withBootstrap(int resamples, long newSeed) {
    return new EvaluationSettings(
        threshold,
        primaryVariant,
        comparedVariants,
        resamples,
        newSeed,
        eceBins,
        missingModalities);
  }

  /** The primary variant followed by the compared ones. */
  public List<String> variants() {
    return java.util.stream.Stream.concat(
            java.util.stream.Stream.of(primaryVariant), comparedVariants.stream())
        .toList();
  }

  private static void check(boolean ok, String what, Object value) {
    if (!ok) {
      throw new FcdsException(
          ErrorCode.EVAL_SETTING, "invalid evaluation setting: " + what + " — " + value);
    }
  }
}
