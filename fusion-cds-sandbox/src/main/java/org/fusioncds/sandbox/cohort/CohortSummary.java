package org.fusioncds.sandbox.cohort;

import java.util.Locale;

/**
 * Counts of a generated cohort, no patient data.
 *
 * @param patients patients written
 * @param positives patients with label 1
 * @param imaged patients with a radiograph
 * @param withoutLabs patients without any lab Observation
 * @param millis generation time
 */
public record CohortSummary(int patients, int positives, int imaged, int withoutLabs, long millis) {

  /** One line for stderr: counts, prevalence, missingness and time. */
  public String line() {
    return String.format(
        Locale.ROOT,
        "cohort: %d patients, %d positive (%.1f %%), %d without image (%.1f %%), %d without labs"
            + " (%.1f %%), %.1f s",
        patients,
        positives,
        percent(positives),
        patients - imaged,
        percent(patients - imaged),
        withoutLabs,
        percent(withoutLabs),
        millis / 1000.0);
  }

  private double percent(int n) {
    return patients == 0 ? 0 : 100.0 * n / patients;
  }
}
