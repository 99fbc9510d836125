package org.fusioncds.sandbox.cohort;

/**
 * The comorbidities of the cohort, each coded in SNOMED CT and ICD-10-CM (FHIR R4 Condition.code
 * carries both codings).
 */
enum Comorbidity {
  COPD(
      "13645005",
      "Chronic obstructive lung disease",
      "J44.9",
      "Chronic obstructive pulmonary disease, unspecified"),
  TYPE_2_DIABETES(
      "44054006",
      "Diabetes mellitus type 2",
      "E11.9",
      "Type 2 diabetes mellitus without complications"),
  IMMUNODEFICIENCY(
      "234532001", "Immunodeficiency disorder", "D84.9", "Immunodeficiency, unspecified"),
  HEART_FAILURE("84114007", "Heart failure", "I50.9", "Heart failure, unspecified");

  final String snomed;
  final String snomedDisplay;
  final String icd10cm;
  final String icd10cmDisplay;

  Comorbidity(String snomed, String snomedDisplay, String icd10cm, String icd10cmDisplay) {
    this.snomed = snomed;
    this.snomedDisplay = snomedDisplay;
    this.icd10cm = icd10cm;
    this.icd10cmDisplay = icd10cmDisplay;
  }
}
