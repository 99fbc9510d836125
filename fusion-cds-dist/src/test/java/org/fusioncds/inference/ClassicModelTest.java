package org.fusioncds.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.flow.Tensor;
import org.fusioncds.model.ModelCard;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classical model's ONNX-ML graphs (random forest as TreeEnsembleClassifier, RBF SVMs with a
 * Platt layer) and the computed stacked and late graphs, run by ONNX Runtime Java through the
 * registry, against the probabilities scikit-learn gave for the same rows (written by
 * models/cap-classic/training/train_classic.py into reference.json; no Python needed here).
 */
class ClassicModelTest {

  private static final Path MODELS = Path.of("models");
  private static final Path FOLDER = MODELS.resolve("cap-classic");
  private static final String ID = "cap-classic";
  private static final List<String> TENSORS =
      List.of("image_features", "image_present", "tabular", "tabular_mask");

  private static JsonNode reference;

  @BeforeAll
  static void readReference() throws Exception {
    reference = new ObjectMapper().readTree(FOLDER.resolve("training/reference.json").toFile());
  }

  private static float[] row(String tensor, int i) {
    JsonNode r = reference.get("inputs").get(tensor).get(i);
    float[] v = new float[r.size()];
    for (int k = 0; k < v.length; k++) {
      v[k] = (float) r.get(k).asDouble();
    }
    return v;
  }

  private static ModelInputs inputs(ModelCard card, int i) {
    Map<String, Tensor> t = new LinkedHashMap<>();
    for (String name : TENSORS) {
      float[] v = row(name, i);
      t.put(name, new Tensor(name, new long[] {1, v.length}, v));
    }
    return new ModelInputs(card.id(), card.version(), t, List.of(), List.of(), Instant.EPOCH, 0);
  }

  /** Max |ORT − sklearn| of one graph over the reference rows. */
  private static double maxDifference(ModelRegistry r, String graph, JsonNode expected) {
    ModelCard card = r.model(ID).card();
    double max = 0;
    for (int i = 0; i < expected.size(); i++) {
      double p = r.run(inputs(card, i), graph).outputs().get(0).probability();
      max = Math.max(max, Math.abs(p - expected.get(i).asDouble()));
    }
    return max;
  }

  @Test
  void onnxRuntimeGivesScikitLearnsProbabilitiesForEveryGraph() {
    try (ModelRegistry r = ModelRegistry.open(MODELS, ID, InferenceSettings.cpu())) {
      for (String graph : List.of("rf", "svm", "image_svm", "tabular_svm")) {
        double max = maxDifference(r, graph, reference.get("probability").get(graph));

        System.out.printf("cap-classic %s: max |ORT - sklearn| = %.3g%n", graph, max);
        assertTrue(max <= 1e-5, graph + " differs by " + max);
      }
    }
  }

  @Test
  void theStackedGraphIsTheLogisticLayerFittedOnValidation() {
    try (ModelRegistry r = ModelRegistry.open(MODELS, ID, InferenceSettings.cpu())) {
      double max = maxDifference(r, "stacked", reference.get("stacked"));

      System.out.printf("cap-classic stacked: max |Java - sklearn| = %.3g%n", max);
      assertTrue(max <= 1e-5, "stacked differs by " + max);
      assertEquals(
          reference.get("stacking").get("intercept").asDouble(),
          r.model(ID).card().fusion().stacking().intercept());
    }
  }

  @Test
  void theLateGraphAveragesThePerModalityProbabilitiesByTheCardsWeights() {
    try (ModelRegistry r = ModelRegistry.open(MODELS, ID, InferenceSettings.cpu())) {
      ModelCard card = r.model(ID).card();
      Map<String, Double> w = card.fusion().lateWeights();
      double sum = w.values().stream().mapToDouble(Double::doubleValue).sum();
      JsonNode p = reference.get("probability");
      for (int i = 0; i < 8; i++) {
        double expected =
            (w.get("image_svm") * p.get("image_svm").get(i).asDouble()
                    + w.get("tabular_svm") * p.get("tabular_svm").get(i).asDouble())
                / sum;

        assertEquals(expected, r.run(inputs(card, i), "late").outputs().get(0).probability(), 1e-5);
      }
    }
  }

