package org.fusioncds.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fusioncds.assemble.InputAssembler;
import org.fusioncds.export.CohortExporter;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.flow.Tensor;
import org.fusioncds.sandbox.cohort.NoduleCohortGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nodule-ct graphs in ONNX Runtime Java, fed by the assembly of generated CT series: calibrated
 * probabilities, the gate of the fused graph (a missing volume changes nothing whatever the voxels
 * hold, as a missing radiograph in cap-fusion), and the time of one volume.
 */
class NoduleModelTest {

  @TempDir Path dir;

  @Test
  void scoresAssembledVolumesAndIgnoresTheVoxelsOfAMissingVolume() {
    Path cohort = dir.resolve("cohort");
    NoduleCohortGenerator.generate(6, 41, cohort);
    try (ModelRegistry registry =
        ModelRegistry.open(Path.of("models"), "nodule-ct", new InferenceSettings("cpu", 1, 1))) {
      List<ModelInputs> inputs = new ArrayList<>();
      new CohortExporter(new InputAssembler(registry.model("nodule-ct").card()))
          .forEachCase(cohort, c -> inputs.add(c.inputs()));
      ModelInputs withVolume =
          inputs.stream()
              .filter(i -> i.tensor("volume_present").data()[0] == 1f)
              .findFirst()
              .orElseThrow();
      for (String graph : List.of("fused", "image_only", "tabular_only")) {
        double p = registry.run(withVolume, graph).outputs().get(0).probability();
        assertTrue(p > 0 && p < 1, graph + " " + p);
      }
      // volume hidden: present 0; the fused answer is the same whatever the voxels hold
      ModelInputs hidden = with(withVolume, "volume_present", new float[] {0f});
      float[] noise = withVolume.tensor("volume").data().clone();
      for (int i = 0; i < noise.length; i++) {
        noise[i] = (i % 7) - 3f;
      }
      double a = registry.run(hidden, "fused").outputs().get(0).probability();
      double b =
          registry.run(with(hidden, "volume", noise), "fused").outputs().get(0).probability();
      assertEquals(a, b, 1e-6);
      double shown = registry.run(withVolume, "fused").outputs().get(0).probability();
      double shownNoise =
          registry.run(with(withVolume, "volume", noise), "fused").outputs().get(0).probability();
      assertNotEquals(shown, shownNoise, "the fused graph ignores a present volume");

      int runs = 20;
      long t0 = System.nanoTime();
      for (int i = 0; i < runs; i++) {
        registry.run(withVolume, "fused");
      }
      double ms = (System.nanoTime() - t0) / 1e6 / runs;
      System.out.printf(
          "nodule-ct fused: %.2f ms per 72x56x48 volume (ONNX Runtime, 1 thread), assembly %.1f ms%n",
          ms, withVolume.assembleMillis());
    }
  }

  private static ModelInputs with(ModelInputs in, String name, float[] data) {
    Map<String, Tensor> t = new LinkedHashMap<>(in.tensors());
    t.put(name, new Tensor(name, in.tensor(name).shape(), data));
    return new ModelInputs(
        in.modelId(),
        in.modelVersion(),
        t,
        in.references(),
        in.missing(),
        in.studyTime(),
        in.assembleMillis());
  }
}
