package org.fusioncds.sandbox.cohort;

import java.time.LocalDateTime;

/**
 * One lab or vital-sign value as the FHIR Observation carries it.
 *
 * @param canonical the value in the canonical unit of the measure, before rounding
 * @param unit the unit it is reported in (the Observation converts and rounds)
 * @param time effective time (UTC)
 * @param inWindow whether it lies in the visit's plausible window [visit − 24 h, visit + 6 h]
 */
record Measurement(
    Measure measure, double canonical, Measure.Unit unit, LocalDateTime time, boolean inWindow) {

  /** The value as reported: converted to {@link #unit} and rounded to its decimals. */
  java.math.BigDecimal reported() {
    return java.math.BigDecimal.valueOf(unit.fromCanonical(canonical))
        .setScale(unit.decimals(), java.math.RoundingMode.HALF_UP);
  }
}
