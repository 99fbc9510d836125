package org.fusioncds.sandbox.cohort;

import java.nio.file.Path;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * Which generator writes a model's synthetic cohort: the chest radiograph cohort ({@link
 * CohortGenerator}) for cap-fusion and cap-classic, the chest CT nodule cohort ({@link
 * NoduleCohortGenerator}) for nodule-ct. One place, so that {@code cohort --model} and {@code
 * evaluate --seeds} cannot give a model another model's patients.
 */
public final class ModelCohorts {

  private ModelCohorts() {}

  /** The generator's name for a model id: {@code radiograph} or {@code nodule}. */
  public static String generator(String model) {
    return switch (model) {
      case "cap-fusion", "cap-classic" -> "radiograph";
      case "nodule-ct" -> "nodule";
      default ->
          throw new FcdsException(
              ErrorCode.MODEL_UNKNOWN,
              "no cohort generator for model (cap-fusion, cap-classic, nodule-ct) — " + model);
    };
  }

  /** Writes {@code model}'s cohort into {@code out} (created; must be empty). */
  public static CohortSummary generate(
      String model, int patients, long seed, Path out, VisitFrame frame, CohortShift shift) {
    if (generator(model).equals("radiograph")) {
      return CohortGenerator.generate(patients, seed, out, frame, shift);
    }
    if (shift != CohortShift.NONE) {
      throw new FcdsException(
          ErrorCode.COHORT_SHIFT_UNKNOWN,
          model + " has no out-of-distribution cohort — " + shift.word());
    }
    return NoduleCohortGenerator.generate(patients, seed, out, frame);
  }
}
