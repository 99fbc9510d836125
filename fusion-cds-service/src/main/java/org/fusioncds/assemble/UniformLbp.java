package org.fusioncds.assemble;

/**
 * Uniform local binary patterns, 8 neighbours at radius 1 on the pixel grid (Ojala, Pietikäinen,
 * Mäenpää 2002, the 3×3 neighbourhood: diagonals are the corner pixels, not interpolated as
 * scikit-image's circle): bit k is 1 when neighbour k ≥ the centre, neighbours in circular order; a
 * pattern with at most 2 transitions 0/1 around the circle is labelled by its number of ones (0–8),
 * any other 9. The histogram counts the labels of the interior pixels in the mask, normalised to
 * sum 1 (all 0 when none).
 */
final class UniformLbp {

  static final int BINS = 10;

  /** Circular order: E, NE, N, NW, W, SW, S, SE as (dr, dc). */
  private static final int[][] RING = {
    {0, 1}, {-1, 1}, {-1, 0}, {-1, -1}, {0, -1}, {1, -1}, {1, 0}, {1, 1}
  };

  private UniformLbp() {}

  /** The label (0–9) of the interior pixel (r, c). */
  static int label(double[] v, int columns, int r, int c) {
    double centre = v[r * columns + c];
    int[] bits = new int[8];
    int ones = 0;
    for (int k = 0; k < 8; k++) {
      bits[k] = v[(r + RING[k][0]) * columns + c + RING[k][1]] >= centre ? 1 : 0;
      ones += bits[k];
    }
    int transitions = 0;
    for (int k = 0; k < 8; k++) {
      transitions += bits[k] != bits[(k + 1) % 8] ? 1 : 0;
    }
    return transitions <= 2 ? ones : 9;
  }

  static double[] histogram(double[] v, boolean[] mask, int rows, int columns) {
    double[] h = new double[BINS];
    int n = 0;
    for (int r = 1; r < rows - 1; r++) {
      for (int c = 1; c < columns - 1; c++) {
        if (mask[r * columns + c]) {
          h[label(v, columns, r, c)]++;
          n++;
        }
      }
    }
    for (int b = 0; b < BINS && n > 0; b++) {
      h[b] /= n;
    }
    return h;
  }
}
