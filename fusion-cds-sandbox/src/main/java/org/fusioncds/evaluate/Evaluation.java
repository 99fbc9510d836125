package org.fusioncds.evaluate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * Evaluates binary predictions of several model variants on held-out patients: AUROC (Mann–Whitney)
 * with paired, stratified percentile-bootstrap intervals, decision metrics at a threshold, ECE and
 * Brier score, and the same discrimination within missing-modality subsets.
 */
public final class Evaluation {

  private Evaluation() {}

  /** Evaluates without reporting progress. */
  public static EvaluationReport evaluate(
      String modelId, List<Prediction> predictions, EvaluationSettings settings) {
    return evaluate(modelId, predictions, settings, () -> {});
  }

  /**
   * Evaluates, calling {@code onResample} after each bootstrap resample of the whole cohort (there
   * are {@code settings.bootstrapResamples()}; for example {@code progressBar::step}).
   */
  public static EvaluationReport evaluate(
      String modelId,
      List<Prediction> predictions,
      EvaluationSettings settings,
      Runnable onResample) {
    Cohort cohort = Cohort.of(predictions);
    List<String> notes = new ArrayList<>();
    String primary = settings.primaryVariant();
    if (cohort.having(primary).length == 0) {
      throw new FcdsException(
          ErrorCode.EVAL_NO_PRIMARY,
          "no patient has a score from the primary variant — " + primary);
    }
    List<String> variants = variantOrder(cohort, settings);
    Map<String, Interval> intervals = new LinkedHashMap<>();
    List<PairedDifference> paired = new ArrayList<>();
    wholeCohortBootstrap(cohort, settings, variants, intervals, paired, onResample);
    Map<String, VariantMetrics> metrics = new LinkedHashMap<>();
    for (String variant : variants) {
      metrics.put(
          variant, variantMetrics(cohort, variant, intervals.get(variant), settings, notes));
    }
    paired.forEach(d -> noteDifference(d, notes));
    Notes.populations(metrics.values(), notes);
    ConfusionMatrix matrix = atThreshold(cohort, settings);
    List<SubsetMetrics> subsets = subsets(cohort, variants, settings, notes);
    return new EvaluationReport(
        modelId,
        cohort.size(),
        cohort.positives(),
        settings,
        metrics,
        matrix,
        paired,
        subsets,
        notes);
  }

  private static ConfusionMatrix atThreshold(Cohort cohort, EvaluationSettings settings) {
    String primary = settings.primaryVariant();
    int[] patients = cohort.having(primary);
    return ConfusionMatrix.at(
        settings.threshold(), cohort.scores(primary, patients), cohort.labels(patients));
  }

  private static List<SubsetMetrics> subsets(
      Cohort cohort, List<String> variants, EvaluationSettings settings, List<String> notes) {
    List<SubsetMetrics> subsets = new ArrayList<>();
    for (int k = 0; k < settings.missingModalities().size(); k++) {
      String modality = settings.missingModalities().get(k);
      Cohort lacking = cohort.subset(p -> p.missing().contains(modality));
      subsets.add(Subsets.evaluate(lacking, modality, variants, settings, k + 1, notes));
    }
    return subsets;
  }

  /** The configured variants first, then any other variant found in the data, by name. */
  static List<String> variantOrder(Cohort cohort, EvaluationSettings settings) {
    Set<String> order = new LinkedHashSet<>(settings.variants());
    order.addAll(cohort.variantsPresent());
    return List.copyOf(order);
  }

  private static void wholeCohortBootstrap(
      Cohort cohort,
      EvaluationSettings settings,
      List<String> variants,
      Map<String, Interval> intervals,
      List<PairedDifference> paired,
      Runnable onResample) {
    List<ToDoubleFunction<int[]>> statistics = new ArrayList<>();
    for (String variant : variants) {
      RankedScores ranked = cohort.ranked(variant, cohort.having(variant));
      statistics.add(ranked::auroc);
    }
    String primary = settings.primaryVariant();
    List<int[]> pairPatients = new ArrayList<>();
    for (String other : settings.comparedVariants()) {
      int[] both = cohort.having(primary, other);
      RankedScores a = cohort.ranked(primary, both);
      RankedScores b = cohort.ranked(other, both);
      statistics.add(counts -> a.auroc(counts) - b.auroc(counts));
      pairPatients.add(both);
    }
    double[][] values =
        new Bootstrap(cohort.labels())
            .replicate(statistics, settings.bootstrapResamples(), settings.seed(), onResample);
    for (int v = 0; v < variants.size(); v++) {
      intervals.put(
          variants.get(v), Bootstrap.percentile(values[v], EvaluationSettings.CONFIDENCE));
    }
    for (int k = 0; k < pairPatients.size(); k++) {
      String other = settings.comparedVariants().get(k);
      int[] both = pairPatients.get(k);
      double a = cohort.ranked(primary, both).auroc();
      double b = cohort.ranked(other, both).auroc();
      Interval ci =
          Bootstrap.percentile(values[variants.size() + k], EvaluationSettings.CONFIDENCE);
      paired.add(new PairedDifference(primary, other, both.length, a, b, ci));
    }
  }

  private static VariantMetrics variantMetrics(
      Cohort cohort, String variant, Interval ci, EvaluationSettings settings, List<String> notes) {
    int[] patients = cohort.having(variant);
    double[] scores = cohort.scores(variant, patients);
    int[] labels = cohort.labels(patients);
    VariantMetrics m =
        new VariantMetrics(
            variant,
            patients.length,
            java.util.stream.IntStream.of(labels).filter(y -> y == 1).count(),
            cohort.size() - patients.length,
            Auroc.of(scores, labels),
            ci,
            RocCurve.of(scores, labels),
            Calibration.of(scores, labels, settings.eceBins()),
            Calibration.ifCalibrated(
                scores, settings.eceBins(), settings.seed(), EvaluationSettings.CONFIDENCE));
    Notes.variant(m, notes);
    return m;
  }

  private static void noteDifference(PairedDifference d, List<String> notes) {
    if (Double.isNaN(d.difference())) {
      notes.add(
          "paired_difference."
              + d.name()
              + ": null — among the "
              + d.n()
              + " patients scored by both variants a class is empty");
    } else {
      Notes.interval("paired_difference." + d.name() + ".ci95", d.difference95(), notes);
    }
  }
}
