package org.fusioncds.assemble;

import java.util.Arrays;

/**
 * Edge strength: the Sobel gradient magnitude √(gx² + gy²) with the integer kernels gx = [[−1, 0,
 * 1], [−2, 0, 2], [−1, 0, 1]] and gy its transpose (no scaling), at every interior pixel (not on
 * the border) that is in the mask; its mean and its 95th percentile (nearest rank: the ⌈0.95·n⌉-th
 * smallest). Both 0 when no interior pixel is masked.
 */
final class SobelStats {

  /** {mean, p95}. */
  record Result(double mean, double p95) {}

  private SobelStats() {}

  static double magnitude(double[] v, int columns, int r, int c) {
    int w = columns;
    int i = r * w + c;
    double gx =
        (v[i - w + 1] + 2 * v[i + 1] + v[i + w + 1]) - (v[i - w - 1] + 2 * v[i - 1] + v[i + w - 1]);
    double gy =
        (v[i + w - 1] + 2 * v[i + w] + v[i + w + 1]) - (v[i - w - 1] + 2 * v[i - w] + v[i - w + 1]);
    return Math.sqrt(gx * gx + gy * gy);
  }

  static Result of(double[] v, boolean[] mask, int rows, int columns) {
    double[] m = new double[Math.max(0, (rows - 2) * (columns - 2))];
    int n = 0;
    double sum = 0;
    for (int r = 1; r < rows - 1; r++) {
      for (int c = 1; c < columns - 1; c++) {
        if (mask[r * columns + c]) {
          m[n] = magnitude(v, columns, r, c);
          sum += m[n++];
        }
      }
    }
    if (n == 0) {
      return new Result(0, 0);
    }
    double[] sorted = Arrays.copyOf(m, n);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(0.95 * n);
    return new Result(sum / n, sorted[rank - 1]);
  }
}
