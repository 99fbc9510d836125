package org.fusioncds.sandbox.cohort;

import java.time.LocalDate;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/** FHIR R4 Observations (laboratory, vital-signs) and Conditions of the synthetic cohort. */
final class CohortResources {

  static final String UCUM = "http://unitsofmeasure.org";
  static final String OBSERVATION_CATEGORY =
      "http://terminology.hl7.org/CodeSystem/observation-category";
  static final String CONDITION_CLINICAL =
      "http://terminology.hl7.org/CodeSystem/condition-clinical";
  static final String CONDITION_VERIFICATION =
      "http://terminology.hl7.org/CodeSystem/condition-ver-status";
  static final String CONDITION_CATEGORY =
      "http://terminology.hl7.org/CodeSystem/condition-category";

  private CohortResources() {}

  static Observation observation(Measurement m, Reference subject) {
    Observation o = new Observation();
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.addCategory(
        m.measure().laboratory
            ? CohortBundle.concept(OBSERVATION_CATEGORY, "laboratory", "Laboratory")
            : CohortBundle.concept(OBSERVATION_CATEGORY, "vital-signs", "Vital Signs"));
    o.setCode(CohortBundle.concept(Measure.LOINC, m.measure().loinc, m.measure().display));
    o.getCode().setText(m.measure().display);
    o.setSubject(subject);
    o.setEffective(CohortBundle.dateTime(m.time()));
    o.setValue(
        new Quantity()
            .setValue(m.reported())
            .setUnit(m.unit().text())
            .setSystem(UCUM)
            .setCode(m.unit().code()));
    return o;
  }

  static Condition condition(Comorbidity c, LocalDate onset, Reference subject) {
    Condition condition = new Condition();
    condition.setClinicalStatus(CohortBundle.concept(CONDITION_CLINICAL, "active", "Active"));
    condition.setVerificationStatus(
        CohortBundle.concept(CONDITION_VERIFICATION, "confirmed", "Confirmed"));
    condition.addCategory(
        CohortBundle.concept(CONDITION_CATEGORY, "problem-list-item", "Problem List Item"));
    CodeableConcept code = new CodeableConcept();
    code.addCoding(new Coding(CohortBundle.SNOMED, c.snomed, c.snomedDisplay));
    code.addCoding(new Coding(CohortBundle.ICD10CM, c.icd10cm, c.icd10cmDisplay));
    code.setText(c.snomedDisplay);
    condition.setCode(code);
    condition.setSubject(subject);
    condition.setOnset(new DateTimeType(onset.toString()));
    return condition;
  }
}
