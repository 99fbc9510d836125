package org.fusioncds.sandbox.cohort;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * Patients outside the training distribution, for testing the model's out-of-distribution
 * abstention ({@code cohort --out-of-distribution KIND}). The DICOM header, the visit and the
 * demographics stay those of an eligible adult frontal chest radiograph, so that only the content
 * differs and the intended-use check (age, view, spacing) cannot be what catches them:
 *
 * <ul>
 *   <li>{@code corrupted}: the radiograph with detector read-out failures — a third of the rows
 *       saturated or dropped in bands, and salt-and-pepper noise over a fifth of the pixels;
 *   <li>{@code noise}: no chest at all — uniform noise over the 12-bit range (another body part or
 *       a test pattern stands for anything the model never saw);
 *   <li>{@code extreme-labs}: every lab and vital sign replaced by an extreme, barely survivable
 *       value (WBC 45 ×10³/µL, CRP 450 mg/L, PCT 30 ng/mL, 41.5 °C, 44 /min, SpO2 72 %).
 * </ul>
 *
 * Deterministic: the changes are drawn from the patient's own pixel stream.
 */
public enum CohortShift {
  NONE("none"),
  CORRUPTED("corrupted"),
  NOISE("noise"),
  EXTREME_LABS("extreme-labs");

  private static final EnumMap<Measure, Double> EXTREME = new EnumMap<>(Measure.class);

  static {
    EXTREME.put(Measure.WBC, 45.0);
    EXTREME.put(Measure.CRP, 450.0);
    EXTREME.put(Measure.PROCALCITONIN, 30.0);
    EXTREME.put(Measure.BODY_TEMPERATURE, 41.5);
    EXTREME.put(Measure.RESPIRATORY_RATE, 44.0);
    EXTREME.put(Measure.SPO2, 72.0);
  }

  private final String word;

  CohortShift(String word) {
    this.word = word;
  }

  /** The command-line word, e.g. {@code extreme-labs}. */
  public String word() {
    return word;
  }

  /** The shift of that word, or FCDS-8602. */
  public static CohortShift of(String word) {
    for (CohortShift s : values()) {
      if (s.word.equals(word == null ? "" : word.strip().toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new FcdsException(
        ErrorCode.COHORT_SHIFT_UNKNOWN,
        "unknown out-of-distribution kind (none, corrupted, noise, extreme-labs) — " + word);
  }

  /** The patient with its labs and vital signs shifted ({@code extreme-labs}); others unchanged. */
  SyntheticPatient patient(SyntheticPatient p) {
    if (this != EXTREME_LABS) {
      return p;
    }
    List<Measurement> all =
        p.measurements().all().stream()
            .map(
                m ->
                    new Measurement(
                        m.measure(), EXTREME.get(m.measure()), m.unit(), m.time(), m.inWindow()))
            .toList();
    EnumMap<Measure, Double> current = new EnumMap<>(Measure.class);
    p.measurements().current().keySet().forEach(k -> current.put(k, EXTREME.get(k)));
    return new SyntheticPatient(
        p.index(),
        p.identity(),
        p.clinical(),
        new Measurements(all, current, p.measurements().labsMissing()),
        p.scene(),
        p.onsets());
  }

  /** The stored pixel values (0–4095) after the shift ({@code corrupted}, {@code noise}). */
  short[] pixels(short[] pixels, Rng rng) {
    return switch (this) {
      case CORRUPTED -> corrupt(pixels.clone(), rng);
      case NOISE -> noise(pixels.length, rng);
      default -> pixels;
    };
  }

  private static short[] corrupt(short[] v, Rng rng) {
    int n = RadiographScene.SIZE;
    int bands = 6;
    for (int b = 0; b < bands; b++) {
      int start = rng.nextInt(n - 16);
      int height = 8 + rng.nextInt(9);
      short value = (short) (rng.chance(0.5) ? 4095 : 0);
      for (int y = start; y < Math.min(n, start + height); y++) {
        java.util.Arrays.fill(v, y * n, (y + 1) * n, value);
      }
    }
    for (int i = 0; i < v.length; i++) {
      if (rng.chance(0.2)) {
        v[i] = (short) (rng.chance(0.5) ? 4095 : 0);
      }
    }
    return v;
  }

  private static short[] noise(int size, Rng rng) {
    short[] v = new short[size];
    for (int i = 0; i < size; i++) {
      v[i] = (short) rng.nextInt(4096);
    }
    return v;
  }
}
