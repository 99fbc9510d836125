package org.fusioncds.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.fusioncds.error.FcdsException;
import org.fusioncds.model.ModelCards;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed cap-fusion card's ood section: its files are the card's, or the model is refused.
 */
class OodCheckTest {

  private static Path copyOfCapFusion(Path tmp) throws Exception {
    Path copy = Files.createDirectories(tmp.resolve("cap-fusion"));
    try (Stream<Path> files = Files.list(Path.of("models", "cap-fusion"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, copy.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return copy;
  }

  @Test
  void theCommittedCardOpensItsEmbeddingAndStatistics() {
    try (ModelRegistry r =
        ModelRegistry.open(Path.of("models"), "cap-fusion", InferenceSettings.cpu())) {
      OodCheck check = r.model("cap-fusion").ood();

      assertTrue(check != null, "cap-fusion declares an ood section");
      assertEquals(
          ModelCards.load(Path.of("models/cap-fusion/model-card.yaml")).ood().threshold(),
          check.threshold());
    }
  }

  @Test
  void refusesStatisticsThatDifferFromTheCard(@TempDir Path tmp) throws Exception {
    Path copy = copyOfCapFusion(tmp);
    Path stats = copy.resolve("ood-statistics.json");
    Files.writeString(
        stats, Files.readString(stats).replaceFirst("\"shrinkage\" : 0", "\"shrinkage\" : 1"));

    FcdsException e =
        assertThrows(
            FcdsException.class,
            () -> ModelRegistry.open(tmp, "cap-fusion", InferenceSettings.cpu()).close());

    assertEquals(5601, e.code());
    assertTrue(e.getMessage().contains("ood-statistics.json"), e.getMessage());
  }

  @Test
  void refusesAnEmbeddingGraphThatDiffersFromTheCard(@TempDir Path tmp) throws Exception {
    Path copy = copyOfCapFusion(tmp);
    Path graph = copy.resolve("embed.onnx");
    byte[] bytes = Files.readAllBytes(graph);
    bytes[bytes.length / 2] ^= 1;
    Files.write(graph, bytes);

    FcdsException e =
        assertThrows(
            FcdsException.class,
            () -> ModelRegistry.open(tmp, "cap-fusion", InferenceSettings.cpu()).close());

    assertEquals(5102, e.code());
    assertTrue(e.getMessage().contains("embed.onnx"), e.getMessage());
  }

  @Test
  void aCardWhoseFalseAbstainRateIsNotBelowOneIsRefused() throws Exception {
    String card =
        Files.readString(Path.of("models/cap-fusion/model-card.yaml"))
            .replace("falseAbstainRate: 0.05", "falseAbstainRate: 1.5");

    FcdsException e = assertThrows(FcdsException.class, () -> ModelCards.parse(card, "test card"));

    assertEquals(
        "FCDS-5002: model card field ood.falseAbstainRate invalid — must be below 1, found 1.5 in"
            + " test card",
        e.getMessage());
  }
}
