package org.fusioncds.sandbox.cohort;

/**
 * The value of each measure given a latent state, in its canonical unit. {@code r} is inflammation,
 * {@code q} respiratory compromise, {@code g} a fresh N(0, 1) measurement noise.
 *
 * <ul>
 *   <li>WBC [10^9/L] = 7.5·exp(0.3·k·r − 0.25·immuno + 0.15·g), k = 0.4 when immunodeficient else 1
 *   <li>CRP [mg/L] = 12·exp(1.3·r + 0.6·g)
 *   <li>procalcitonin [ng/mL] = 0.08·exp(0.9·r + 0.7·g)
 *   <li>temperature [Cel] = 37.0 + 0.45·k·r + 0.35·g
 *   <li>respiratory rate [/min] = 17 + 2.5·q + 3·COPD + 3·HF + 2.5·g, whole numbers
 *   <li>SpO2 [%] = 96.5 − 1.8·q − 3·COPD − 2·HF + 1.5·g, whole numbers, at most 100
 * </ul>
 */
final class MeasurementModel {

  private MeasurementModel() {}

  static double value(Measure m, Clinical c, double r, double q, double g) {
    double immuno = c.has(Comorbidity.IMMUNODEFICIENCY) ? 1 : 0;
    double k = immuno > 0 ? 0.4 : 1.0;
    double copd = c.has(Comorbidity.COPD) ? 1 : 0;
    double hf = c.has(Comorbidity.HEART_FAILURE) ? 1 : 0;
    return switch (m) {
      case WBC -> clamp(7.5 * StrictMath.exp(0.3 * k * r - 0.25 * immuno + 0.15 * g), 0.5, 60);
      case CRP -> clamp(12 * StrictMath.exp(1.3 * r + 0.6 * g), 0.3, 500);
      case PROCALCITONIN -> clamp(0.08 * StrictMath.exp(0.9 * r + 0.7 * g), 0.02, 100);
      case BODY_TEMPERATURE -> clamp(37.0 + 0.45 * k * r + 0.35 * g, 35.0, 41.5);
      case RESPIRATORY_RATE -> clamp(Math.rint(17 + 2.5 * q + 3 * copd + 3 * hf + 2.5 * g), 10, 45);
      case SPO2 -> clamp(Math.rint(96.5 - 1.8 * q - 3 * copd - 2 * hf + 1.5 * g), 70, 100);
    };
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
