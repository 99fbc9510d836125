package org.fusioncds.sandbox.cohort;

import java.time.LocalDate;
import java.time.LocalDateTime;

/**
 * Identifiers, times and acquisition choices of one patient, all drawn from a stream of their own
 * so that none depends on the label.
 *
 * @param patientId FHIR logical id and DICOM Patient ID, {@code syn<8 hex of the seed>-<index>}
 * @param number the index as shown in the synthetic name, {@code P0042}
 * @param visit the visit and study time (UTC), in 2025
 * @param birthDayOffset days subtracted from the visit date after the age in years, 0–364
 * @param imaged whether the patient has a radiograph (90 %)
 * @param modality CR or DX (even chance)
 * @param view PA (75 %) or AP
 */
record Identity(
    String patientId,
    String number,
    LocalDateTime visit,
    int birthDayOffset,
    boolean imaged,
    String modality,
    String view,
    String accession,
    String studyUid,
    String seriesUid,
    String instanceUid) {

  /** The fixed reference: visits are spread over the 365 days from here. */
  static final LocalDateTime REFERENCE = LocalDateTime.of(2025, 1, 1, 0, 0);

  static Identity draw(Rng rng, long seed, int index) {
    return draw(rng, seed, index, VisitFrame.YEAR_2025);
  }

  static Identity draw(Rng rng, long seed, int index, VisitFrame frame) {
    String number = String.format(java.util.Locale.ROOT, "P%04d", index);
    String id = String.format(java.util.Locale.ROOT, "syn%08x-%04d", Rng.mix(seed) >>> 32, index);
    long day = rng.nextInt(365);
    long second = 7 * 3600 + rng.nextInt(16 * 3600);
    // the same draws whatever the frame, so a seed gives the same cohort, moved in time
    LocalDateTime visit =
        frame.start().plusSeconds(Math.floorMod(day * 86_400 + second, frame.days() * 86_400L));
    int birthOffset = rng.nextInt(365);
    boolean imaged = !rng.chance(0.10);
    String modality = rng.chance(0.5) ? "CR" : "DX";
    String view = rng.chance(0.75) ? "PA" : "AP";
    String accession = String.format(java.util.Locale.ROOT, "SYN%09d", rng.nextInt(1_000_000_000));
    return new Identity(
        id,
        number,
        visit,
        birthOffset,
        imaged,
        modality,
        view,
        accession,
        Uids.next(rng),
        Uids.next(rng),
        Uids.next(rng));
  }

  LocalDate birthDate(int age) {
    return visit.toLocalDate().minusYears(age).minusDays(birthDayOffset);
  }
}
