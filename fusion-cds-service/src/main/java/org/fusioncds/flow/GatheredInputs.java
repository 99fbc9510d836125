package org.fusioncds.flow;

import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/** Both gather branches joined: the patient's context, clinical data and image. */
public record GatheredInputs(PatientContext context, ClinicalInputs clinical, ImageInput image) {

  /**
   * Joins the two branch results of the parallel gather, whichever finished first; both must come
   * from the same context.
   */
  public static GatheredInputs join(Object first, Object second) {
    ClinicalInputs clinical =
        first instanceof ClinicalInputs c ? c : second instanceof ClinicalInputs c ? c : null;
    ImageInput image =
        first instanceof ImageInput i ? i : second instanceof ImageInput i ? i : null;
    if (clinical == null || image == null || clinical.context() != image.context()) {
      throw new FcdsException(
          ErrorCode.GATHER_BRANCHES_MISMATCH,
          "the gather branches did not give one clinical and one image result of the same case — "
              + typeName(first)
              + ", "
              + typeName(second));
    }
    return new GatheredInputs(clinical.context(), clinical, image);
  }

  private static String typeName(Object o) {
    return o == null ? "null" : o.getClass().getSimpleName();
  }

  @Override
  public String toString() {
    return "GatheredInputs[" + context.job() + "]";
  }
}
