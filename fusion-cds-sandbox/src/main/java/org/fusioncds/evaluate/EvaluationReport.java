package org.fusioncds.evaluate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * The outcome of an evaluation: per-variant discrimination and calibration with bootstrap
 * intervals, the primary variant's decision metrics at the threshold, paired comparisons and
 * missing-modality subsets. {@link #writeTo} writes {@code metrics.json} (fields in {@link
 * MetricsJson}), {@code roc.png} and {@code calibration.png}.
 *
 * @param modelId the model evaluated
 * @param n patients in the evaluation
 * @param positives patients with the outcome
 * @param settings how the evaluation was run
 * @param variants metrics per variant, the primary first
 * @param atThreshold the primary variant's decisions at the threshold
 * @param paired primary minus each compared variant
 * @param subsets one entry per missing modality
 * @param notes why a value is null or an interval rests on fewer resamples
 */
public record EvaluationReport(
    String modelId,
    int n,
    long positives,
    EvaluationSettings settings,
    Map<String, VariantMetrics> variants,
    ConfusionMatrix atThreshold,
    List<PairedDifference> paired,
    List<SubsetMetrics> subsets,
    List<String> notes) {

  public EvaluationReport {
    variants = Collections.unmodifiableMap(new LinkedHashMap<>(variants));
    paired = List.copyOf(paired);
    subsets = List.copyOf(subsets);
    notes = List.copyOf(notes);
  }

  /** Fraction of patients with the outcome. */
  public double prevalence() {
    return (double) positives / n;
  }

  /** The metrics of the primary variant. */
  public VariantMetrics primary() {
    return variants.get(settings.primaryVariant());
  }

  /** Writes metrics.json, roc.png and calibration.png into the folder, creating it if needed. */
  public void writeTo(Path outDir) {
    try {
      Files.createDirectories(outDir);
      MetricsJson.write(this, outDir.resolve("metrics.json"));
      RocChart.write(this, outDir.resolve("roc.png"));
      CalibrationChart.write(this, outDir.resolve("calibration.png"));
    } catch (IOException e) {
      throw new FcdsException(
          ErrorCode.EVAL_WRITE, "could not write the evaluation — " + outDir, e);
    }
  }
}
