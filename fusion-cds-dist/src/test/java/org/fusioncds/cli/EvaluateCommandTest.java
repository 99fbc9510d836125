package org.fusioncds.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cohort} then {@code evaluate} with the committed demo model, as a user runs them (a small
 * cohort: the N = 1000 run is the benchmark in the model card, not a test).
 */
class EvaluateCommandTest {

  @Test
  void evaluatesEveryStrategyOnAGeneratedCohortAndWritesMetricsAndCharts(@TempDir Path tmp)
      throws Exception {
    Path cohort = tmp.resolve("cohort");
    Path out = tmp.resolve("eval");
    assertEquals(
        0, run("cohort", "--patients", "120", "--seed", "9090", "--out", cohort.toString()));

    int exit =
        run(
            "evaluate",
            "--cohort",
            cohort.toString(),
            "--model",
            "cap-fusion",
            "--out",
            out.toString(),
            "--bootstrap",
            "200");

    assertEquals(0, exit);
    JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
    assertEquals("cap-fusion", m.path("model").asText());
    assertEquals(120, m.path("n").asInt());
    for (String v : new String[] {"fused", "image_only", "tabular_only", "late_fusion"}) {
      double auroc = m.path("auroc").path(v).asDouble(-1);
      assertTrue(auroc >= 0 && auroc <= 1, v + " " + auroc);
      assertEquals(120, m.path("n_per_variant").path(v).asInt(), v + " scored every patient");
      JsonNode ci = m.path("auroc_ci95").path(v);
      assertTrue(ci.get(0).asDouble() <= auroc && auroc <= ci.get(1).asDouble(), v);
    }
    assertTrue(m.path("auroc").path("fused").asDouble() > 0.6, "the model separates the classes");
    assertTrue(m.has("ece") && m.has("sensitivity") && m.has("specificity") && m.has("f1"));
    assertTrue(m.path("missing_modality").path("no_image").path("n").asInt() > 0);
    BufferedImage roc = ImageIO.read(out.resolve("roc.png").toFile());
    BufferedImage calibration = ImageIO.read(out.resolve("calibration.png").toFile());
    assertEquals(800, roc.getWidth());
    assertEquals(800, calibration.getWidth());
  }

  @Test
  void evaluatesTheClassicalStrategiesOfTheirCardBesideEachOther(@TempDir Path tmp)
      throws Exception {
    Path cohort = tmp.resolve("cohort");
    Path out = tmp.resolve("eval");
    assertEquals(
        0, run("cohort", "--patients", "120", "--seed", "9191", "--out", cohort.toString()));

    int exit =
        run(
            "evaluate",
            "--cohort",
            cohort.toString(),
            "--model",
            "cap-classic",
            "--out",
            out.toString(),
            "--bootstrap",
            "200");

    assertEquals(0, exit);
    JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
    assertEquals("cap-classic", m.path("model").asText());
    for (String v :
        new String[] {"fused", "svm", "image_svm", "tabular_svm", "late_fusion", "stacked"}) {
      double auroc = m.path("auroc").path(v).asDouble(-1);
      assertTrue(auroc > 0.6 && auroc <= 1, v + " " + auroc);
      assertEquals(120, m.path("n_per_variant").path(v).asInt(), v + " scored every patient");
    }
  }

  private static int run(String... args) {
    StringWriter err = new StringWriter();
    int exit =
        FusionCdsCommand.run(new PrintWriter(new StringWriter()), new PrintWriter(err), args);
    assertTrue(!err.toString().contains("FCDS-"), "no error on stderr: " + err);
    return exit;
  }
}
