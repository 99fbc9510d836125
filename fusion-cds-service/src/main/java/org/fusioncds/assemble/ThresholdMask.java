package org.fusioncds.assemble;

import org.fusioncds.model.ModelCard.Range;

/**
 * The organ mask of the classical pipeline: the pixels whose windowed value (in [0, 1], before
 * equalisation) lies in the card's closed interval [min, max]. On a chest radiograph (dense =
 * bright) a band above the air outside the body and below soft tissue and bone keeps the lung
 * fields.
 */
final class ThresholdMask {

  private ThresholdMask() {}

  static boolean[] of(double[] image, Range band) {
    boolean[] m = new boolean[image.length];
    for (int i = 0; i < image.length; i++) {
      m[i] = image[i] >= band.min() && image[i] <= band.max();
    }
    return m;
  }

  static int count(boolean[] mask) {
    int n = 0;
    for (boolean b : mask) {
      n += b ? 1 : 0;
    }
    return n;
  }
}
