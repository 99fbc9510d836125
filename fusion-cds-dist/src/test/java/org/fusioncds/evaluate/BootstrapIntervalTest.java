package org.fusioncds.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BootstrapIntervalTest {

  private static final EvaluationSettings SETTINGS =
      EvaluationSettings.defaults().withBootstrap(500, 99);

  @Test
  void intervalContainsThePointEstimate() {
    List<Prediction> patients = SyntheticCohort.generate(400, 0.3, 0.2, 0.15, 1);

    EvaluationReport report = Evaluation.evaluate("m", patients, SETTINGS);

    for (VariantMetrics m : report.variants().values()) {
      assertTrue(
          m.auroc95().contains(m.auroc()), m.variant() + " " + m.auroc() + " " + m.auroc95());
      assertEquals(500, m.auroc95().validResamples());
    }
    for (PairedDifference d : report.paired()) {
      assertTrue(d.difference95().contains(d.difference()), d.name() + " " + d.difference95());
    }
  }

  @Test
  void sameSeedGivesSameIntervalsAndAnotherSeedDiffers() {
    List<Prediction> patients = SyntheticCohort.generate(300, 0.3, 0.2, 0.15, 2);

    EvaluationReport first = Evaluation.evaluate("m", patients, SETTINGS);
    EvaluationReport again = Evaluation.evaluate("m", patients, SETTINGS);
    EvaluationReport other = Evaluation.evaluate("m", patients, SETTINGS.withBootstrap(500, 100));

    assertEquals(first.primary().auroc95(), again.primary().auroc95());
    assertEquals(first.paired(), again.paired());
    assertEquals(first.subsets().get(0).auroc95(), again.subsets().get(0).auroc95());
    assertNotEquals(first.primary().auroc95(), other.primary().auroc95());
  }

  @Test
  void intervalNarrowsAsPatientsIncrease() {
    EvaluationReport small =
        Evaluation.evaluate("m", SyntheticCohort.generate(200, 0.3, 0, 0, 3), SETTINGS);
    EvaluationReport large =
        Evaluation.evaluate("m", SyntheticCohort.generate(3200, 0.3, 0, 0, 3), SETTINGS);

    double ratio = large.primary().auroc95().width() / small.primary().auroc95().width();

    // the standard error shrinks as 1/sqrt(n): 16 times the patients, about a quarter the width
    assertTrue(ratio > 0.15 && ratio < 0.4, "width ratio " + ratio);
  }

  @Test
  void pairedDifferenceUsesOnlyPatientsWithBothVariantsAndFindsTheBetterModel() {
    List<Prediction> patients = SyntheticCohort.generate(2000, 0.3, 0.25, 0.1, 4);
    long withImage = patients.stream().filter(p -> p.has("image_only")).count();

    EvaluationReport report = Evaluation.evaluate("m", patients, SETTINGS);
    PairedDifference vsImage = report.paired().get(0);

    assertEquals("fused_minus_image_only", vsImage.name());
    assertEquals(withImage, vsImage.n());
    // fused adds the lab evidence to the image evidence: it must be better, with a CI above 0
    assertTrue(vsImage.difference95().lower() > 0, "CI " + vsImage.difference95());
  }

  @Test
  void pairedIntervalIsNarrowerThanTheUnpairedSpread() {
    List<Prediction> patients = SyntheticCohort.generate(1000, 0.3, 0, 0, 5);

    EvaluationReport report = Evaluation.evaluate("m", patients, SETTINGS);
    PairedDifference vsLate = report.paired().get(2);
    double unpaired =
        Math.hypot(
            report.primary().auroc95().width(),
            report.variants().get("late_fusion").auroc95().width());

    // scores of the same patients are correlated; pairing removes that shared variance
    assertTrue(vsLate.difference95().width() < unpaired, vsLate.difference95() + " vs " + unpaired);
  }

  @Test
  void quantileInterpolatesBetweenOrderStatistics() {
    double[] sorted = {1, 2, 3, 4, 5};

    assertEquals(2.0, Bootstrap.quantile(sorted, 0.25), 1e-12);
    assertEquals(4.6, Bootstrap.quantile(sorted, 0.9), 1e-12);
    assertEquals(5.0, Bootstrap.quantile(sorted, 1.0), 1e-12);
  }
}
