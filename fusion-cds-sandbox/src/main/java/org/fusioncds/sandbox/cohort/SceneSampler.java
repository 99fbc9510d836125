package org.fusioncds.sandbox.cohort;

import java.util.ArrayList;
import java.util.List;

/**
 * Draws the anatomy and findings of a radiograph. Findings depend on the label only through the
 * latent image evidence v (see {@link ClinicalModel}): with e = v − 0.7, nothing is seen when e ≤
 * 0; otherwise 1 + [e > 1.2] + [e > 2.2] opacities, each of width 7 + 9·min(e, 2.5)·U(0.7, 1.3) px
 * (elongated by U(0.7, 1.6) vertically) and amplitude 250 + 450·min(e, 2.5)·U(0.7, 1.3), in a lung
 * field (right 55 %), biased to the lower zones. A positive with small v is subtle; a negative with
 * v just above 0.7 shows a small benign density. Heart failure enlarges the heart by U(1.22, 1.4)
 * and adds bilateral perihilar haze of amplitude U(180, 300).
 */
final class SceneSampler {

  private static final double THRESHOLD = 0.7;

  private SceneSampler() {}

  static RadiographScene draw(Rng rng, Clinical c) {
    double exposure = rng.uniform(0.88, 1.12);
    double body = rng.uniform(112, 124);
    List<RadiographScene.Ellipse> lungs =
        List.of(
            new RadiographScene.Ellipse(
                80 + rng.uniform(-4, 4), 122 + rng.uniform(-5, 5), rng.uniform(37, 43), 78),
            new RadiographScene.Ellipse(
                176 + rng.uniform(-4, 4), 124 + rng.uniform(-5, 5), rng.uniform(35, 41), 76));
    double[] domes = {rng.uniform(178, 188), rng.uniform(184, 194)};
    boolean hf = c.has(Comorbidity.HEART_FAILURE);
    double heartScale = hf ? rng.uniform(1.22, 1.4) : rng.uniform(0.92, 1.08);
    RadiographScene.Ellipse heart =
        new RadiographScene.Ellipse(142, 160, 42 * heartScale, 34 * (0.5 + heartScale / 2));
    double ribTop = rng.uniform(44, 54);
    double ribSpacing = rng.uniform(17, 20);
    List<RadiographScene.Opacity> opacities = opacities(rng, c.imageEvidence(), lungs);
    double haze = hf ? rng.uniform(180, 300) : 0;
    return new RadiographScene(
        exposure, body, lungs, domes, heart, ribTop, ribSpacing, opacities, haze);
  }

  private static List<RadiographScene.Opacity> opacities(
      Rng rng, double evidence, List<RadiographScene.Ellipse> lungs) {
    double e = evidence - THRESHOLD;
    List<RadiographScene.Opacity> out = new ArrayList<>();
    int count = e <= 0 ? 0 : 1 + (e > 1.2 ? 1 : 0) + (e > 2.2 ? 1 : 0);
    double m = Math.min(e, 2.5);
    for (int i = 0; i < count; i++) {
      RadiographScene.Ellipse lung = lungs.get(rng.chance(0.55) ? 0 : 1);
      double cx = lung.cx() + rng.uniform(-0.55, 0.55) * lung.rx();
      double cy = lung.cy() + rng.uniform(-0.3, 0.7) * lung.ry();
      double sx = 7 + 9 * m * rng.uniform(0.7, 1.3);
      double sy = sx * rng.uniform(0.7, 1.6);
      double amplitude = 250 + 450 * m * rng.uniform(0.7, 1.3);
      out.add(new RadiographScene.Opacity(cx, cy, sx, sy, amplitude));
    }
    return List.copyOf(out);
  }
}
