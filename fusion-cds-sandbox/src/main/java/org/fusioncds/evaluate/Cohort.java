package org.fusioncds.evaluate;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * The patients under evaluation, checked once: labels are 0 or 1, scores are probabilities, each
 * patient appears once. Errors name the patient's position in the list, never its identifier.
 */
final class Cohort {

  private final List<Prediction> patients;
  private final int[] labels;

  private Cohort(List<Prediction> patients) {
    this.patients = List.copyOf(patients);
    this.labels = patients.stream().mapToInt(Prediction::label).toArray();
  }

  /** Checks the predictions and wraps them. */
  static Cohort of(List<Prediction> predictions) {
    if (predictions.isEmpty()) {
      throw new FcdsException(ErrorCode.EVAL_EMPTY, "nothing to evaluate — 0 predictions");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < predictions.size(); i++) {
      Prediction p = predictions.get(i);
      if (p.label() != 0 && p.label() != 1) {
        throw new FcdsException(
            ErrorCode.EVAL_LABEL, "label is not 0 or 1 — prediction #" + i + ": " + p.label());
      }
      final int index = i;
      p.scores().forEach((variant, score) -> checkScore(variant, score, index));
      if (!seen.add(p.patientId())) {
        throw new FcdsException(
            ErrorCode.EVAL_DUPLICATE_PATIENT, "patient evaluated twice — prediction #" + i);
      }
    }
    return new Cohort(predictions);
  }

  private static void checkScore(String variant, Double score, int index) {
    if (score == null || !(score >= 0 && score <= 1)) {
      throw new FcdsException(
          ErrorCode.EVAL_SCORE,
          "score is not a probability in [0, 1] — prediction #"
              + index
              + " "
              + variant
              + ": "
              + score);
    }
  }

  /** The patients that satisfy the condition, as a cohort of their own. */
  Cohort subset(Predicate<Prediction> condition) {
    return new Cohort(patients.stream().filter(condition).toList());
  }

  int size() {
    return patients.size();
  }

  int[] labels() {
    return labels.clone();
  }

  long positives() {
    return IntStream.of(labels).filter(y -> y == 1).count();
  }

  /** Every variant some patient has a score for, sorted by name. */
  Set<String> variantsPresent() {
    Set<String> names = new TreeSet<>();
    patients.forEach(p -> names.addAll(p.scores().keySet()));
    return names;
  }

  /** Cohort indices of the patients that have a score for every one of the variants. */
  int[] having(String... variants) {
    return IntStream.range(0, patients.size())
        .filter(i -> List.of(variants).stream().allMatch(patients.get(i)::has))
        .toArray();
  }

  /** The variant's scores of the patients at those indices. */
  double[] scores(String variant, int[] indices) {
    return IntStream.of(indices).mapToDouble(i -> patients.get(i).scores().get(variant)).toArray();
  }

  /** The labels of the patients at those indices. */
  int[] labels(int[] indices) {
    return IntStream.of(indices).map(i -> labels[i]).toArray();
  }

  /** The variant's scores over those patients, ranked for the bootstrap. */
  RankedScores ranked(String variant, int[] indices) {
    return RankedScores.of(indices, scores(variant, indices), labels(indices));
  }
}
