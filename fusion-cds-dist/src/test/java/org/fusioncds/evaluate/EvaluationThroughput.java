package org.fusioncds.evaluate;

import java.util.List;

/** Not a test: times a default evaluation (2000 resamples) of a large synthetic cohort. */
final class EvaluationThroughput {

  private EvaluationThroughput() {}

  public static void main(String[] args) {
    int n = Integer.parseInt(args[0]);
    List<Prediction> patients = SyntheticCohort.generate(n, 0.3, 0.2, 0.15, 1);
    EvaluationSettings settings = EvaluationSettings.defaults();
    long start = System.nanoTime();
    EvaluationReport report;
    try (ProgressBar bar =
        new ProgressBar("evaluate", settings.bootstrapResamples(), "resamples")) {
      report = Evaluation.evaluate("throughput", patients, settings, bar::step);
    }
    System.out.printf(
        "n=%d evaluate %.2f s, fused AUROC %.4f %s%n",
        n, (System.nanoTime() - start) / 1e9, report.primary().auroc(), report.primary().auroc95());
  }
}
