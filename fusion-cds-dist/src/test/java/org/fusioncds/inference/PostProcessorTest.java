package org.fusioncds.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.fusioncds.error.FcdsException;
import org.fusioncds.model.ModelCard.Calibration;
import org.fusioncds.model.ModelCard.IndicatorThresholds;
import org.fusioncds.model.ModelCard.Output;
import org.junit.jupiter.api.Test;

class PostProcessorTest {

  private static Output output(String kind) {
    return new Output("p", kind, null, 0.5, new IndicatorThresholds(0.0, 0.3, 0.7));
  }

  @Test
  void temperatureScalesTheLogit() {
    double p =
        PostProcessor.probability(
            2.0, output("logit"), new Calibration("temperature", 2.0, null, null));

    assertEquals(1 / (1 + Math.exp(-1.0)), p, 1e-12);
  }

  @Test
  void plattAppliesToTheLogitOfAProbabilityOutput() {
    double p =
        PostProcessor.probability(
            0.5, output("probability"), new Calibration("platt", null, 1.5, -0.5));

    assertEquals(1 / (1 + Math.exp(0.5)), p, 1e-9);
  }

  @Test
  void bakedCalibrationLeavesAProbabilityAsItIs() {
    assertEquals(
        0.42,
        PostProcessor.probability(
            0.42, output("probability"), new Calibration("baked", null, null, null)));
  }

  @Test
  void indicatorFollowsTheCardThresholds() {
    assertEquals("info", PostProcessor.decide(output("probability"), 0.29).indicator());
    assertEquals("warning", PostProcessor.decide(output("probability"), 0.3).indicator());
    assertEquals("critical", PostProcessor.decide(output("probability"), 0.7).indicator());
  }

  @Test
  void registryRefusesACardWhoseGraphFilesAreMissing(@org.junit.jupiter.api.io.TempDir Path tmp)
      throws Exception {
    Path folder = java.nio.file.Files.createDirectories(tmp.resolve("cap-fusion"));
    java.nio.file.Files.copy(
        Path.of("models/cap-fusion/model-card.yaml"), folder.resolve("model-card.yaml"));

    FcdsException e =
        assertThrows(FcdsException.class, () -> ModelRegistry.open(tmp, InferenceSettings.cpu()));

    assertEquals(5101, e.code());
  }
}
