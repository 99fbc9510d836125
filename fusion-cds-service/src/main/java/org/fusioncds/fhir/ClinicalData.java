package org.fusioncds.fhir;

import java.util.List;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;

/** What was read about one patient, each resource with the version id the server gave it. */
public record ClinicalData(
    Patient patient,
    List<ImagingStudy> studies,
    List<Observation> observations,
    List<Condition> conditions,
    List<String> prefetchUsed) {

  public ClinicalData {
    studies = List.copyOf(studies);
    observations = List.copyOf(observations);
    conditions = List.copyOf(conditions);
    prefetchUsed = List.copyOf(prefetchUsed);
  }
}
