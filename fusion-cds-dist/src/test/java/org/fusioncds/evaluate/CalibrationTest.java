package org.fusioncds.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CalibrationTest {

  @Test
  void handComputedTwoBinTable() {
    // bin [0, .5): p .2 .4, y 0 1 -> mean p .3, rate .5; bin [.5, 1]: p .6 1.0, y 1 1 -> .8, 1
    // ECE = 2/4·|.3 − .5| + 2/4·|.8 − 1| = .1 + .1; Brier = (.04 + .36 + .16 + 0) / 4
    double[] p = {0.2, 0.4, 0.6, 1.0};
    int[] y = {0, 1, 1, 1};

    Calibration c = Calibration.of(p, y, 2);

    assertEquals(0.2, c.ece(), 1e-12);
    assertEquals(0.56 / 4, c.brier(), 1e-12);
    assertEquals(2, c.bins().get(1).count());
    assertEquals(0.8, c.bins().get(1).meanPredicted(), 1e-12);
    assertEquals(1.0, c.bins().get(1).observedRate(), 1e-12);
    assertEquals(0.5, c.bins().get(1).lower(), 0.0);
  }

  @Test
  void emptyBinHasNoMeanAndAddsNothing() {
    Calibration c = Calibration.of(new double[] {0.05, 0.95}, new int[] {0, 1}, 10);

    assertTrue(Double.isNaN(c.bins().get(5).meanPredicted()));
    assertEquals(0, c.bins().get(5).count());
    assertEquals(0.05, c.ece(), 1e-12);
  }

  @Test
  void perfectlyCalibratedScoresHaveSmallEce() {
    Random random = new Random(11);
    int n = 20000;
    double[] p = IntStream.range(0, n).mapToDouble(i -> random.nextDouble()).toArray();
    int[] y = IntStream.range(0, n).map(i -> random.nextDouble() < p[i] ? 1 : 0).toArray();

    Calibration c = Calibration.of(p, y, 10);

    assertTrue(c.ece() < 0.03, "ECE " + c.ece());
  }

  @Test
  void overconfidentScoresHaveLargeEce() {
    Random random = new Random(12);
    int n = 20000;
    double[] p = IntStream.range(0, n).mapToDouble(i -> random.nextDouble()).toArray();
    int[] y = IntStream.range(0, n).map(i -> random.nextDouble() < p[i] ? 1 : 0).toArray();
    // the same information, logit multiplied by 4: pushed towards 0 and 1
    double[] overconfident =
        IntStream.range(0, n)
            .mapToDouble(i -> SyntheticCohort.sigmoid(4 * Math.log(p[i] / (1 - p[i]))))
            .toArray();

    Calibration honest = Calibration.of(p, y, 10);
    Calibration c = Calibration.of(overconfident, y, 10);

    assertTrue(c.ece() > 0.15, "ECE " + c.ece());
    assertTrue(c.brier() > honest.brier(), "Brier " + c.brier() + " vs " + honest.brier());
  }
}
