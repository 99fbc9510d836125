package org.fusioncds.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fusioncds.error.FcdsException;
import org.junit.jupiter.api.Test;

class EvaluationTest {

  private static final EvaluationSettings SETTINGS =
      EvaluationSettings.defaults().withBootstrap(200, 5);

  @Test
  void countsMissingModalitySubsetsAndExcludedPatients() {
    List<Prediction> patients = SyntheticCohort.generate(600, 0.3, 0.2, 0.15, 21);
    long noImage = patients.stream().filter(p -> p.missing().contains("image")).count();
    long noLabs = patients.stream().filter(p -> p.missing().contains("labs")).count();
    long noImagePositives =
        patients.stream().filter(p -> p.missing().contains("image") && p.label() == 1).count();

    EvaluationReport report = Evaluation.evaluate("m", patients, SETTINGS);

    SubsetMetrics imageSubset = report.subsets().get(0);
    assertEquals("no_image", imageSubset.name());
    assertEquals(noImage, imageSubset.n());
    assertEquals(noImagePositives, imageSubset.positives());
    assertEquals(noLabs, report.subsets().get(1).n());
    assertEquals(noImage, report.variants().get("image_only").excluded());
    assertEquals(600 - noImage, report.variants().get("image_only").n());
    assertFalse(imageSubset.aurocPerVariant().containsKey("image_only"));
    assertTrue(imageSubset.auroc95().contains(imageSubset.auroc()));
  }

  @Test
  void subsetAurocIsTheAurocOfThoseScoresAlone() {
    List<Prediction> patients = SyntheticCohort.generate(500, 0.3, 0.3, 0, 22);
    List<Prediction> lacking =
        patients.stream().filter(p -> p.missing().contains("image")).toList();
    double[] scores = lacking.stream().mapToDouble(p -> p.scores().get("fused")).toArray();
    int[] labels = lacking.stream().mapToInt(Prediction::label).toArray();

    EvaluationReport report = Evaluation.evaluate("m", patients, SETTINGS);

    assertEquals(Auroc.of(scores, labels), report.subsets().get(0).auroc(), 1e-12);
  }

  @Test
  void thresholdMetricsDescribeThePrimaryVariant() {
    List<Prediction> patients = SyntheticCohort.generate(300, 0.4, 0.1, 0.1, 23);
    double[] fused = patients.stream().mapToDouble(p -> p.scores().get("fused")).toArray();
    int[] labels = patients.stream().mapToInt(Prediction::label).toArray();

    EvaluationReport report = Evaluation.evaluate("m", patients, SETTINGS);

    assertEquals(ConfusionMatrix.at(0.5, fused, labels), report.atThreshold());
    assertEquals(Calibration.of(fused, labels, 10), report.primary().calibration());
  }

  @Test
  void variantWithASingleClassHasNoAurocAndANote() {
    List<Prediction> patients = new ArrayList<>(SyntheticCohort.generate(100, 0.3, 0, 0, 24));
    patients.replaceAll(p -> p.label() == 1 ? without(p, "image_only") : p);

    EvaluationReport report = Evaluation.evaluate("m", patients, SETTINGS);

    assertTrue(Double.isNaN(report.variants().get("image_only").auroc()));
    assertTrue(
        report.notes().stream().anyMatch(n -> n.startsWith("auroc.image_only: null")),
        report.notes().toString());
  }

  @Test
  void reportsEachResampleOfTheWholeCohort() {
    java.util.concurrent.atomic.AtomicInteger resamples =
        new java.util.concurrent.atomic.AtomicInteger();

    Evaluation.evaluate(
        "m",
        SyntheticCohort.generate(100, 0.3, 0.2, 0.2, 25),
        SETTINGS,
        resamples::incrementAndGet);

    assertEquals(SETTINGS.bootstrapResamples(), resamples.get());
  }

  @Test
  void pairedDifferenceComparesBothVariantsOnTheSamePatients() {
    List<Prediction> patients = SyntheticCohort.generate(400, 0.3, 0.2, 0.2, 26);
    List<Prediction> both = patients.stream().filter(p -> p.has("late_fusion")).toList();
    int[] labels = both.stream().mapToInt(Prediction::label).toArray();
    double[] late = both.stream().mapToDouble(p -> p.scores().get("late_fusion")).toArray();
    double[] fused = both.stream().mapToDouble(p -> p.scores().get("fused")).toArray();

    EvaluationReport report = Evaluation.evaluate("m", patients, SETTINGS);
    PairedDifference d = report.paired().get(2);

    assertEquals(Auroc.of(fused, labels), d.primaryAuroc(), 1e-12);
    assertEquals(Auroc.of(late, labels), d.otherAuroc(), 1e-12);
    assertTrue(report.notes().stream().anyMatch(n -> n.contains("different populations")));
  }

  @Test
  void refusesLabelOtherThanZeroOrOne() {
    List<Prediction> patients = List.of(new Prediction("a", 2, Map.of("fused", 0.4), Set.of()));

    FcdsException e =
        assertThrows(FcdsException.class, () -> Evaluation.evaluate("m", patients, SETTINGS));

    assertEquals(8500, e.code());
    assertTrue(e.getMessage().contains("prediction #0"), e.getMessage());
  }

  @Test
  void refusesScoreOutsideZeroToOne() {
    List<Prediction> patients =
        List.of(
            new Prediction("a", 1, Map.of("fused", 0.4), Set.of()),
            new Prediction("b", 0, Map.of("fused", Double.NaN), Set.of()));

    FcdsException e =
        assertThrows(FcdsException.class, () -> Evaluation.evaluate("m", patients, SETTINGS));

    assertEquals(8501, e.code());
  }

  @Test
  void refusesPatientTwiceWithoutNamingIt() {
    List<Prediction> patients =
        List.of(
            new Prediction("MRN-123", 1, Map.of("fused", 0.4), Set.of()),
            new Prediction("MRN-123", 0, Map.of("fused", 0.1), Set.of()));

    FcdsException e =
        assertThrows(FcdsException.class, () -> Evaluation.evaluate("m", patients, SETTINGS));

    assertEquals(8502, e.code());
    assertFalse(e.getMessage().contains("MRN-123"));
  }

  @Test
  void refusesEmptyListAndMissingPrimaryAndBadSettings() {
    List<Prediction> noFused = List.of(new Prediction("a", 1, Map.of("image_only", 0.4), Set.of()));

    assertEquals(
        8503,
        assertThrows(FcdsException.class, () -> Evaluation.evaluate("m", List.of(), SETTINGS))
            .code());
    assertEquals(
        8505,
        assertThrows(FcdsException.class, () -> Evaluation.evaluate("m", noFused, SETTINGS))
            .code());
    assertEquals(
        8504, assertThrows(FcdsException.class, () -> SETTINGS.withBootstrap(0, 1)).code());
  }

  private static Prediction without(Prediction p, String variant) {
    Map<String, Double> scores = new java.util.HashMap<>(p.scores());
    scores.remove(variant);
    return new Prediction(p.patientId(), p.label(), scores, p.missing());
  }
}
