package org.fusioncds.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.fusioncds.error.FcdsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The out-of-distribution statistics against an independent oracle: scikit-learn 1.2's {@code
 * ledoit_wolf} and numpy's inverse on the same 40 × 5 matrix (values computed once with
 * /usr/bin/python3, quoted below).
 */
class MahalanobisTest {

  /** x_ij = sin(0.7 i + 1.3 j) + 0.1 j cos(i). */
  private static double[][] data() {
    double[][] x = new double[40][5];
    for (int i = 0; i < 40; i++) {
      for (int j = 0; j < 5; j++) {
        x[i][j] = Math.sin(0.7 * i + 1.3 * j) + 0.1 * j * Math.cos(i);
      }
    }
    return x;
  }

  @Test
  void shrinkageAndDistanceAgreeWithScikitLearnsLedoitWolf() {
    Mahalanobis m = Mahalanobis.fit(data());

    // sklearn.covariance.ledoit_wolf(X) → shrinkage 0.05510729624341336;
    // sqrt(d @ inv(cov) @ d) for x = [1, -0.5, 0.25, 2, 0] → 11.011106451156344
    assertEquals(0.05510729624341336, m.shrinkage(), 1e-9);
    assertEquals(11.011106451156344, m.distance(new float[] {1f, -0.5f, 0.25f, 2f, 0f}), 1e-5);
    assertEquals(40, m.samples());
  }

  @Test
  void theTrainingMeanIsAtDistanceZeroAndFartherPointsAreFarther() {
    double[][] x = data();
    Mahalanobis m = Mahalanobis.fit(x);
    float[] mean = new float[5];
    for (int j = 0; j < 5; j++) {
      mean[j] = (float) m.mean()[j];
    }
    float[] far = mean.clone();
    far[0] += 3;

    assertEquals(0, m.distance(mean), 1e-6);
    assertTrue(
        m.distance(far)
            > 2 * m.distance(new float[] {mean[0] + 1, mean[1], mean[2], mean[3], mean[4]}) - 1e-6);
  }

  @Test
  void aConstantUnitStillGivesAnInvertibleCovariance() {
    double[][] x = data();
    for (double[] row : x) {
      row[4] = 0; // a dead ReLU unit
    }
    Mahalanobis m = Mahalanobis.fit(x);

    assertTrue(m.shrinkage() > 0);
    assertTrue(Double.isFinite(m.distance(new float[] {0, 0, 0, 0, 1})));
  }

  @Test
  void statisticsSurviveTheirJsonFile(@TempDir Path tmp) {
    Mahalanobis m = Mahalanobis.fit(data());
    Path file = tmp.resolve("ood-statistics.json");
    m.write(file);

    Mahalanobis back = Mahalanobis.read(file);

    float[] x = {1f, -0.5f, 0.25f, 2f, 0f};
    assertEquals(m.distance(x), back.distance(x), 1e-12);
  }

  @Test
  void unusableStatisticsAndEmbeddingsAreCodedErrors(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("bad.json");
    Files.writeString(file, "{\"mean\":[1,2],\"precision\":[[1]],\"shrinkage\":0,\"samples\":2}");
    Mahalanobis m = Mahalanobis.fit(data());

    FcdsException bad = assertThrows(FcdsException.class, () -> Mahalanobis.read(file));
    FcdsException size = assertThrows(FcdsException.class, () -> m.distance(new float[3]));
    FcdsException few =
        assertThrows(FcdsException.class, () -> Mahalanobis.fit(new double[][] {{1, 2}}));

    assertTrue(bad.getMessage().startsWith("FCDS-5601: "), bad.getMessage());
    assertEquals("FCDS-5601: embedding has 3 values, the statistics 5", size.getMessage());
    assertTrue(few.getMessage().startsWith("FCDS-5602: "), few.getMessage());
  }
}
