package org.fusioncds.sandbox.cohort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fusioncds.error.FcdsException;
import org.junit.jupiter.api.Test;

class CohortShiftTest {

  @Test
  void extremeLabsReplaceEveryMeasurementAndKeepEverythingElse() {
    SyntheticPatient p = SyntheticPatient.draw(77, 3);

    SyntheticPatient shifted = CohortShift.EXTREME_LABS.patient(p);

    assertEquals(p.identity(), shifted.identity());
    assertEquals(p.clinical(), shifted.clinical());
    assertEquals(p.measurements().all().size(), shifted.measurements().all().size());
    for (Measurement m : shifted.measurements().all()) {
      double v = m.canonical();
      assertTrue(
          switch (m.measure()) {
            case WBC -> v == 45;
            case CRP -> v == 450;
            case PROCALCITONIN -> v == 30;
            case BODY_TEMPERATURE -> v == 41.5;
            case RESPIRATORY_RATE -> v == 44;
            case SPO2 -> v == 72;
          },
          m.toString());
    }
  }

  @Test
  void corruptedAndNoiseImagesDifferFromTheRadiographAndAreDeterministic() {
    SyntheticPatient p = SyntheticPatient.draw(77, 1);
    for (int i = 2; p.scene() == null; i++) {
      p = SyntheticPatient.draw(77, i);
    }
    short[] pixels = p.pixels(77);

    short[] corrupted = CohortShift.CORRUPTED.pixels(pixels, Rng.of(77, 1, Rng.Stream.SHIFT));
    short[] again = CohortShift.CORRUPTED.pixels(pixels, Rng.of(77, 1, Rng.Stream.SHIFT));
    short[] noise = CohortShift.NOISE.pixels(pixels, Rng.of(77, 1, Rng.Stream.SHIFT));

    assertArrayEquals(corrupted, again);
    assertFalse(java.util.Arrays.equals(pixels, corrupted));
    double noiseMean = java.util.Arrays.stream(toInt(noise)).average().orElse(0);
    assertEquals(2047.5, noiseMean, 60, "uniform over the 12-bit range");
    long saturated = 0;
    for (short v : corrupted) {
      saturated += v == 4095 || v == 0 ? 1 : 0;
    }
    assertTrue(saturated > pixels.length / 5, "bands and salt-and-pepper: " + saturated);
    assertTrue(java.util.Arrays.stream(toInt(noise)).allMatch(v -> v >= 0 && v <= 4095));
    assertArrayEquals(pixels, CohortShift.NONE.pixels(pixels, Rng.of(77, 1, Rng.Stream.SHIFT)));
  }

  @Test
  void anUnknownKindIsACodedError() {
    FcdsException e = assertThrows(FcdsException.class, () -> CohortShift.of("children"));

    assertEquals(
        "FCDS-8602: unknown out-of-distribution kind (none, corrupted, noise, extreme-labs) —"
            + " children",
        e.getMessage());
    assertEquals(CohortShift.EXTREME_LABS, CohortShift.of("extreme-labs"));
  }

  private static int[] toInt(short[] v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }
}
