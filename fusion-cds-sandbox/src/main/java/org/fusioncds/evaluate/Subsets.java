package org.fusioncds.evaluate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Discrimination within a missing-modality subset: the primary variant's AUROC with an interval
 * from resamples drawn within the subset (seeded from the settings' seed and the subset's
 * position), and every variant's point AUROC.
 */
final class Subsets {

  private static final long SEED_STRIDE = 0x9E3779B97F4A7C15L;

  private Subsets() {}

  static SubsetMetrics evaluate(
      Cohort lacking,
      String modality,
      List<String> variants,
      EvaluationSettings settings,
      int position,
      List<String> notes) {
    String primary = settings.primaryVariant();
    int[] primaryPatients = lacking.having(primary);
    RankedScores ranked = lacking.ranked(primary, primaryPatients);
    double auroc = ranked.auroc();
    Interval ci = Interval.undefined(settings.bootstrapResamples());
    if (!Double.isNaN(auroc)) {
      double[][] values =
          new Bootstrap(lacking.labels())
              .replicate(
                  List.of(ranked::auroc),
                  settings.bootstrapResamples(),
                  settings.seed() + position * SEED_STRIDE,
                  () -> {});
      ci = Bootstrap.percentile(values[0], EvaluationSettings.CONFIDENCE);
    }
    SubsetMetrics subset =
        new SubsetMetrics(
            modality,
            lacking.size(),
            lacking.positives(),
            primaryPatients.length,
            auroc,
            ci,
            perVariant(lacking, variants));
    Notes.subset(subset, notes);
    return subset;
  }

  private static Map<String, Double> perVariant(Cohort lacking, List<String> variants) {
    Map<String, Double> aurocs = new LinkedHashMap<>();
    for (String variant : variants) {
      int[] patients = lacking.having(variant);
      if (patients.length > 0) {
        aurocs.put(variant, Auroc.of(lacking.scores(variant, patients), lacking.labels(patients)));
      }
    }
    return aurocs;
  }
}
