package org.fusioncds.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {

  @Test
  void derivesMetricsFromHandCountedMatrix() {
    // threshold 0.5: positives 0.9 0.7 0.5 | 0.4 0.1 -> TP 3, FN 2
    //                negatives 0.6 | 0.45 0.3 0.2 0.0 -> FP 1, TN 4
    double[] scores = {0.9, 0.7, 0.5, 0.4, 0.1, 0.6, 0.45, 0.3, 0.2, 0.0};
    int[] labels = {1, 1, 1, 1, 1, 0, 0, 0, 0, 0};

    ConfusionMatrix m = ConfusionMatrix.at(0.5, scores, labels);

    assertEquals(3, m.truePositives());
    assertEquals(2, m.falseNegatives());
    assertEquals(1, m.falsePositives());
    assertEquals(4, m.trueNegatives());
    assertEquals(7.0 / 10, m.accuracy(), 1e-12);
    assertEquals(3.0 / 5, m.sensitivity(), 1e-12);
    assertEquals(4.0 / 5, m.specificity(), 1e-12);
    assertEquals(3.0 / 4, m.precision(), 1e-12);
    // F1 = 2PR/(P+R) = 2·0.75·0.6/1.35
    assertEquals(2 * 0.75 * 0.6 / 1.35, m.f1(), 1e-12);
  }

  @Test
  void scoreEqualToThresholdPredictsTheOutcome() {
    ConfusionMatrix m = ConfusionMatrix.at(0.3, new double[] {0.3}, new int[] {0});

    assertEquals(1, m.falsePositives());
  }

  @Test
  void sensitivityIsUndefinedWithoutPositives() {
    ConfusionMatrix m = ConfusionMatrix.at(0.5, new double[] {0.2, 0.8}, new int[] {0, 0});

    assertTrue(Double.isNaN(m.sensitivity()));
    assertEquals(0.5, m.specificity(), 1e-12);
  }
}
