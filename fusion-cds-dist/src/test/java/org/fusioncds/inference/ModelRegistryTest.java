package org.fusioncds.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.InferenceResult;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.flow.Tensor;
import org.fusioncds.model.ModelCard;
import org.fusioncds.testing.TrailFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {

  @TempDir static Path models;
  static JsonNode k;

  @BeforeAll
  static void makeModels() throws Exception {
    TestModels.create(models);
    k = TestModels.coefficients(models);
  }

  /** Seeded inputs of the card's shapes. */
  private static ModelInputs inputs(long seed, int tabularWidth) {
    Random r = new Random(seed);
    Map<String, Tensor> t = new LinkedHashMap<>();
    t.put("image", tensor("image", r, 1, 1, 128, 128));
    t.put("tabular", tensor("tabular", r, 1, tabularWidth));
    t.put("tabular_mask", tensor("tabular_mask", r, 1, tabularWidth));
    t.put("image_present", new Tensor("image_present", new long[] {1, 1}, new float[] {1f}));
    return new ModelInputs("cap-fusion", "0.1.0", t, List.of(), List.of(), Instant.EPOCH, 0);
  }

  private static Tensor tensor(String name, Random r, long... shape) {
    int n = 1;
    for (long d : shape) {
      n *= (int) d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return new Tensor(name, shape, v);
  }

  private static double imageTerm(ModelInputs in) {
    double sum = 0;
    for (float v : in.tensor("image").data()) {
      sum += v;
    }
    return k.get("a").asDouble() * sum / in.tensor("image").data().length;
  }

  private static double tabularTerm(ModelInputs in) {
    double z = 0;
    for (int i = 0; i < 12; i++) {
      z += k.get("w").get(i).asDouble() * in.tensor("tabular").data()[i];
      z += k.get("m").get(i).asDouble() * in.tensor("tabular_mask").data()[i];
    }
    return z;
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  @Test
  void fusedRunOnCpuEqualsTheHandComputedValue() {
    ModelInputs in = inputs(1, 12);
    double z = imageTerm(in) + tabularTerm(in) + k.get("c").asDouble() * 1 + k.get("b").asDouble();

    try (ModelRegistry r = ModelRegistry.open(models, InferenceSettings.cpu())) {
      InferenceResult result = r.run(in, "fused");

      assertEquals(sigmoid(z), result.output("probability").probability(), 1e-6);
      assertEquals("cpu", result.device());
      assertEquals("Synthetic data — not for clinical use", result.warning());
      assertEquals(64, result.graphSha256().get("fused").length());
    }
  }

  @Test
  void lateFusionIsTheWeightedAverageOfTheSingleModels() {
    ModelInputs in = inputs(2, 12);
    double pImage = sigmoid(imageTerm(in) + k.get("b_image").asDouble());
    double pTabular = sigmoid(tabularTerm(in) + k.get("b_tabular").asDouble());

    try (ModelRegistry r = ModelRegistry.open(models, InferenceSettings.cpu())) {
      InferenceResult result = r.run(in, ModelCard.LATE);

      assertEquals(0.5 * pImage + 0.5 * pTabular, result.output("probability").probability(), 1e-6);
      assertEquals(
          List.of("image_only", "tabular_only"), List.copyOf(result.graphSha256().keySet()));
    }
  }

  @Test
  void decisionAndIndicatorFollowTheCardThresholds() {
    ModelInputs in = inputs(3, 12);
    try (ModelRegistry r = ModelRegistry.open(models, InferenceSettings.cpu())) {
      InferenceResult.OutputResult o = r.run(in).output("probability");

      assertEquals(o.probability() >= 0.5, o.positive());
      String expected =
          o.probability() >= 0.7 ? "critical" : o.probability() >= 0.3 ? "warning" : "info";
      assertEquals(expected, o.indicator());
    }
  }

  @Test
  void cardIdsAreReadWithoutOpeningAGraphAndAMissingFolderIsNamedInFull(@TempDir Path other)
      throws Exception {
    TestModels.create(other);
    Files.write(other.resolve("cap-fusion").resolve("fused.onnx"), new byte[] {1});

    assertTrue(ModelRegistry.cardIds(other).contains("cap-fusion"), "a broken graph is not read");

    Path missing = Path.of("no-such-models-folder");
    FcdsException e = assertThrows(FcdsException.class, () -> ModelRegistry.cardIds(missing));
    assertEquals(org.fusioncds.error.ErrorCode.MODELS_FOLDER, e.errorCode());
    assertTrue(
        e.getMessage().contains(missing.toAbsolutePath().toString()),
        "the folder as the process saw it: " + e.getMessage());
  }

  @Test
  void refusesGraphWhoseHashDiffers(@TempDir Path other) throws Exception {
    TestModels.create(other);
    Path graph = other.resolve("cap-fusion").resolve("tabular_only.onnx");
    String expected = Sha256.of(graph);
    Files.write(graph, new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);

    FcdsException e =
        assertThrows(FcdsException.class, () -> ModelRegistry.open(other, InferenceSettings.cpu()));

    assertEquals(5102, e.code());
    assertTrue(e.getMessage().contains("tabular_only.onnx"), e.getMessage());
    assertTrue(e.getMessage().contains("expected sha256 " + expected), e.getMessage());
    assertTrue(e.getMessage().contains("actual " + Sha256.of(graph)), e.getMessage());
  }

  @Test
  void refusesInputWhoseShapeDiffersFromTheCard() {
    ModelInputs in = inputs(4, 11);
    try (ModelRegistry r = ModelRegistry.open(models, InferenceSettings.cpu())) {
      FcdsException e = assertThrows(FcdsException.class, () -> r.run(in, "fused"));

      assertEquals(5202, e.code());
      assertTrue(e.getMessage().contains("expected [1, 12], actual [1, 11]"), e.getMessage());
    }
  }

  @Test
  void refusesMissingInputTensor() {
    ModelInputs full = inputs(5, 12);
    Map<String, Tensor> t = new LinkedHashMap<>(full.tensors());
    t.remove("image_present");
    ModelInputs in =
        new ModelInputs("cap-fusion", "0.1.0", t, List.of(), List.of(), Instant.EPOCH, 0);
    try (ModelRegistry r = ModelRegistry.open(models, InferenceSettings.cpu())) {
      FcdsException e = assertThrows(FcdsException.class, () -> r.run(in, "fused"));

      assertEquals(5201, e.code());
      assertTrue(e.getMessage().endsWith("image_present"), e.getMessage());
    }
  }

  @Test
  void cudaWithoutCudaFallsBackToCpuWithIdenticalResults() throws Exception {
    ModelInputs in = inputs(6, 12);
    boolean cudaPresent = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    double cpu;
    try (ModelRegistry r = ModelRegistry.open(models, InferenceSettings.cpu())) {
      cpu = r.run(in).output("probability").probability();
    }

    try (ModelRegistry r = ModelRegistry.open(models, new InferenceSettings("cuda:0", 1, 1))) {
      InferenceResult result = r.run(in);

      assertEquals(cudaPresent ? "cuda:0" : "cpu", r.device());
      assertEquals(cpu, result.output("probability").probability(), cudaPresent ? 1e-5 : 0.0);
    }
  }

  @Test
  void reusesOneSessionPerGraphAcrossRuns() {
    try (ModelRegistry r = ModelRegistry.open(models, InferenceSettings.cpu())) {
      OrtSession before = r.model("cap-fusion").graph("fused").session();

      r.run(inputs(7, 12), "fused");
      r.run(inputs(8, 12), "fused");

      assertSame(before, r.model("cap-fusion").graph("fused").session());
    }
  }

  @Test
  void closingTheRegistryClosesItsSessions() {
    ModelRegistry r = ModelRegistry.open(models, InferenceSettings.cpu());
    OrtSession session = r.model("cap-fusion").graph("fused").session();

    r.close();

    assertThrows(IllegalStateException.class, session::getInputNames);
  }

  @Test
  void refusesUnknownModelId() {
    FcdsException e =
        assertThrows(
            FcdsException.class,
            () -> ModelRegistry.open(models, "no-such-model", InferenceSettings.cpu()));

    assertEquals(5105, e.code());
  }

  @Test
  void reportedLoadAndRunTimesAreMeasuredAndFitInsideTheCallsTheyTime() throws Exception {
    int logged = TrailFixture.capturedLog().length();
    long t0 = System.nanoTime();
    try (ModelRegistry r = ModelRegistry.open(models, InferenceSettings.cpu())) {
      double openMs = (System.nanoTime() - t0) / 1e6;
      List<Double> loads = loadTimesLogged(TrailFixture.capturedLog().substring(logged));
      ModelInputs assembled = inputs(9, 12);
      ModelInputs in =
          new ModelInputs(
              assembled.modelId(),
              assembled.modelVersion(),
              assembled.tensors(),
              List.of(),
              List.of(),
              Instant.EPOCH,
              7.5); // the assembler's time, spent before the run

      assertEquals(r.modelIds().size(), loads.size(), "one load time logged per model: " + loads);
      for (double loadMs : loads) {
        // the log line rounds to 0.1 ms
        assertTrue(loadMs >= 0 && loadMs <= openMs + 0.05, loadMs + " ms of " + openMs);
      }
      for (String graph : List.of("fused", ModelCard.LATE)) {
        long t1 = System.nanoTime();
        InferenceResult.Timings t = r.run(in, graph).timings();
        double wallMs = (System.nanoTime() - t1) / 1e6;

        String times = graph + ": " + t + ", call " + wallMs + " ms";
        assertTrue(t.runMs() > 0, times);
        assertTrue(t.postprocessMs() >= 0, times);
        assertTrue(t.preprocessMs() >= in.assembleMillis(), "includes the assembly: " + times);
        double inCall = t.preprocessMs() - in.assembleMillis() + t.runMs() + t.postprocessMs();
        assertTrue(inCall <= wallMs + 1e-6, times);
      }
    }
  }

  /** The load times of {@code model <id> <version> loaded on <device> in <ms> ms} lines. */
  private static List<Double> loadTimesLogged(String log) {
    Matcher m =
        Pattern.compile("model \\S+ \\S+ loaded on \\S+ in ([0-9]+[.,][0-9]) ms").matcher(log);
    List<Double> ms = new ArrayList<>();
    while (m.find()) {
      ms.add(Double.parseDouble(m.group(1).replace(',', '.')));
    }
    return ms;
  }
}
