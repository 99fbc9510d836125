package org.fusioncds.assemble;

import java.time.Instant;
import java.util.List;
import org.fusioncds.dicom.volume.SliceSource;
import org.fusioncds.flow.DicomImage;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;

/**
 * The gathered FHIR R4 resources and DICOM instance of one patient.
 *
 * @param studies candidate ImagingStudy resources (may be empty); the eligible latest is chosen
 * @param image the DICOM instance of the chosen study, or null
 * @param evaluationTime when the question is asked (serving: now), for the card's maximum study
 *     age; null for the training export, where the study itself is the anchor
 * @param series the slices of one series of the chosen study, for a card with a {@code volume}
 *     section (may be empty); decoded one at a time when the volume is built
 */
public record AssemblyInput(
    Patient patient,
    List<ImagingStudy> studies,
    List<Observation> observations,
    List<Condition> conditions,
    DicomImage image,
    Instant evaluationTime,
    List<SliceSource> series) {

  public AssemblyInput {
    series = series == null ? List.of() : List.copyOf(series);
    studies = studies == null ? List.of() : List.copyOf(studies);
    observations = observations == null ? List.of() : List.copyOf(observations);
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
  }

  /** Without a series (a radiograph card). */
  public AssemblyInput(
      Patient patient,
      List<ImagingStudy> studies,
      List<Observation> observations,
      List<Condition> conditions,
      DicomImage image,
      Instant evaluationTime) {
    this(patient, studies, observations, conditions, image, evaluationTime, List.of());
  }

  /** The same input with the slices of a series. */
  public AssemblyInput withSeries(List<SliceSource> slices) {
    return new AssemblyInput(
        patient, studies, observations, conditions, image, evaluationTime, slices);
  }

  /** One study (may be null) instead of candidates. */
  public static AssemblyInput of(
      Patient patient,
      ImagingStudy study,
      List<Observation> observations,
      List<Condition> conditions,
      DicomImage image,
      Instant evaluationTime) {
    List<ImagingStudy> studies = study == null ? List.of() : List.of(study);
    return new AssemblyInput(patient, studies, observations, conditions, image, evaluationTime);
  }
}
