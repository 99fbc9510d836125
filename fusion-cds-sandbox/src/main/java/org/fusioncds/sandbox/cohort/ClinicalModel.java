package org.fusioncds.sandbox.cohort;

import java.util.EnumSet;

/**
 * Draws demographics, comorbidities, the pneumonia label and the latent states. The coefficients
 * are the documented generative process (COHORT.md); logistic models use {@code a = age - 18}.
 *
 * <ul>
 *   <li>age: 18 + ⌊78·w⌋, capped at 95, where w is, with equal chance, uniform or the larger of two
 *       uniforms (density rising with age; mean ≈ 63)
 *   <li>COPD: logit −4.2 + 0.045·a + 0.3·male; type 2 diabetes: −3.5 + 0.04·a; immunodeficiency:
 *       −3.0 + 0.01·a; heart failure: −5.5 + 0.06·a
 *   <li>pneumonia: logit −1.3 ({@link #PNEUMONIA_INTERCEPT}) + 0.025·(age − 60) + 0.7·COPD +
 *       0.9·immunodeficiency + 0.4·diabetes + 0.2·male (prevalence ≈ 30 %)
 *   <li>latent states: inflammation N(1.0·y, 1), respiratory N(0.7·y, 1), image evidence N(1.8·y,
 *       1) ({@link #INFLAMMATION_SHIFT}, {@link #RESPIRATORY_SHIFT}, {@link #IMAGE_SHIFT}),
 *       independent given the label
 * </ul>
 */
final class ClinicalModel {

  static final double PNEUMONIA_INTERCEPT = -1.3;
  static final double INFLAMMATION_SHIFT = 1.0;
  static final double RESPIRATORY_SHIFT = 0.7;
  static final double IMAGE_SHIFT = 1.8;

  private ClinicalModel() {}

  static Clinical draw(Rng rng) {
    int age = age(rng);
    boolean female = rng.chance(0.5);
    EnumSet<Comorbidity> c = comorbidities(rng, age, female);
    boolean y = rng.chance(sigmoid(pneumoniaLogit(age, female, c)));
    double label = y ? 1 : 0;
    double inflammation = INFLAMMATION_SHIFT * label + rng.gaussian();
    double respiratory = RESPIRATORY_SHIFT * label + rng.gaussian();
    double image = IMAGE_SHIFT * label + rng.gaussian();
    return new Clinical(age, female, c, y, inflammation, respiratory, image);
  }

  static int age(Rng rng) {
    double u = rng.nextDouble();
    double v = rng.nextDouble();
    double w = rng.chance(0.5) ? u : Math.max(u, v);
    return 18 + Math.min(77, (int) Math.floor(78 * w));
  }

  static EnumSet<Comorbidity> comorbidities(Rng rng, int age, boolean female) {
    double a = age - 18;
    EnumSet<Comorbidity> c = EnumSet.noneOf(Comorbidity.class);
    addIf(c, Comorbidity.COPD, rng.chance(sigmoid(-4.2 + 0.045 * a + (female ? 0 : 0.3))));
    addIf(c, Comorbidity.TYPE_2_DIABETES, rng.chance(sigmoid(-3.5 + 0.04 * a)));
    addIf(c, Comorbidity.IMMUNODEFICIENCY, rng.chance(sigmoid(-3.0 + 0.01 * a)));
    addIf(c, Comorbidity.HEART_FAILURE, rng.chance(sigmoid(-5.5 + 0.06 * a)));
    return c;
  }

  static double pneumoniaLogit(int age, boolean female, EnumSet<Comorbidity> c) {
    return PNEUMONIA_INTERCEPT
        + 0.025 * (age - 60)
        + (c.contains(Comorbidity.COPD) ? 0.7 : 0)
        + (c.contains(Comorbidity.IMMUNODEFICIENCY) ? 0.9 : 0)
        + (c.contains(Comorbidity.TYPE_2_DIABETES) ? 0.4 : 0)
        + (female ? 0 : 0.2);
  }

  private static void addIf(EnumSet<Comorbidity> set, Comorbidity c, boolean present) {
    if (present) {
      set.add(c);
    }
  }

  static double sigmoid(double x) {
    return 1.0 / (1.0 + StrictMath.exp(-x));
  }
}
