package org.fusioncds.report.form;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The model card's evaluation as a clinician reads it on the report: what it was tested on, how
 * well it ranks patients (AUROC, with what each source alone reaches), what the decision threshold
 * gives (sensitivity, specificity), how far its probabilities can be taken at face value
 * (calibration), what happens without an input, and its stated limitation. The card's figures
 * unchanged, in words; the keys a clinician does not need (paired differences, per-seed files) stay
 * on the model card, whose document (ModelCardDocument) lists every figure.
 */
final class EvaluationSummary {

  private static final Map<String, String> SOURCES =
      Map.of(
          "fused", "this model",
          "image_only", "image alone",
          "tabular_only", "clinical data alone",
          "late_fusion", "late fusion");

  private EvaluationSummary() {}

  /** One sentence per part the card has; none for a card without evaluation. */
  static List<String> lines(Map<String, Object> evaluation) {
    List<String> out = new ArrayList<>();
    if (evaluation == null) {
      return out;
    }
    if (evaluation.get("cohort") instanceof String cohort) {
      out.add("Tested on: " + cohort + ".");
    }
    Map<String, Object> auroc = map(evaluation.get("auroc"));
    if (!auroc.isEmpty()) {
      out.add(
          "AUROC (1 ranks every case above every non-case, 0.5 is chance): "
              + sources(auroc, map(evaluation.get("auroc_ci95")))
              + ".");
    }
    Map<String, Object> seeds = map(evaluation.get("unseen_seeds"));
    if (!seeds.isEmpty()) {
      String cohorts = seeds.get("cohorts") instanceof String c ? " (" + c + ")" : "";
      Map<String, Object> median = map(seeds.get("auroc_median"));
      Map<String, Object> worst = map(seeds.get("auroc_worst_seed"));
      if (!median.isEmpty()) {
        out.add(
            "AUROC over unseen cohorts"
                + cohorts
                + ", median: "
                + sources(median, Map.of())
                + (worst.get("fused") == null
                    ? ""
                    : "; this model's worst cohort " + number(worst.get("fused")))
                + ".");
      }
    }
    Map<String, Object> threshold = map(evaluation.get("at_threshold_0_5"));
    String over = "";
    if (threshold.isEmpty()) {
      threshold = map(seeds.get("fused_at_threshold_0_5_median"));
      over = " (median over the unseen cohorts)";
    }
    if (!threshold.isEmpty()) {
      List<String> parts = new ArrayList<>();
      percent(threshold, "sensitivity", "sensitivity", parts);
      percent(threshold, "recall", "sensitivity", parts);
      percent(threshold, "specificity", "specificity", parts);
      percent(threshold, "accuracy", "accuracy", parts);
      if (threshold.get("f1") != null) {
        parts.add("F1 " + number(threshold.get("f1")));
      }
      out.add("At the decision threshold 0.50" + over + ": " + String.join(", ", parts) + ".");
    }
    Map<String, Object> calibration = map(evaluation.get("calibration"));
    Object ece =
        calibration.get("ece") != null
            ? calibration.get("ece")
            : map(seeds.get("ece_median")).get("fused");
    if (ece != null) {
      out.add(
          "Calibration: a stated probability is off by "
              + number(ece)
              + " on average (expected calibration error"
              + (calibration.get("method") instanceof String m ? "; " + m : "")
              + ").");
    }
    Map<String, Object> missing = map(evaluation.get("missing_modality_auroc"));
    if (!missing.isEmpty()) {
      List<String> parts = new ArrayList<>();
      missing.forEach(
          (k, v) -> parts.add(k.replace("no_", "without ").replace('_', ' ') + " " + number(v)));
      out.add("AUROC when an input is missing: " + String.join("; ", parts) + ".");
    }
    if (evaluation.get("limitation") instanceof String limitation) {
      out.add("Limitation: " + limitation.strip());
    }
    return out;
  }

  private static String sources(Map<String, Object> auroc, Map<String, Object> ci) {
    List<String> parts = new ArrayList<>();
    auroc.forEach(
        (k, v) -> {
          String name = SOURCES.getOrDefault(k, k.replace('_', ' '));
          String interval =
              ci.get(k) instanceof List<?> l && l.size() == 2
                  ? " (95 % CI " + number(l.get(0)) + "–" + number(l.get(1)) + ")"
                  : "";
          parts.add(name + " " + number(v) + interval);
        });
    return String.join("; ", parts);
  }

  private static void percent(
      Map<String, Object> figures, String key, String name, List<String> parts) {
    if (figures.get(key) instanceof Number n) {
      parts.add(name + " " + Math.round(n.doubleValue() * 100) + " %");
    }
  }

  private static String number(Object v) {
    return v instanceof Number n ? String.format(Locale.ROOT, "%.3f", n.doubleValue()) : "" + v;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object v) {
    return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }
}
