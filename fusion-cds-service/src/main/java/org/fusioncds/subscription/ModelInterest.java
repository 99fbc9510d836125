package org.fusioncds.subscription;

import java.util.List;
import org.fusioncds.fhir.GatherStep;
import org.fusioncds.model.ModelCard;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;

/**
 * What one served model reads from a notification: studies of its card's modalities and labs of its
 * card's LOINC codes. A notified resource becomes a job for every model that {@link #wants} it, so
 * a CT study queues the CT model and not the radiograph model.
 *
 * @param modelId the card's id, named by the jobs
 * @param modelVersion the card's version
 * @param modalities the card's study modalities (DICOM CID 29)
 * @param loincCodes the LOINC codes of the card's observation features
 */
public record ModelInterest(
    String modelId, String modelVersion, List<String> modalities, List<String> loincCodes) {

  private static final String LOINC = "http://loinc.org";

  public ModelInterest {
    modalities = List.copyOf(modalities);
    loincCodes = List.copyOf(loincCodes);
  }

  /** A card's interest. */
  public static ModelInterest of(ModelCard card) {
    return new ModelInterest(
        card.id(), card.version(), card.study().modalities(), GatherStep.loincCodes(card));
  }

  /**
   * Whether this model reads the resource: an ImagingStudy with one of its modalities (the study's
   * or a series'), an Observation coded with one of its LOINC codes.
   */
  public boolean wants(Resource focus) {
    if (focus instanceof ImagingStudy s) {
      return s.getModality().stream().anyMatch(this::isModality)
          || s.getSeries().stream().anyMatch(series -> isModality(series.getModality()));
    }
    if (focus instanceof Observation o) {
      return o.getCode().getCoding().stream()
          .anyMatch(c -> LOINC.equals(c.getSystem()) && loincCodes.contains(c.getCode()));
    }
    return false;
  }

  private boolean isModality(Coding c) {
    return c != null && c.getCode() != null && modalities.contains(c.getCode());
  }

  /** Its studies as a search (a Subscription's criteria): its modalities. */
  String studiesCriteria() {
    return "ImagingStudy?modality=" + String.join(",", modalities);
  }

  /** Its labs as a search: its LOINC codes; none when the card reads no lab. */
  java.util.Optional<String> labsCriteria() {
    if (loincCodes.isEmpty()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        "Observation?code="
            + String.join(",", loincCodes.stream().map(l -> LOINC + "|" + l).toList()));
  }

  /** The studies of its modalities changed since (a search's query, {@code gt} the time given). */
  String studiesSince(String lastUpdatedGt) {
    return since(studiesCriteria(), lastUpdatedGt);
  }

  /** The labs of its codes changed since; none when the card reads no lab. */
  java.util.Optional<String> labsSince(String lastUpdatedGt) {
    return labsCriteria().map(c -> since(c, lastUpdatedGt));
  }

  private static String since(String criteria, String lastUpdatedGt) {
    return criteria + "&_lastUpdated=gt" + lastUpdatedGt + "&_elements=subject&_count=200";
  }
}