  @Test
  void theDefaultGraphOfTheFeatureRfStrategyIsTheForest() {
    try (ModelRegistry r = ModelRegistry.open(MODELS, ID, InferenceSettings.cpu())) {
      ModelCard card = r.model(ID).card();

      var result = r.run(inputs(card, 0));

      assertEquals("rf", result.graph());
      assertEquals(
          reference.get("probability").get("rf").get(0).asDouble(),
          result.outputs().get(0).probability(),
          1e-5);
    }
  }

  @Test
  void theForestGivesALabelTensorAndAPlainProbabilityTensorForABatch() throws Exception {
    int n = reference.get("rows").asInt();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, OnnxTensor> feed = new LinkedHashMap<>();
    try (OrtSession s = env.createSession(FOLDER.resolve("rf.onnx").toString())) {
      for (String name : TENSORS) {
        int width = row(name, 0).length;
        FloatBuffer b = FloatBuffer.allocate(n * width);
        for (int i = 0; i < n; i++) {
          b.put(row(name, i));
        }
        b.flip();
        feed.put(name, OnnxTensor.createTensor(env, b, new long[] {n, width}));
      }
      try (OrtSession.Result out = s.run(feed)) {
        long[] label = (long[]) out.get("label").orElseThrow().getValue();
        float[][] probabilities = (float[][]) out.get("probabilities").orElseThrow().getValue();
        float[][] probability = (float[][]) out.get("probability").orElseThrow().getValue();

        assertEquals(n, label.length);
        for (int i = 0; i < n; i++) {
          assertEquals(1, probabilities[i][0] + probabilities[i][1], 1e-5);
          assertEquals(probabilities[i][1], probability[i][0]);
          System.out.println(
              "row " + i + " " + label[i] + " " + probabilities[i][0] + " " + probabilities[i][1]);
          assertEquals(
              reference.get("probability").get("rf").get(i).asDouble(), probability[i][0], 1e-5);
        }
      }
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  @Test
  void theGraphsTakeAndGiveWhatTheCardDeclares() throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (ModelRegistry r = ModelRegistry.open(MODELS, ID, InferenceSettings.cpu())) {
      ModelCard card = r.model(ID).card();
      for (var g : card.graphs().entrySet()) {
        try (OrtSession s = env.createSession(FOLDER.resolve(g.getValue().file()).toString())) {
          assertEquals(
              new java.util.TreeSet<>(g.getValue().inputs()),
              new java.util.TreeSet<>(s.getInputNames()),
              g.getKey());
          assertTrue(s.getOutputNames().contains("probability"), g.getKey());
          for (String input : g.getValue().inputs()) {
            long[] shape =
                ((ai.onnxruntime.TensorInfo) s.getInputInfo().get(input).getInfo()).getShape();
            assertArrayEquals(
                new long[] {-1, card.input(input).shape().get(1)}, shape, g.getKey() + "/" + input);
          }
        }
      }
    }
  }

  @Test
  void refusesAForestWhoseCardNamesOtherInputs(@TempDir Path tmp) throws Exception {
    Path copy = Files.createDirectories(tmp.resolve(ID));
    try (Stream<Path> files = Files.list(FOLDER)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, copy.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Path card = copy.resolve("model-card.yaml");
    String yaml = Files.readString(card);
    int rf = yaml.indexOf("file: rf.onnx");
    int inputs = yaml.indexOf("inputs: [image_features, image_present, tabular, tabular_mask]", rf);
    Files.writeString(
        card,
        yaml.substring(0, inputs)
            + "inputs: [image_features, tabular, tabular_mask]"
            + yaml.substring(
                inputs
                    + "inputs: [image_features, image_present, tabular, tabular_mask]".length()));

    FcdsException e =
        assertThrows(
            FcdsException.class,
            () -> ModelRegistry.open(tmp, ID, InferenceSettings.cpu()).close());

    assertEquals(5104, e.code());
    assertTrue(e.getMessage().contains("cap-classic/rf"), e.getMessage());
  }
}
