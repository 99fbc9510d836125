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

  private static double[] spread(long seed, int n) {
    Random random = new Random(seed);
    return IntStream.range(0, n).mapToDouble(i -> random.nextDouble()).toArray();
  }

  private static int[] drawn(long seed, double[] p) {
    Random random = new Random(seed);
    return IntStream.range(0, p.length).map(i -> random.nextDouble() < p[i] ? 1 : 0).toArray();
  }

  @Test
  void theEceOfCalibratedScoresFallsInsideTheirIfCalibratedRangeAndThatRangeNarrowsWithTheCohort() {
    double[] small = spread(21, 300);
    double[] large = spread(22, 3000);

    Calibration.IfCalibrated atSmall = Calibration.ifCalibrated(small, 10, 5L, 0.95);
    Calibration.IfCalibrated atLarge = Calibration.ifCalibrated(large, 10, 5L, 0.95);

    // labels drawn from the scores themselves: calibrated, so sampling alone makes their ECE
    double ece = Calibration.of(small, drawn(23, small), 10).ece();
    assertTrue(atSmall.lower() <= ece && ece <= atSmall.upper(), ece + " " + atSmall);
    assertTrue(atSmall.lower() < atSmall.median() && atSmall.median() < atSmall.upper());
    // the expected ECE of a calibrated model shrinks as 1/sqrt(n): at 300 spread-out patients
    // about 0.8 · Σ_b sqrt(n_b p_b (1 − p_b)) / n ≈ 0.06, ten times as many about a third of that
    assertTrue(atSmall.median() > 0.04 && atSmall.median() < 0.08, atSmall.toString());
    assertTrue(atLarge.median() < atSmall.median() / 2.5, atLarge + " vs " + atSmall);
    assertEquals(
        atSmall, Calibration.ifCalibrated(small, 10, 5L, 0.95), "seeded: the same figures");
  }

  @Test
  void anOverconfidentModelsEceLiesAboveItsIfCalibratedRange() {
    double[] p = spread(31, 1000);
    int[] y = drawn(32, p);
    double[] overconfident =
        IntStream.range(0, p.length)
            .mapToDouble(i -> SyntheticCohort.sigmoid(2.5 * Math.log(p[i] / (1 - p[i]))))
            .toArray();

    double ece = Calibration.of(overconfident, y, 10).ece();
    Calibration.IfCalibrated yardstick = Calibration.ifCalibrated(overconfident, 10, 5L, 0.95);

    assertTrue(ece > yardstick.upper(), ece + " " + yardstick);
  }

  @Test
  void noScoresHaveNoYardstick() {
    assertTrue(Double.isNaN(Calibration.ifCalibrated(new double[0], 10, 1L, 0.95).median()));
  }
}
