package org.fusioncds.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes {@code metrics.json}. Any value that is not a number (a class empty, no resample defined)
 * is written as {@code null}, and {@code notes} says why. Fields:
 *
 * <ul>
 *   <li>{@code model}, {@code n}, {@code positives}, {@code prevalence}, {@code primary_variant},
 *       {@code threshold} (a score at or above it predicts the outcome)
 *   <li>{@code auroc}, {@code auroc_ci95} ([lower, upper]), {@code n_per_variant}, {@code
 *       positives_per_variant}, {@code excluded_per_variant} (patients without that variant's
 *       score, left out of its metrics): objects keyed by variant, primary first
 *   <li>{@code accuracy}, {@code sensitivity}, {@code specificity}, {@code precision}, {@code f1},
 *       {@code confusion_matrix} ({@code tp fp tn fn}): the primary variant at the threshold
 *   <li>{@code ece}, {@code brier}, {@code ece_bins}, {@code reliability} (per equal-width bin:
 *       {@code lower upper count mean_predicted observed_rate}): the primary variant; {@code
 *       ece_if_calibrated} and {@code ece_if_calibrated_range95}: the ECE its probabilities would
 *       show if perfectly calibrated, at this cohort's size (median and central 95 % of label
 *       draws: {@link Calibration#ifCalibrated})
 *   <li>{@code calibration_per_variant}: {@code ece}, {@code ece_if_calibrated} and {@code brier}
 *       of every variant
 *   <li>{@code missing_modality}: per subset {@code no_<modality>}: {@code n}, {@code positives},
 *       {@code n_primary}, {@code auroc} and {@code auroc_ci95} of the primary variant (resampled
 *       within the subset), {@code auroc_per_variant}
 *   <li>{@code paired_difference}: per {@code <primary>_minus_<other>}: {@code n} (patients scored
 *       by both), {@code auroc} (the difference), {@code ci95} (same resamples for both), {@code
 *       auroc_<primary>} and {@code auroc_<other>} (each variant's AUROC over those patients)
 *   <li>{@code bootstrap}: {@code method}, {@code resamples}, {@code seed}, {@code confidence}
 *   <li>{@code notes}: sentences explaining nulls and intervals resting on fewer resamples
 * </ul>
 */
final class MetricsJson {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private MetricsJson() {}

  static void write(EvaluationReport report, Path file) throws IOException {
    MAPPER.writeValue(file.toFile(), toJson(report));
  }

  static ObjectNode toJson(EvaluationReport r) {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("model", r.modelId()).put("n", r.n()).put("positives", r.positives());
    number(json, "prevalence", r.prevalence());
    json.put("primary_variant", r.settings().primaryVariant());
    json.put("threshold", r.settings().threshold());
    perVariant(json, r);
    decisions(json, r.atThreshold());
    calibration(json, r);
    json.set("missing_modality", subsets(r));
    json.set("paired_difference", paired(r));
    json.set("bootstrap", bootstrap(r.settings()));
    ArrayNode notes = json.putArray("notes");
    r.notes().forEach(notes::add);
    return json;
  }

  private static void perVariant(ObjectNode json, EvaluationReport r) {
    ObjectNode auroc = json.putObject("auroc");
    ObjectNode ci = json.putObject("auroc_ci95");
    ObjectNode n = json.putObject("n_per_variant");
    ObjectNode positives = json.putObject("positives_per_variant");
    ObjectNode excluded = json.putObject("excluded_per_variant");
    for (VariantMetrics m : r.variants().values()) {
      number(auroc, m.variant(), m.auroc());
      interval(ci, m.variant(), m.auroc95());
      n.put(m.variant(), m.n());
      positives.put(m.variant(), m.positives());
      excluded.put(m.variant(), m.excluded());
    }
  }

  private static void decisions(ObjectNode json, ConfusionMatrix c) {
    number(json, "accuracy", c.accuracy());
    number(json, "sensitivity", c.sensitivity());
    number(json, "specificity", c.specificity());
    number(json, "precision", c.precision());
    number(json, "f1", c.f1());
    json.putObject("confusion_matrix")
        .put("tp", c.truePositives())
        .put("fp", c.falsePositives())
        .put("tn", c.trueNegatives())
        .put("fn", c.falseNegatives());
  }

  private static void calibration(ObjectNode json, EvaluationReport r) {
    Calibration primary = r.primary().calibration();
    number(json, "ece", primary.ece());
    Calibration.IfCalibrated calibrated = r.primary().eceIfCalibrated();
    number(json, "ece_if_calibrated", calibrated.median());
    if (Double.isFinite(calibrated.lower())) {
      json.putArray("ece_if_calibrated_range95").add(calibrated.lower()).add(calibrated.upper());
    } else {
      json.putNull("ece_if_calibrated_range95");
    }
    number(json, "brier", primary.brier());
    json.put("ece_bins", r.settings().eceBins());
    ArrayNode table = json.putArray("reliability");
    for (ReliabilityBin b : primary.bins()) {
      ObjectNode row = table.addObject().put("lower", b.lower()).put("upper", b.upper());
      row.put("count", b.count());
      number(row, "mean_predicted", b.meanPredicted());
      number(row, "observed_rate", b.observedRate());
    }
    ObjectNode each = json.putObject("calibration_per_variant");
    for (VariantMetrics m : r.variants().values()) {
      ObjectNode v = each.putObject(m.variant());
      number(v, "ece", m.calibration().ece());
      number(v, "ece_if_calibrated", m.eceIfCalibrated().median());
      number(v, "brier", m.calibration().brier());
    }
  }

  private static ObjectNode subsets(EvaluationReport r) {
    ObjectNode all = MAPPER.createObjectNode();
    for (SubsetMetrics s : r.subsets()) {
      ObjectNode o = all.putObject(s.name());
      o.put("n", s.n()).put("positives", s.positives()).put("n_primary", s.primaryN());
      number(o, "auroc", s.auroc());
      interval(o, "auroc_ci95", s.auroc95());
      ObjectNode each = o.putObject("auroc_per_variant");
      s.aurocPerVariant().forEach((variant, value) -> number(each, variant, value));
    }
    return all;
  }

  private static ObjectNode paired(EvaluationReport r) {
    ObjectNode all = MAPPER.createObjectNode();
    for (PairedDifference d : r.paired()) {
      ObjectNode o = all.putObject(d.name()).put("n", d.n());
      number(o, "auroc", d.difference());
      number(o, "auroc_" + d.primary(), d.primaryAuroc());
      number(o, "auroc_" + d.other(), d.otherAuroc());
      interval(o, "ci95", d.difference95());
    }
    return all;
  }

  private static ObjectNode bootstrap(EvaluationSettings s) {
    return MAPPER
        .createObjectNode()
        .put("method", Bootstrap.METHOD)
        .put("resamples", s.bootstrapResamples())
        .put("seed", s.seed())
        .put("confidence", EvaluationSettings.CONFIDENCE);
  }

  private static void number(ObjectNode o, String key, double value) {
    if (Double.isFinite(value)) {
      o.put(key, value);
    } else {
      o.putNull(key);
    }
  }

  private static void interval(ObjectNode o, String key, Interval ci) {
    if (ci.defined()) {
      o.putArray(key).add(ci.lower()).add(ci.upper());
    } else {
      o.putNull(key);
    }
  }
}
