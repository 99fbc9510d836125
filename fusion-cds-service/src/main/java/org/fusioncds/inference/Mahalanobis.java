package org.fusioncds.inference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * A Gaussian summary of training embeddings and the Mahalanobis distance (Mahalanobis 1936) of a
 * new embedding to it: {@code sqrt((x − mean)ᵀ precision (x − mean))}. The covariance is the
 * Ledoit–Wolf shrinkage estimate towards a scaled identity (Ledoit &amp; Wolf 2004, the formula of
 * scikit-learn's {@code ledoit_wolf}), so that it stays invertible when some units of the embedding
 * (ReLU outputs) are nearly constant; used for out-of-distribution detection on a network's
 * penultimate layer as in Lee et al. 2018. Written and read as JSON ({@code ood-statistics.json}).
 *
 * @param mean the training embeddings' mean
 * @param precision the inverse of the shrunk covariance, row by row
 * @param shrinkage the Ledoit–Wolf shrinkage intensity in [0, 1]
 * @param samples how many training embeddings were summarised
 */
public record Mahalanobis(double[] mean, double[][] precision, double shrinkage, int samples) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Fits mean and shrinkage covariance to the rows of {@code x} (samples × dimensions). */
  public static Mahalanobis fit(double[][] x) {
    int n = x.length;
    int p = n == 0 ? 0 : x[0].length;
    if (n < 2 || p == 0) {
      throw new FcdsException(
          ErrorCode.OOD_FIT, "need at least 2 embeddings of at least 1 value — found " + n);
    }
    double[] mean = new double[p];
    for (double[] row : x) {
      if (row.length != p || Arrays.stream(row).anyMatch(v -> !Double.isFinite(v))) {
        throw new FcdsException(
            ErrorCode.OOD_FIT, "an embedding is not " + p + " finite values — " + row.length);
      }
      for (int j = 0; j < p; j++) {
        mean[j] += row[j] / n;
      }
    }
    double[][] c = new double[n][p];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < p; j++) {
        c[i][j] = x[i][j] - mean[j];
      }
    }
    double[][] cov = new double[p][p];
    double[][] squares = new double[p][p]; // Σ_i x_ij² x_ik², for the shrinkage intensity
    for (double[] row : c) {
      for (int j = 0; j < p; j++) {
        for (int k = 0; k < p; k++) {
          cov[j][k] += row[j] * row[k] / n;
          squares[j][k] += row[j] * row[j] * row[k] * row[k];
        }
      }
    }
    double shrinkage = ledoitWolf(cov, squares, n);
    double mu = trace(cov) / p;
    double[][] shrunk = new double[p][p];
    for (int j = 0; j < p; j++) {
      for (int k = 0; k < p; k++) {
        shrunk[j][k] = (1 - shrinkage) * cov[j][k] + (j == k ? shrinkage * mu : 0);
      }
    }
    return new Mahalanobis(mean, invert(shrunk), shrinkage, n);
  }

  /** The shrinkage intensity of scikit-learn's {@code ledoit_wolf_shrinkage}. */
  private static double ledoitWolf(double[][] cov, double[][] squares, int n) {
    int p = cov.length;
    double mu = trace(cov) / p;
    double beta = 0;
    double delta = 0;
    for (int j = 0; j < p; j++) {
      for (int k = 0; k < p; k++) {
        beta += squares[j][k];
        delta += cov[j][k] * cov[j][k];
      }
    }
    // sklearn: delta_ = Σ (XᵀX)² / n², beta = (Σ (X²)ᵀX² / n − delta_) / (p n)
    beta = (beta / n - delta) / ((double) p * n);
    delta = (delta - 2 * mu * trace(cov) + p * mu * mu) / p;
    beta = Math.min(beta, delta);
    return beta <= 0 || delta == 0 ? 0 : beta / delta;
  }

  private static double trace(double[][] m) {
    double t = 0;
    for (int j = 0; j < m.length; j++) {
      t += m[j][j];
    }
    return t;
  }

  /** Gauss–Jordan inverse with partial pivoting; a singular matrix is a coded error. */
  static double[][] invert(double[][] m) {
    int p = m.length;
    double[][] a = new double[p][2 * p];
    for (int i = 0; i < p; i++) {
      System.arraycopy(m[i], 0, a[i], 0, p);
      a[i][p + i] = 1;
    }
    for (int col = 0; col < p; col++) {
      int pivot = col;
      for (int r = col + 1; r < p; r++) {
        pivot = Math.abs(a[r][col]) > Math.abs(a[pivot][col]) ? r : pivot;
      }
      if (Math.abs(a[pivot][col]) < 1e-300) {
        throw new FcdsException(ErrorCode.OOD_FIT, "the covariance is singular — column " + col);
      }
      double[] t = a[col];
      a[col] = a[pivot];
      a[pivot] = t;
      double d = a[col][col];
      for (int k = 0; k < 2 * p; k++) {
        a[col][k] /= d;
      }
      for (int r = 0; r < p; r++) {
        if (r != col && a[r][col] != 0) {
          double f = a[r][col];
          for (int k = 0; k < 2 * p; k++) {
            a[r][k] -= f * a[col][k];
          }
        }
      }
    }
    double[][] inv = new double[p][p];
    for (int i = 0; i < p; i++) {
      System.arraycopy(a[i], p, inv[i], 0, p);
    }
    return inv;
  }

  /** The embedding's dimension. */
  public int dimensions() {
    return mean.length;
  }

  /** The Mahalanobis distance of {@code x} to the training embeddings. */
  public double distance(float[] x) {
    if (x.length != mean.length) {
      throw new FcdsException(
          ErrorCode.OOD_STATISTICS_INVALID,
          "embedding has " + x.length + " values, the statistics " + mean.length);
    }
    int p = mean.length;
    double[] d = new double[p];
    for (int j = 0; j < p; j++) {
      d[j] = x[j] - mean[j];
    }
    double s = 0;
    for (int j = 0; j < p; j++) {
      double row = 0;
      for (int k = 0; k < p; k++) {
        row += precision[j][k] * d[k];
      }
      s += d[j] * row;
    }
    return Math.sqrt(Math.max(s, 0));
  }

  /** Writes the statistics as JSON. */
  public void write(Path file) {
    try {
      JSON.writeValue(file.toFile(), this);
    } catch (IOException e) {
      throw new FcdsException(ErrorCode.OOD_FIT, "cannot write the statistics — " + file, e);
    }
  }

  /** Reads statistics written by {@link #write}; unreadable or inconsistent ones are 5601. */
  public static Mahalanobis read(Path file) {
    Mahalanobis m;
    try {
      m = JSON.readValue(Files.readAllBytes(file), Mahalanobis.class);
    } catch (IOException e) {
      throw new FcdsException(
          ErrorCode.OOD_STATISTICS_INVALID, "statistics unreadable — " + file + ": " + e, e);
    }
    int p = m.mean() == null ? 0 : m.mean().length;
    if (p == 0
        || m.precision() == null
        || m.precision().length != p
        || Arrays.stream(m.precision()).anyMatch(r -> r == null || r.length != p)) {
      throw new FcdsException(
          ErrorCode.OOD_STATISTICS_INVALID,
          "statistics need a mean and a square precision of the same size — " + file);
    }
    return m;
  }
}
