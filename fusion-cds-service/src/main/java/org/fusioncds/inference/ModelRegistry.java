package org.fusioncds.inference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.InferenceResult;
import org.fusioncds.flow.InferenceResult.OutputResult;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.inference.LoadedModel.GraphSession;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.ModelCards;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models of a {@code models/} folder (one sub-folder per model, each with {@code
 * model-card.yaml}), known only through their cards; each graph verified by SHA-256 and opened once
 * as an ONNX Runtime session, reused by every {@link #run}. Pre (validate, tensors), predict (ONNX
 * Runtime), post (calibration, threshold, indicator). Close it to release every session.
 */
public final class ModelRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

  private final Map<String, LoadedModel> models = new LinkedHashMap<>();
  private final SessionFactory sessions;
  private final GraphRunner runner;

  private ModelRegistry(InferenceSettings settings) {
    this.sessions = new SessionFactory(settings);
    this.runner = new GraphRunner(sessions.environment());
  }

  /** Loads every model under {@code modelsFolder}. */
  public static ModelRegistry open(Path modelsFolder, InferenceSettings settings) {
    return open(modelsFolder, null, settings);
  }

  /** Loads the model whose card id is {@code id} (every model when null). */
  public static ModelRegistry open(Path modelsFolder, String id, InferenceSettings settings) {
    ModelRegistry r = new ModelRegistry(settings);
    try {
      for (Path folder : modelFolders(modelsFolder)) {
        ModelCard card = ModelCards.load(folder.resolve(ModelCards.FILE_NAME));
        if (id == null || id.equals(card.id())) {
          r.add(card, folder);
        }
      }
      if (r.models.isEmpty()) {
        throw new FcdsException(
            ErrorCode.MODELS_FOLDER,
            "no model " + (id == null ? "" : id + " ") + "under — " + modelsFolder);
      }
      return r;
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
  }

  private void add(ModelCard card, Path folder) {
    if (models.containsKey(card.id())) {
      throw new FcdsException(
          ErrorCode.MODELS_FOLDER, "two model cards with the same id — " + card.id());
    }
    long t0 = System.nanoTime();
    models.put(card.id(), LoadedModel.open(card, folder, sessions));
    LOG.info(
        "model {} {} loaded on {} in {} ms",
        card.id(),
        card.version(),
        sessions.device(),
        String.format("%.1f", (System.nanoTime() - t0) / 1e6));
  }

  private static List<Path> modelFolders(Path modelsFolder) {
    if (!Files.isDirectory(modelsFolder)) {
      throw new FcdsException(ErrorCode.MODELS_FOLDER, "models folder not found — " + modelsFolder);
    }
    try (Stream<Path> s = Files.list(modelsFolder)) {
      return s.filter(p -> Files.isRegularFile(p.resolve(ModelCards.FILE_NAME))).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The loaded model of that card id, or a 5205 error. */
  public LoadedModel model(String id) {
    LoadedModel m = models.get(id);
    if (m == null) {
      throw new FcdsException(ErrorCode.MODEL_UNKNOWN, "no model loaded with id — " + id);
    }
    return m;
  }

  /** The ids of the loaded models, in folder order. */
  public List<String> modelIds() {
    return new ArrayList<>(models.keySet());
  }

  /** Where sessions run: {@code cpu}, or {@code cuda:N} when CUDA could be added. */
  public String device() {
    return sessions.device();
  }

  /** Runs the card's default graph. */
  public InferenceResult run(ModelInputs inputs) {
    return run(inputs, model(inputs.modelId()).card().fusion().defaultGraph());
  }

  /** Runs a card graph, or {@code late}: the weighted average of the card's late-fusion graphs. */
  public InferenceResult run(ModelInputs inputs, String graph) {
    LoadedModel m = model(inputs.modelId());
    ModelCard card = m.card();
    if (!card.version().equals(inputs.modelVersion())) {
      throw new FcdsException(
          ErrorCode.MODEL_UNKNOWN,
          "inputs assembled for "
              + card.id()
              + " "
              + inputs.modelVersion()
              + ", loaded "
              + card.version());
    }
    Map<String, Double> weights = weights(card, graph);
    double[] times = {inputs.assembleMillis(), 0};
    Map<String, String> hashes = new LinkedHashMap<>();
    Map<String, Double> probability = new LinkedHashMap<>();
    for (Map.Entry<String, Double> w : weights.entrySet()) {
      GraphSession g = m.graph(w.getKey());
      hashes.put(g.name(), g.sha256());
      Map<String, Double> raw = runner.run(card, g, inputs, times);
      for (ModelCard.Output o : card.outputs()) {
        double p = PostProcessor.probability(raw.get(o.tensor()), o, card.calibration());
        probability.merge(o.tensor(), w.getValue() * p, Double::sum);
      }
    }
    long t0 = System.nanoTime();
    List<OutputResult> outputs =
        card.outputs().stream()
            .map(o -> PostProcessor.decide(o, probability.get(o.tensor())))
            .toList();
    InferenceResult.Timings timings =
        new InferenceResult.Timings(times[0], times[1], (System.nanoTime() - t0) / 1e6);
    return new InferenceResult(
        card.id(), card.version(), graph, hashes, device(), card.warning(), outputs, timings);
  }

  /** graph → weight: one graph with weight 1, or the normalised late-fusion weights. */
  private static Map<String, Double> weights(ModelCard card, String graph) {
    if (!ModelCard.LATE.equals(graph)) {
      return Map.of(graph, 1.0);
    }
    Map<String, Double> late = card.fusion().lateWeights();
    if (late == null || late.isEmpty()) {
      throw new FcdsException(
          ErrorCode.GRAPH_UNKNOWN, "model " + card.id() + " has no late-fusion weights — late");
    }
    double sum = late.values().stream().mapToDouble(Double::doubleValue).sum();
    Map<String, Double> out = new LinkedHashMap<>();
    late.forEach((g, w) -> out.put(g, w / sum));
    return out;
  }

  @Override
  public void close() {
    models.values().forEach(LoadedModel::close);
  }
}
