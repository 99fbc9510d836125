package org.fusioncds.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.ImagingStudy.ImagingStudySeriesComponent;
import org.hl7.fhir.r4.model.ImagingStudy.ImagingStudyStatus;

/**
 * Chooses the eligible FHIR R4 ImagingStudy: not cancelled or entered in error, started, with a
 * series of a card modality and (when the card lists body sites) a card body site, not older than
 * the card's maximum age at the evaluation time; the latest wins (ties: the greater id).
 */
public final class StudySelector {

  private final ModelCard.Study rule;

  public StudySelector(ModelCard.Study rule) {
    this.rule = rule;
  }

  /** The latest eligible study at {@code evaluationTime} (null: no age limit), if any. */
  public Optional<ImagingStudy> select(List<ImagingStudy> studies, Instant evaluationTime) {
    return studies.stream()
        .filter(s -> eligible(s, evaluationTime))
        .max(
            Comparator.comparing((ImagingStudy s) -> s.getStarted().toInstant())
                .thenComparing(s -> s.getIdElement().getValue()));
  }

  private boolean eligible(ImagingStudy s, Instant evaluationTime) {
    if (s.getStatus() == ImagingStudyStatus.CANCELLED
        || s.getStatus() == ImagingStudyStatus.ENTEREDINERROR
        || s.getStarted() == null) {
      return false;
    }
    if (evaluationTime != null && !withinAge(s, evaluationTime)) {
      return false;
    }
    return s.getSeries().stream().anyMatch(this::eligible);
  }

  /**
   * Whether the study's start is within the card's maximum age at {@code evaluationTime}: not after
   * it, not older than {@code maxAgeHours} (a card without one: any study, started or not).
   */
  public boolean withinAge(ImagingStudy s, Instant evaluationTime) {
    if (rule.maxAgeHours() == null) {
      return true;
    }
    if (s.getStarted() == null) {
      return false;
    }
    Duration age = Duration.between(s.getStarted().toInstant(), evaluationTime);
    return !age.isNegative() && age.toSeconds() <= rule.maxAgeHours() * 3600;
  }

  /** Whether a series has the card's modality and body site. */
  public boolean eligible(ImagingStudySeriesComponent series) {
    if (!rule.modalities().contains(series.getModality().getCode())) {
      return false;
    }
    List<String> sites = rule.bodySites();
    return sites == null || sites.isEmpty() || sites.contains(key(series.getBodySite()));
  }

  /** Whether a DICOM modality is one the card accepts. */
  public boolean modalityAllowed(String modality) {
    return modality != null && rule.modalities().contains(modality);
  }

  static String key(Coding c) {
    return c.getSystem() + "|" + c.getCode();
  }

  /** The Study Instance UID from the {@code urn:oid:} identifier, or null. */
  public static String studyUid(ImagingStudy s) {
    for (Identifier id : s.getIdentifier()) {
      String v = id.getValue();
      if (v != null && v.startsWith("urn:oid:")) {
        return v.substring("urn:oid:".length());
      }
    }
    return null;
  }
}
