package org.fusioncds.assemble;

/**
 * Grey-level co-occurrence matrix and the Haralick properties as scikit-image defines them ({@code
 * graycomatrix(q, distances=[1], angles=[0, π/4, π/2, 3π/4], levels=L, symmetric=True,
 * normed=True)} and {@code graycoprops}), averaged over the four angles. The [0, 1] image is
 * quantised to q = min(L − 1, ⌊v·L⌋); the pair (q[r][c], q[r+dr][c+dc]) is counted for the offsets
 * (dr, dc) = (0, 1), (1, 1), (1, 0), (1, −1) (scikit-image's row = round(sin θ), col = round(cos
 * θ)), only when both pixels are in the mask. Symmetric: P + Pᵀ; normalised to sum 1.
 *
 * <ul>
 *   <li>contrast = Σ P(i,j)·(i − j)²; homogeneity = Σ P(i,j) / (1 + (i − j)²);
 *   <li>energy = √(Σ P(i,j)²);
 *   <li>correlation = Σ P(i,j)·(i − μi)(j − μj) / (σi·σj), and 1 when σi·σj &lt; 1e-15 (as
 *       scikit-image).
 * </ul>
 *
 * An angle with no masked pair adds contrast 0, homogeneity 1, energy 0 and correlation 1.
 */
final class Glcm {

  static final int[][] OFFSETS = {{0, 1}, {1, 1}, {1, 0}, {1, -1}};

  /** The four properties, averaged over the angles. */
  record Props(double contrast, double homogeneity, double energy, double correlation) {}

  private Glcm() {}

  static int[] quantise(double[] v, int levels) {
    int[] q = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      q[i] = Math.min(levels - 1, Math.max(0, (int) Math.floor(v[i] * levels)));
    }
    return q;
  }

  /** Raw (not symmetric, not normalised) counts of one offset: [i][j]. */
  static long[][] counts(
      int[] q, boolean[] mask, int rows, int columns, int levels, int dr, int dc) {
    long[][] m = new long[levels][levels];
    for (int r = 0; r < rows; r++) {
      int r2 = r + dr;
      if (r2 < 0 || r2 >= rows) {
        continue;
      }
      for (int c = 0; c < columns; c++) {
        int c2 = c + dc;
        int a = r * columns + c;
        int b = r2 * columns + c2;
        if (c2 >= 0 && c2 < columns && mask[a] && mask[b]) {
          m[q[a]][q[b]]++;
        }
      }
    }
    return m;
  }

  static Props props(int[] q, boolean[] mask, int rows, int columns, int levels) {
    double[] sum = new double[4];
    for (int[] o : OFFSETS) {
      double[] p = props(counts(q, mask, rows, columns, levels, o[0], o[1]));
      for (int k = 0; k < 4; k++) {
        sum[k] += p[k] / OFFSETS.length;
      }
    }
    return new Props(sum[0], sum[1], sum[2], sum[3]);
  }

  /** {contrast, homogeneity, energy, correlation} of one raw count matrix. */
  static double[] props(long[][] counts) {
    int l = counts.length;
    double total = 0;
    for (long[] row : counts) {
      for (long x : row) {
        total += 2 * x;
      }
    }
    if (total == 0) {
      return new double[] {0, 1, 0, 1};
    }
    double[][] p = new double[l][l];
    double mu = 0;
    for (int i = 0; i < l; i++) {
      for (int j = 0; j < l; j++) {
        p[i][j] = (counts[i][j] + counts[j][i]) / total;
        mu += i * p[i][j];
      }
    }
    double contrast = 0;
    double homogeneity = 0;
    double asm = 0;
    double var = 0;
    double cov = 0;
    for (int i = 0; i < l; i++) {
      for (int j = 0; j < l; j++) {
        double d = i - j;
        contrast += p[i][j] * d * d;
        homogeneity += p[i][j] / (1 + d * d);
        asm += p[i][j] * p[i][j];
        var += p[i][j] * (i - mu) * (i - mu);
        cov += p[i][j] * (i - mu) * (j - mu);
      }
    }
    // symmetric: μi = μj and σi = σj
    double correlation = var < 1e-15 ? 1 : cov / var;
    return new double[] {contrast, homogeneity, Math.sqrt(asm), correlation};
  }
}
