package org.fusioncds.sandbox.cohort;

import java.util.List;

/**
 * The labs and vital signs of the cohort: LOINC code, FHIR observation category and the UCUM units
 * a value may come in. Values are drawn in the first (canonical) unit and converted for the others.
 */
enum Measure {
  WBC(
      "6690-2",
      "Leukocytes [#/volume] in Blood by Automated count",
      true,
      List.of(new Unit("10*3/uL", "10^3/uL", 1, 0, 1), new Unit("10*9/L", "10^9/L", 1, 0, 1))),
  CRP(
      "1988-5",
      "C reactive protein [Mass/volume] in Serum or Plasma",
      true,
      List.of(new Unit("mg/L", "mg/L", 1, 0, 1), new Unit("mg/dL", "mg/dL", 0.1, 0, 2))),
  PROCALCITONIN(
      "33959-8",
      "Procalcitonin [Mass/volume] in Serum or Plasma",
      true,
      List.of(new Unit("ng/mL", "ng/mL", 1, 0, 2), new Unit("ug/L", "ug/L", 1, 0, 2))),
  BODY_TEMPERATURE(
      "8310-5",
      "Body temperature",
      false,
      List.of(new Unit("Cel", "degC", 1, 0, 1), new Unit("[degF]", "degF", 1.8, 32, 1))),
  RESPIRATORY_RATE(
      "9279-1", "Respiratory rate", false, List.of(new Unit("/min", "breaths/min", 1, 0, 0))),
  SPO2(
      "59408-5",
      "Oxygen saturation in Arterial blood by Pulse oximetry",
      false,
      List.of(new Unit("%", "%", 1, 0, 0)));

  static final String LOINC = "http://loinc.org";

  final String loinc;
  final String display;
  final boolean laboratory;
  final List<Unit> units;

  Measure(String loinc, String display, boolean laboratory, List<Unit> units) {
    this.loinc = loinc;
    this.display = display;
    this.laboratory = laboratory;
    this.units = units;
  }

  Unit canonical() {
    return units.get(0);
  }

  /**
   * A UCUM unit: {@code code} for machines, {@code text} for people; value = canonical * factor +
   * offset, printed with {@code decimals} digits after the point.
   */
  record Unit(String code, String text, double factor, double offset, int decimals) {
    double fromCanonical(double canonical) {
      return canonical * factor + offset;
    }
  }
}
