package org.fusioncds.flow;

import java.util.List;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;

/** The FHIR branch of the gather step: the card's Observations and the Conditions. */
public record ClinicalInputs(
    PatientContext context, List<Observation> observations, List<Condition> conditions) {

  public ClinicalInputs {
    observations = List.copyOf(observations);
    conditions = List.copyOf(conditions);
  }

  @Override
  public String toString() {
    return "ClinicalInputs[" + context.job() + "]";
  }
}
