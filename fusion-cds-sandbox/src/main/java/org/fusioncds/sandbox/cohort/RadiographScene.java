package org.fusioncds.sandbox.cohort;

import java.util.List;

/**
 * What a synthetic frontal chest radiograph shows, in pixel coordinates of a 256×256 image (column
 * x to the right, row y down; the patient's right lung on the image's left).
 *
 * @param exposure global brightness factor, 0.88–1.12
 * @param bodyHalfWidth half width of the soft-tissue body outline
 * @param lungs the right and the left lung field
 * @param domes the height of each hemidiaphragm dome below which a lung field ends
 * @param heart the heart silhouette (larger with heart failure)
 * @param ribTop row of the first posterior rib, ribSpacing rows between ribs
 * @param opacities focal opacities (pneumonia, or a benign density)
 * @param hazeAmplitude bilateral perihilar haze of heart failure (0 without)
 */
record RadiographScene(
    double exposure,
    double bodyHalfWidth,
    List<Ellipse> lungs,
    double[] domes,
    Ellipse heart,
    double ribTop,
    double ribSpacing,
    List<Opacity> opacities,
    double hazeAmplitude) {

  static final int SIZE = 256;

  /** An axis-aligned ellipse. */
  record Ellipse(double cx, double cy, double rx, double ry) {}

  /** A Gaussian density of amplitude {@code amplitude} (stored value units) and widths sx, sy. */
  record Opacity(double cx, double cy, double sx, double sy, double amplitude) {}
}
