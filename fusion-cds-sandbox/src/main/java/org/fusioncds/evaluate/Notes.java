package org.fusioncds.evaluate;

import java.util.List;

/**
 * The sentences of metrics.json's {@code notes}: why a value is null or rests on fewer resamples.
 */
final class Notes {

  private Notes() {}

  static void variant(VariantMetrics m, List<String> notes) {
    String key = "auroc." + m.variant();
    if (m.n() == 0) {
      notes.add(key + ": null — no patient has a score from this variant");
    } else if (Double.isNaN(m.auroc())) {
      notes.add(key + ": null — " + emptyClass(m.n(), m.positives()));
    } else {
      interval("auroc_ci95." + m.variant(), m.auroc95(), notes);
    }
  }

  /** Says so when the variants' AUROCs are taken over different patients. */
  static void populations(java.util.Collection<VariantMetrics> variants, List<String> notes) {
    if (variants.stream().filter(m -> m.n() > 0).mapToInt(VariantMetrics::n).distinct().count()
        > 1) {
      notes.add(
          "auroc: variants scored different patients (n_per_variant), so their AUROCs describe"
              + " different populations; compare variants with paired_difference, which uses only"
              + " patients scored by both");
    }
  }

  static void subset(SubsetMetrics s, List<String> notes) {
    String key = "missing_modality." + s.name() + ".auroc";
    if (s.primaryN() == 0) {
      notes.add(key + ": null — no patient in this subset has a score from the primary variant");
    } else if (Double.isNaN(s.auroc())) {
      notes.add(key + ": null — " + emptyClass(s.primaryN(), -1));
    } else {
      interval("missing_modality." + s.name() + ".auroc_ci95", s.auroc95(), notes);
    }
  }

  static void interval(String key, Interval ci, List<String> notes) {
    if (!ci.defined()) {
      notes.add(key + ": null — no bootstrap resample held both classes");
    } else if (ci.validResamples() < ci.resamples()) {
      notes.add(
          key
              + ": from "
              + ci.validResamples()
              + " of "
              + ci.resamples()
              + " resamples; the others held a single class among the patients this variant scored");
    }
  }

  private static String emptyClass(int n, long positives) {
    if (positives == 0) {
      return "the " + n + " patients scored include no positive (AUROC needs both classes)";
    }
    if (positives == n) {
      return "the " + n + " patients scored include no negative (AUROC needs both classes)";
    }
    return "the " + n + " patients scored include a single class (AUROC needs both classes)";
  }
}
