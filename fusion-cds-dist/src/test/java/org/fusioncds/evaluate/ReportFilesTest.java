package org.fusioncds.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes one evaluation into target/evaluation-example (kept, so the charts can be looked at). */
class ReportFilesTest {

  private static final Path OUT = Path.of("target", "evaluation-example");
  private static EvaluationReport report;
  private static JsonNode json;

  @BeforeAll
  static void writeReport() throws IOException {
    List<Prediction> patients = SyntheticCohort.generate(1000, 0.3, 0.2, 0.15, 31);
    report = Evaluation.evaluate("synthetic-fusion-v1", patients, EvaluationSettings.defaults());
    report.writeTo(OUT);
    json = new ObjectMapper().readTree(OUT.resolve("metrics.json").toFile());
  }

  @Test
  void metricsJsonHasTheDocumentedFields() {
    for (String field :
        List.of(
            "model",
            "n",
            "prevalence",
            "auroc",
            "auroc_ci95",
            "n_per_variant",
            "accuracy",
            "sensitivity",
            "specificity",
            "f1",
            "threshold",
            "ece",
            "brier",
            "reliability",
            "missing_modality",
            "paired_difference",
            "bootstrap",
            "notes")) {
      assertTrue(json.has(field), "missing " + field);
    }
    for (String variant : List.of("fused", "image_only", "tabular_only", "late_fusion")) {
      assertTrue(json.get("auroc").get(variant).isNumber(), variant);
      assertEquals(2, json.get("auroc_ci95").get(variant).size(), variant);
    }
    assertTrue(json.at("/missing_modality/no_image/auroc_ci95").isArray());
    assertTrue(json.at("/missing_modality/no_labs/n").isInt());
    assertTrue(json.at("/paired_difference/fused_minus_late_fusion/ci95").isArray());
  }

  @Test
  void metricsJsonCarriesTheReportsValues() {
    assertEquals("synthetic-fusion-v1", json.get("model").asText());
    assertEquals(report.n(), json.get("n").asInt());
    assertEquals(report.primary().auroc(), json.at("/auroc/fused").asDouble(), 0.0);
    assertEquals(
        report.primary().auroc95().lower(), json.at("/auroc_ci95/fused/0").asDouble(), 0.0);
    assertEquals(report.atThreshold().f1(), json.get("f1").asDouble(), 0.0);
    assertEquals(report.primary().calibration().ece(), json.get("ece").asDouble(), 0.0);
    assertEquals(
        report.primary().eceIfCalibrated().median(), json.get("ece_if_calibrated").asDouble(), 0.0);
    assertEquals(2, json.get("ece_if_calibrated_range95").size());
    for (VariantMetrics m : report.variants().values()) {
      assertEquals(
          m.eceIfCalibrated().median(),
          json.at("/calibration_per_variant/" + m.variant() + "/ece_if_calibrated").asDouble(),
          0.0);
    }
    assertEquals(report.subsets().get(0).n(), json.at("/missing_modality/no_image/n").asInt());
    long binned = 0;
    for (JsonNode bin : json.get("reliability")) {
      binned += bin.get("count").asLong();
    }
    assertEquals(report.primary().n(), binned);
  }

  @Test
  void chartsAreReadable800By600Images() throws IOException {
    for (String name : List.of("roc.png", "calibration.png")) {
      BufferedImage image = ImageIO.read(OUT.resolve(name).toFile());

      assertNotNull(image, name);
      assertEquals(800, image.getWidth(), name);
      assertEquals(600, image.getHeight(), name);
      assertTrue(greyVariance(image) > 100, name + " looks blank");
      assertTrue(
          pixelsOf(image, Charts.colour(0).getRGB()) > 200, name + " lacks the primary curve");
    }
  }

  @Test
  void writesNullsWithNotesAndChartsWhenAVariantIsDegenerate(@TempDir Path dir) throws IOException {
    List<Prediction> patients = new ArrayList<>(SyntheticCohort.generate(200, 0.3, 0, 0, 32));
    // image_only kept only for negatives; late_fusion removed from everyone
    patients.replaceAll(
        p ->
            keep(
                p,
                p.label() == 0
                    ? Set.of("fused", "image_only", "tabular_only")
                    : Set.of("fused", "tabular_only")));

    Evaluation.evaluate("degenerate", patients, EvaluationSettings.defaults().withBootstrap(100, 1))
        .writeTo(dir);
    JsonNode degenerate = new ObjectMapper().readTree(dir.resolve("metrics.json").toFile());

    assertTrue(degenerate.at("/auroc/image_only").isNull());
    assertTrue(degenerate.at("/auroc/late_fusion").isNull());
    assertTrue(degenerate.at("/auroc_ci95/late_fusion").isNull());
    assertEquals(0, degenerate.at("/n_per_variant/late_fusion").asInt());
    assertTrue(degenerate.at("/paired_difference/fused_minus_image_only/auroc").isNull());
    String notes = degenerate.get("notes").toString();
    assertTrue(notes.contains("auroc.image_only: null"), notes);
    assertTrue(notes.contains("auroc.late_fusion: null"), notes);
    assertEquals(800, ImageIO.read(dir.resolve("roc.png").toFile()).getWidth());
    assertEquals(600, ImageIO.read(dir.resolve("calibration.png").toFile()).getHeight());
  }

  private static Prediction keep(Prediction p, Set<String> variants) {
    Map<String, Double> scores = new HashMap<>(p.scores());
    scores.keySet().retainAll(variants);
    return new Prediction(p.patientId(), p.label(), scores, p.missing());
  }

  private static double greyVariance(BufferedImage image) {
    double sum = 0;
    double squares = 0;
    int n = image.getWidth() * image.getHeight();
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        double grey = ((rgb >> 16 & 255) + (rgb >> 8 & 255) + (rgb & 255)) / 3.0;
        sum += grey;
        squares += grey * grey;
      }
    }
    return squares / n - Math.pow(sum / n, 2);
  }

  private static long pixelsOf(BufferedImage image, int rgb) {
    long count = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        count += (image.getRGB(x, y) & 0xFFFFFF) == (rgb & 0xFFFFFF) ? 1 : 0;
      }
    }
    return count;
  }
}
