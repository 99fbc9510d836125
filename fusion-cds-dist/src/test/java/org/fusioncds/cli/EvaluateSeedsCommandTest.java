package org.fusioncds.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evaluate --seeds} as a user runs it, on two small unseen cohorts (the 10-seed, 500-patient
 * run behind the model cards' figures is a command quoted in ARCHITECTURE 9i, not a test).
 */
class EvaluateSeedsCommandTest {

  @Test
  void twoUnseenSeedsGiveEveryStrategyPerSeedMetricsTargetsAndAbstainRates(@TempDir Path tmp)
      throws Exception {
    Path out = tmp.resolve("eval");
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();

    int exit =
        FusionCdsCommand.run(
            new PrintWriter(stdout),
            new PrintWriter(stderr),
            "evaluate",
            "--seeds",
            "2",
            "--first-seed",
            "7001",
            "--patients",
            "80",
            "--model",
            "cap-fusion,cap-classic",
            "--ood-cohorts",
            "noise",
            "--ood-patients",
            "30",
            "--bootstrap",
            "100",
            "--out",
            out.toString());

    assertEquals(0, exit, stderr.toString());
    JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
    assertEquals("[7001,7002]", m.path("seeds").toString());
    JsonNode fused = m.path("models").path("cap-fusion").path("variants").path("fused");
    for (String metric : new String[] {"auroc", "accuracy", "recall", "specificity", "f1", "ece"}) {
      JsonNode s = fused.path(metric);
      JsonNode seed = s.path("per_seed").path("7001");
      assertTrue(seed.get(1).asDouble() <= seed.get(2).asDouble(), metric + " " + seed);
      assertTrue(s.path("min").asDouble() <= s.path("median").asDouble(), metric);
    }
    assertTrue(fused.path("auroc").path("median").asDouble() > 0.75, fused.toString());
    assertEquals(
        "[\"image_only\",\"tabular_only\"]",
        m.path("models").path("cap-fusion").path("single_modality").toString());
    assertEquals(
        "[\"image_svm\",\"tabular_svm\"]",
        m.path("models").path("cap-classic").path("single_modality").toString());
    assertTrue(m.path("targets").size() >= 10, m.path("targets").toString());
    JsonNode rates = m.path("ood_abstain_rate").path("cap-fusion");
    assertTrue(
        rates.path("noise").asDouble() > rates.path("in_distribution").asDouble() + 0.5,
        rates.toString());
    assertTrue(stdout.toString().contains("abstain cap-fusion noise: "), stdout.toString());
    assertTrue(Files.readString(out.resolve("seeds.svg")).startsWith("<svg"));
  }

  @Test
  void aSeedTheModelWasTrainedOnIsRefusedWithItsCode(@TempDir Path tmp) {
    StringWriter stderr = new StringWriter();

    int exit =
        FusionCdsCommand.run(
            new PrintWriter(new StringWriter()),
            new PrintWriter(stderr),
            "evaluate",
            "--seeds",
            "401,101",
            "--model",
            "cap-fusion",
            "--out",
            tmp.toString());

    assertEquals(2, exit);
    assertTrue(
        stderr.toString().contains("FCDS-8600: seed 101 generated a cohort"), stderr.toString());
  }
}
