package org.fusioncds.sandbox.cohort;

/**
 * Ridge logistic regression by Newton's method on standardised features, enough to measure how much
 * signal a set of features carries.
 */
final class LogisticRegression {

  private final double[] mean;
  private final double[] scale;
  private final double[] weights;

  private LogisticRegression(double[] mean, double[] scale, double[] weights) {
    this.mean = mean;
    this.scale = scale;
    this.weights = weights;
  }

  static LogisticRegression fit(double[][] x, boolean[] y, double ridge) {
    int d = x[0].length;
    double[] mean = new double[d];
    double[] scale = new double[d];
    for (int j = 0; j < d; j++) {
      double s = 0;
      double ss = 0;
      for (double[] row : x) {
        s += row[j];
        ss += row[j] * row[j];
      }
      mean[j] = s / x.length;
      scale[j] = Math.sqrt(Math.max(1e-12, ss / x.length - mean[j] * mean[j]));
    }
    double[] w = new double[d + 1];
    for (int iter = 0; iter < 25; iter++) {
      double[] grad = new double[d + 1];
      double[][] hess = new double[d + 1][d + 1];
      for (int i = 0; i < x.length; i++) {
        double[] z = features(x[i], mean, scale);
        double p = 1 / (1 + Math.exp(-dot(w, z)));
        double r = (y[i] ? 1 : 0) - p;
        for (int a = 0; a <= d; a++) {
          grad[a] += r * z[a];
          for (int b = 0; b <= d; b++) {
            hess[a][b] += p * (1 - p) * z[a] * z[b];
          }
        }
      }
      for (int a = 1; a <= d; a++) {
        grad[a] -= ridge * w[a];
        hess[a][a] += ridge;
      }
      double[] step = solve(hess, grad);
      for (int a = 0; a <= d; a++) {
        w[a] += step[a];
      }
    }
    return new LogisticRegression(mean, scale, w);
  }

  double score(double[] row) {
    return dot(weights, features(row, mean, scale));
  }

  private static double[] features(double[] row, double[] mean, double[] scale) {
    double[] z = new double[row.length + 1];
    z[0] = 1;
    for (int j = 0; j < row.length; j++) {
      z[j + 1] = (row[j] - mean[j]) / scale[j];
    }
    return z;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /** Gaussian elimination with partial pivoting. */
  private static double[] solve(double[][] a, double[] b) {
    int n = b.length;
    double[][] m = new double[n][];
    for (int i = 0; i < n; i++) {
      m[i] = java.util.Arrays.copyOf(a[i], n + 1);
      m[i][n] = b[i];
    }
    for (int c = 0; c < n; c++) {
      int p = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(m[r][c]) > Math.abs(m[p][c])) {
          p = r;
        }
      }
      double[] t = m[c];
      m[c] = m[p];
      m[p] = t;
      for (int r = c + 1; r < n; r++) {
        double f = m[r][c] / m[c][c];
        for (int k = c; k <= n; k++) {
          m[r][k] -= f * m[c][k];
        }
      }
    }
    double[] x = new double[n];
    for (int r = n - 1; r >= 0; r--) {
      double s = m[r][n];
      for (int k = r + 1; k < n; k++) {
        s -= m[r][k] * x[k];
      }
      x[r] = s / m[r][r];
    }
    return x;
  }
}
