package org.fusioncds.assemble;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.Tag;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.flow.DicomImage;
import org.fusioncds.model.ModelCard;
import org.hl7.fhir.r4.model.Patient;

/**
 * The model card's {@code eligibility}, checked before the model runs: the patient's age at the
 * study, the image's View Position and pixel spacing. Outside any of them the model does not speak;
 * the reason is coded (FCDS-4111…4113) and worded for the clinician (who sees the age in the chart
 * anyway; no name or identifier). A value the case does not carry is not held against it.
 */
final class IntendedUse {

  /** Why the case is outside the intended use. */
  record Outside(ErrorCode code, String reason) {}

  private static final int IMAGER_PIXEL_SPACING = 0x00181164;

  private IntendedUse() {}

  static Optional<Outside> check(
      ModelCard card, Patient patient, Instant studyTime, DicomImage image) {
    ModelCard.Eligibility e = card.eligibility();
    if (e == null) {
      return Optional.empty();
    }
    OptionalInt years = DemographicFeatures.ageYears(patient, studyTime);
    if (e.ageYears() != null && years.isPresent() && !e.ageYears().contains(years.getAsInt())) {
      return Optional.of(
          new Outside(
              ErrorCode.OUTSIDE_INTENDED_AGE,
              "the patient is "
                  + years.getAsInt()
                  + " years old at the study; the model is meant for "
                  + e.ageYears().text()
                  + " years"));
    }
    if (image == null) {
      return Optional.empty();
    }
    Dataset ds = image.dataset();
    Optional<String> view =
        ds.findString(Tag.ViewPosition).map(v -> v.strip().toUpperCase(Locale.ROOT));
    if (e.viewPositions() != null
        && !e.viewPositions().isEmpty()
        && view.isPresent()
        && !view.get().isEmpty()
        && !e.viewPositions().contains(view.get())) {
      return Optional.of(
          new Outside(
              ErrorCode.OUTSIDE_INTENDED_VIEW,
              "the image's view position is "
                  + view.get()
                  + "; the model is meant for "
                  + String.join(" or ", e.viewPositions())));
    }
    double[] spacing =
        ds.contains(Tag.PixelSpacing)
            ? ds.getDoubles(Tag.PixelSpacing)
            : ds.getDoubles(IMAGER_PIXEL_SPACING);
    if (e.pixelSpacingMm() != null
        && spacing != null
        && spacing.length > 0
        && !e.pixelSpacingMm().contains(spacing[0])) {
      return Optional.of(
          new Outside(
              ErrorCode.OUTSIDE_INTENDED_SPACING,
              "the image's pixel spacing is "
                  + spacing[0]
                  + " mm; the model is meant for "
                  + e.pixelSpacingMm().text()
                  + " mm"));
    }
    return Optional.empty();
  }
}
