package org.fusioncds.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Per-seed metrics agree with the single-cohort classes and carry intervals around them. */
class SeedMetricsTest {

  private static List<Prediction> cohort(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Prediction> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int y = r.nextDouble() < 0.3 ? 1 : 0;
      double good = Math.min(1, Math.max(0, 0.3 + 0.3 * y + 0.6 * (r.nextDouble() - 0.5)));
      double weak = Math.min(1, Math.max(0, 0.35 + 0.08 * y + 0.4 * (r.nextDouble() - 0.5)));
      out.add(new Prediction("p" + i, y, Map.of("fused", good, "image_only", weak), Set.of()));
    }
    return out;
  }

  @Test
  void pointValuesAreThoseOfTheConfusionMatrixAurocAndCalibration() {
    List<Prediction> p = cohort(7, 300);
    double[] scores = p.stream().mapToDouble(x -> x.scores().get("fused")).toArray();
    int[] labels = p.stream().mapToInt(Prediction::label).toArray();

    SeedMetrics m = SeedMetrics.of(401, p, List.of("fused", "image_only"), 0.5, 300, 1L, 10);

    ConfusionMatrix c = ConfusionMatrix.at(0.5, scores, labels);
    assertEquals(Auroc.of(scores, labels), m.value("fused", "auroc"), 1e-12);
    assertEquals(c.accuracy(), m.value("fused", "accuracy"), 1e-12);
    assertEquals(c.sensitivity(), m.value("fused", "recall"), 1e-12);
    assertEquals(c.specificity(), m.value("fused", "specificity"), 1e-12);
    assertEquals(c.f1(), m.value("fused", "f1"), 1e-12);
    assertEquals(Calibration.of(scores, labels, 10).ece(), m.value("fused", "ece"), 1e-12);
    assertEquals(300, m.n());
  }

  @Test
  void everyMetricHasAnIntervalAroundItsValue() {
    SeedMetrics m =
        SeedMetrics.of(401, cohort(8, 400), List.of("fused", "image_only"), 0.5, 500, 2L, 10);

    for (String v : List.of("fused", "image_only")) {
      for (String metric : SeedMetrics.METRICS) {
        SeedMetrics.Estimate e = m.variants().get(v).get(metric);
        assertTrue(e.lower() < e.upper(), v + " " + metric + " " + e);
        assertTrue(
            e.lower() - 0.02 <= e.value() && e.value() <= e.upper() + 0.02,
            v + " " + metric + " " + e);
      }
    }
    assertTrue(m.value("fused", "auroc") > m.value("image_only", "auroc"));
  }

  @Test
  void theReportJudgesTargetsOnMedianAndWorstSeed() {
    List<SeedMetrics> seeds = new ArrayList<>();
    for (long s = 1; s <= 3; s++) {
      seeds.add(SeedMetrics.of(s, cohort(s, 300), List.of("fused", "image_only"), 0.5, 50, 3L, 10));
    }
    SeedReport r =
        new SeedReport(
            300,
            50,
            List.of(101L),
            Map.of("m", seeds),
            Map.of("m", List.of("image_only")),
            Map.of());

    List<SeedReport.Target> t = r.targets();

    double[] d =
        seeds.stream()
            .mapToDouble(x -> x.value("fused", "auroc") - x.value("image_only", "auroc"))
            .sorted()
            .toArray();
    assertEquals("median fused − image_only AUROC", t.get(0).what());
    assertEquals(d[1], t.get(0).value(), 1e-12);
    assertEquals(d[0], t.get(1).value(), 1e-12);
    assertTrue(t.get(0).met(), "a strong and a weak scorer differ by more than 0.05");
    assertTrue(SeedChart.svg(r).contains("m · image_only"));
  }
}
