package org.fusioncds.smart;

/**
 * What the EHR's signed launch says (SMART App Launch 2.0 launch context): the patient in context,
 * the FHIR server, and the card the app was opened from ({@code appContext}: card uuid, report, and
 * the card's model; null for a link issued before cards named it: the primary model).
 */
record LaunchContext(
    String patientId, String fhirServer, String cardUuid, String report, String model, String ehr) {

  @Override
  public String toString() {
    return "LaunchContext[card " + cardUuid + "]";
  }
}
