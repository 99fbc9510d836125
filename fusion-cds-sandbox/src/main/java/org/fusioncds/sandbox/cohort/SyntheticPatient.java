package org.fusioncds.sandbox.cohort;

import java.time.LocalDate;
import java.util.EnumMap;

/**
 * One synthetic patient, fully determined by the cohort seed and the patient's index (a cohort of N
 * patients is the first N of any larger cohort with the same seed).
 *
 * @param scene the radiograph's content, null when the patient has no image
 * @param onsets the onset date of each comorbidity present
 */
record SyntheticPatient(
    int index,
    Identity identity,
    Clinical clinical,
    Measurements measurements,
    RadiographScene scene,
    EnumMap<Comorbidity, LocalDate> onsets) {

  static SyntheticPatient draw(long seed, int index) {
    return draw(seed, index, VisitFrame.YEAR_2025);
  }

  static SyntheticPatient draw(long seed, int index, VisitFrame frame) {
    Identity id = Identity.draw(Rng.of(seed, index, Rng.Stream.IDS), seed, index, frame);
    Clinical c = ClinicalModel.draw(Rng.of(seed, index, Rng.Stream.CLINICAL));
    Measurements m =
        MeasurementSampler.draw(Rng.of(seed, index, Rng.Stream.MEASUREMENTS), c, id.visit());
    RadiographScene scene =
        id.imaged() ? SceneSampler.draw(Rng.of(seed, index, Rng.Stream.SCENE), c) : null;
    return new SyntheticPatient(
        index, id, c, m, scene, onsets(Rng.of(seed, index, Rng.Stream.HISTORY), c, id));
  }

  /** Onset 0.5 to min(25, age − 17) years before the visit. */
  private static EnumMap<Comorbidity, LocalDate> onsets(Rng rng, Clinical c, Identity id) {
    EnumMap<Comorbidity, LocalDate> out = new EnumMap<>(Comorbidity.class);
    for (Comorbidity k : c.comorbidities()) {
      double years = rng.uniform(0.5, Math.min(25, c.age() - 17));
      out.put(k, id.visit().toLocalDate().minusDays(Math.round(years * 365.25)));
    }
    return out;
  }

  String patientId() {
    return identity.patientId();
  }

  LocalDate birthDate() {
    return identity.birthDate(clinical.age());
  }

  short[] pixels(long seed) {
    return RadiographRenderer.render(scene, Rng.of(seed, index, Rng.Stream.PIXELS));
  }
}
