package org.fusioncds.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AurocTest {

  @Test
  void countsTiedPairsAsHalf() {
    // positives 0.4 and 0.8; negatives 0.1 and 0.4. Pairs (pos, neg):
    // (0.4, 0.1) = 1, (0.4, 0.4) = 0.5, (0.8, 0.1) = 1, (0.8, 0.4) = 1 -> 3.5 / 4
    double[] scores = {0.1, 0.4, 0.4, 0.8};
    int[] labels = {0, 0, 1, 1};

    assertEquals(3.5 / 4, Auroc.of(scores, labels), 1e-12);
  }

  @Test
  void givesOneHalfWhenEveryScoreIsTied() {
    double[] scores = {0.3, 0.3, 0.3, 0.3, 0.3};
    int[] labels = {1, 0, 0, 1, 0};

    assertEquals(0.5, Auroc.of(scores, labels), 1e-12);
  }

  @Test
  void handComputedUnevenExample() {
    // positives 0.9, 0.35, 0.7; negatives 0.1, 0.35, 0.8.
    // 0.9 beats all 3 -> 3; 0.35 beats 0.1, ties 0.35 -> 1.5; 0.7 beats 0.1 and 0.35 -> 2.
    // (3 + 1.5 + 2) / 9
    double[] scores = {0.9, 0.1, 0.35, 0.35, 0.8, 0.7};
    int[] labels = {1, 0, 1, 0, 0, 1};

    assertEquals(6.5 / 9, Auroc.of(scores, labels), 1e-12);
  }

  @Test
  void perfectClassifierScoresOneAndInvertedScoresZero() {
    double[] scores = {0.05, 0.2, 0.3, 0.6, 0.7, 0.95};
    int[] labels = {0, 0, 0, 1, 1, 1};
    int[] inverted = {1, 1, 1, 0, 0, 0};

    assertEquals(1.0, Auroc.of(scores, labels), 0.0);
    assertEquals(0.0, Auroc.of(scores, inverted), 0.0);
  }

  @Test
  void isUndefinedWhenAClassIsEmpty() {
    double[] scores = {0.2, 0.4, 0.9};

    assertTrue(Double.isNaN(Auroc.of(scores, new int[] {1, 1, 1})));
    assertTrue(Double.isNaN(Auroc.of(scores, new int[] {0, 0, 0})));
  }

  @Test
  void agreesWithPairwiseCountOnSeededRandomData() {
    Random random = new Random(42);
    for (int trial = 0; trial < 5; trial++) {
      int n = 500;
      int[] labels = IntStream.range(0, n).map(i -> random.nextDouble() < 0.3 ? 1 : 0).toArray();
      // rounded to two decimals so that many scores tie
      double[] scores =
          IntStream.range(0, n)
              .mapToDouble(i -> Math.round((0.4 * labels[i] + random.nextDouble()) * 100) / 100.0)
              .toArray();

      double expected = pairwise(scores, labels);

      assertEquals(expected, Auroc.of(scores, labels), 1e-12);
      int[] all = IntStream.range(0, n).toArray();
      assertEquals(expected, RankedScores.of(all, scores, labels).auroc(), 1e-12);
    }
  }

  @Test
  void weightedSweepEqualsPairwiseCountOnTheExpandedResample() {
    Random random = new Random(7);
    int n = 300;
    int[] labels = IntStream.range(0, n).map(i -> random.nextDouble() < 0.4 ? 1 : 0).toArray();
    // coarse scores so that positives and negatives tie often
    double[] scores =
        IntStream.range(0, n)
            .mapToDouble(i -> Math.min(19, random.nextInt(20) + 3 * labels[i]) / 20.0)
            .toArray();
    int[] counts = IntStream.range(0, n).map(i -> random.nextInt(4)).toArray();

    int[] expandedIndex =
        IntStream.range(0, n).flatMap(i -> IntStream.generate(() -> i).limit(counts[i])).toArray();
    double[] expandedScores = Arrays.stream(expandedIndex).mapToDouble(i -> scores[i]).toArray();
    int[] expandedLabels = Arrays.stream(expandedIndex).map(i -> labels[i]).toArray();
    double weighted =
        RankedScores.of(IntStream.range(0, n).toArray(), scores, labels).auroc(counts);

    assertEquals(pairwise(expandedScores, expandedLabels), weighted, 1e-12);
  }

  /** The definition, O(n²): share of (positive, negative) pairs ordered right, ties ½. */
  private static double pairwise(double[] scores, int[] labels) {
    double wins = 0;
    long pairs = 0;
    for (int i = 0; i < scores.length; i++) {
      for (int j = 0; j < scores.length; j++) {
        if (labels[i] == 1 && labels[j] == 0) {
          pairs++;
          wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
        }
      }
    }
    return wins / pairs;
  }
}
