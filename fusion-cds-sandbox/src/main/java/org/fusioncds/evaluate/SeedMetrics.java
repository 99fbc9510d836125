package org.fusioncds.evaluate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * One unseen cohort's metrics per variant, each with its 95 % percentile-bootstrap interval
 * (stratified by label, paired across variants and metrics: {@link Bootstrap}): AUROC, accuracy,
 * recall (sensitivity), specificity and F1 at the card's threshold, and the expected calibration
 * error over equal-width bins.
 *
 * @param seed the cohort's generator seed
 * @param n patients
 * @param positives patients with the outcome
 * @param variants variant → metric → estimate
 */
public record SeedMetrics(
    long seed, int n, long positives, Map<String, Map<String, Estimate>> variants) {

  /**
   * The metrics, in report order. The last is no metric of the model but the ECE's yardstick: the
   * ECE its probabilities would show if perfectly calibrated ({@link Calibration#ifCalibrated}),
   * with the central 95 % of label draws as its interval.
   */
  public static final List<String> METRICS =
      List.of("auroc", "accuracy", "recall", "specificity", "f1", "ece", "ece_if_calibrated");

  /** The metrics with a bootstrap interval. */
  private static final List<String> BOOTSTRAPPED = METRICS.subList(0, METRICS.size() - 1);

  /** A value and its 95 % interval. */
  public record Estimate(double value, double lower, double upper) {}

  /** Evaluates every variant in {@code variants} over the predictions of one cohort. */
  public static SeedMetrics of(
      long seed,
      List<Prediction> predictions,
      List<String> variants,
      double threshold,
      int resamples,
      long bootstrapSeed,
      int eceBins) {
    Cohort cohort = Cohort.of(predictions);
    int[] all = cohort.having();
    int[] labels = cohort.labels();
    List<ToDoubleFunction<int[]>> statistics = new ArrayList<>();
    for (String v : variants) {
      double[] scores = cohort.scores(v, all);
      RankedScores ranked = cohort.ranked(v, all);
      statistics.add(ranked::auroc);
      statistics.add(c -> decision(scores, labels, c, threshold)[0]);
      statistics.add(c -> decision(scores, labels, c, threshold)[1]);
      statistics.add(c -> decision(scores, labels, c, threshold)[2]);
      statistics.add(c -> decision(scores, labels, c, threshold)[3]);
      statistics.add(c -> ece(scores, labels, c, eceBins));
    }
    double[][] values =
        new Bootstrap(labels).replicate(statistics, resamples, bootstrapSeed, () -> {});
    int[] ones = new int[labels.length];
    java.util.Arrays.fill(ones, 1);
    Map<String, Map<String, Estimate>> out = new LinkedHashMap<>();
    int s = 0;
    for (String v : variants) {
      Map<String, Estimate> m = new LinkedHashMap<>();
      for (String metric : BOOTSTRAPPED) {
        Interval ci = Bootstrap.percentile(values[s], EvaluationSettings.CONFIDENCE);
        m.put(metric, new Estimate(statistics.get(s).applyAsDouble(ones), ci.lower(), ci.upper()));
        s++;
      }
      Calibration.IfCalibrated c =
          Calibration.ifCalibrated(
              cohort.scores(v, all), eceBins, bootstrapSeed, EvaluationSettings.CONFIDENCE);
      m.put("ece_if_calibrated", new Estimate(c.median(), c.lower(), c.upper()));
      out.put(v, m);
    }
    return new SeedMetrics(seed, cohort.size(), cohort.positives(), out);
  }

  /** Weighted accuracy, recall, specificity and F1 at the threshold. */
  static double[] decision(double[] scores, int[] labels, int[] counts, double threshold) {
    double tp = 0;
    double fp = 0;
    double tn = 0;
    double fn = 0;
    for (int i = 0; i < scores.length; i++) {
      double w = counts[i];
      boolean predicted = scores[i] >= threshold;
      boolean actual = labels[i] == 1;
      tp += predicted && actual ? w : 0;
      fp += predicted && !actual ? w : 0;
      tn += !predicted && !actual ? w : 0;
      fn += !predicted && actual ? w : 0;
    }
    return new double[] {
      ratio(tp + tn, tp + tn + fp + fn),
      ratio(tp, tp + fn),
      ratio(tn, tn + fp),
      ratio(2 * tp, 2 * tp + fp + fn)
    };
  }

  /** The expected calibration error with patient {@code i} counted {@code counts[i]} times. */
  static double ece(double[] scores, int[] labels, int[] counts, int bins) {
    double[] n = new double[bins];
    double[] p = new double[bins];
    double[] y = new double[bins];
    double total = 0;
    for (int i = 0; i < scores.length; i++) {
      int b = Math.min((int) (scores[i] * bins), bins - 1);
      n[b] += counts[i];
      p[b] += counts[i] * scores[i];
      y[b] += counts[i] * labels[i];
      total += counts[i];
    }
    double ece = 0;
    for (int b = 0; b < bins; b++) {
      ece += n[b] == 0 ? 0 : n[b] / total * Math.abs(p[b] / n[b] - y[b] / n[b]);
    }
    return total == 0 ? Double.NaN : ece;
  }

  private static double ratio(double a, double b) {
    return b == 0 ? Double.NaN : a / b;
  }

  /** The point value of a variant's metric. */
  public double value(String variant, String metric) {
    return variants.get(variant).get(metric).value();
  }
}
