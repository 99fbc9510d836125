package org.fusioncds.flow;

import java.util.List;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;

/**
 * The FHIR branch of the gather step: the card's Observations, the Conditions, and the result keys
 * of the patient's stored reports ({@link StoredKeys#UNKNOWN} when not read).
 */
public record ClinicalInputs(
    PatientContext context,
    List<Observation> observations,
    List<Condition> conditions,
    StoredKeys storedKeys) {

  public ClinicalInputs {
    observations = List.copyOf(observations);
    conditions = List.copyOf(conditions);
  }

  /** Without the stored reports' keys: every result key is looked up. */
  public ClinicalInputs(
      PatientContext context, List<Observation> observations, List<Condition> conditions) {
    this(context, observations, conditions, StoredKeys.UNKNOWN);
  }

  @Override
  public String toString() {
    return "ClinicalInputs[" + context.job() + "]";
  }
}
