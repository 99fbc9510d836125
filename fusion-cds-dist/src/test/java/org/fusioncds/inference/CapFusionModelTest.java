package org.fusioncds.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.fusioncds.error.FcdsException;
import org.fusioncds.model.ModelCard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed demo model, loaded only through its card, as a hospital's model would be. */
class CapFusionModelTest {

  private static final Path MODELS = Path.of("models");

  @Test
  void committedGraphsMatchTheHashesOfTheirCard() {
    try (ModelRegistry registry =
        ModelRegistry.open(MODELS, "cap-fusion", InferenceSettings.cpu())) {
      ModelCard card = registry.model("cap-fusion").card();
      for (var g : card.graphs().entrySet()) {
        assertEquals(
            g.getValue().sha256(), registry.model("cap-fusion").graph(g.getKey()).sha256());
        assertTrue(
            Files.size(Path.of("models/cap-fusion", g.getValue().file())) < 10 << 20, g.getKey());
      }
      assertEquals("Synthetic data — not for clinical use", card.warning());
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void refusesAGraphThatDiffersByOneByteFromItsCard(@TempDir Path tmp) throws Exception {
    Path copy = tmp.resolve("cap-fusion");
    Files.createDirectories(copy);
    try (Stream<Path> files = Files.list(MODELS.resolve("cap-fusion"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, copy.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Path graph = copy.resolve("tabular_only.onnx");
    byte[] bytes = Files.readAllBytes(graph);
    bytes[bytes.length / 2] ^= 1;
    Files.write(graph, bytes);

    FcdsException e =
        assertThrows(
            FcdsException.class,
            () -> ModelRegistry.open(tmp, "cap-fusion", InferenceSettings.cpu()).close());

    assertEquals(5102, e.code());
    assertTrue(e.getMessage().contains("tabular_only.onnx"), e.getMessage());
  }
}
