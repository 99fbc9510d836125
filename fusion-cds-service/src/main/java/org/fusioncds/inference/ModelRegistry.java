package org.fusioncds.inference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.InferenceResult;
import org.fusioncds.flow.InferenceResult.OutputResult;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.ModelCards;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models of a {@code models/} folder (one sub-folder per model, each with {@code
 * model-card.yaml}), known only through their cards; each graph verified by SHA-256 and opened once
 * as an ONNX Runtime session, fed by its micro-batcher ({@link GraphBatcher}, {@code
 * inference.batch.*}). Pre (validate, tensors), predict (ONNX Runtime, one run per batch), post
 * (calibration, threshold, indicator). Close it to release every session.
 */
public final class ModelRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

  private final Map<String, LoadedModel> models = new LinkedHashMap<>();
  private final SessionFactory sessions;
  private final Batching batching;
  private final Map<String, Map<String, Plan>> plans = new ConcurrentHashMap<>(); // id, graph

  private ModelRegistry(InferenceSettings settings) {
    this.sessions = new SessionFactory(settings);
    this.batching = settings.batching();
  }

  /** Loads every model under {@code modelsFolder}. */
  public static ModelRegistry open(Path modelsFolder, InferenceSettings settings) {
    return open(modelsFolder, null, settings);
  }

  /** Loads the models whose card ids are {@code ids}, every one of them (one missing: 5105). */
  public static ModelRegistry openAll(
      Path modelsFolder, java.util.Collection<String> ids, InferenceSettings settings) {
    if (ids.size() == 1) {
      return open(modelsFolder, ids.iterator().next(), settings);
    }
    ModelRegistry r = new ModelRegistry(settings);
    try {
      for (Path folder : modelFolders(modelsFolder)) {
        ModelCard card = ModelCards.load(folder.resolve(ModelCards.FILE_NAME));
        if (ids.contains(card.id())) {
          r.add(card, folder);
        }
      }
      for (String id : ids) {
        if (!r.models.containsKey(id)) {
          throw new FcdsException(
              ErrorCode.MODELS_FOLDER, "no model " + id + " under — " + modelsFolder);
        }
      }
      return r;
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
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
    models.put(card.id(), LoadedModel.open(card, folder, sessions, batching));
    LOG.info(
        "model {} {} loaded on {} in {} ms",
        card.id(),
        card.version(),
        sessions.device(),
        String.format("%.1f", (System.nanoTime() - t0) / 1e6));
  }

  /**
   * The ids of the model cards under {@code modelsFolder}, read without opening any graph: what a
   * command checks before it starts anything else (5105 when the folder is not there).
   */
  public static SortedSet<String> cardIds(Path modelsFolder) {
    SortedSet<String> ids = new TreeSet<>();
    for (Path folder : modelFolders(modelsFolder)) {
      ids.add(ModelCards.load(folder.resolve(ModelCards.FILE_NAME)).id());
    }
    return ids;
  }

  private static List<Path> modelFolders(Path modelsFolder) {
    if (!Files.isDirectory(modelsFolder)) {
      throw new FcdsException(
          ErrorCode.MODELS_FOLDER,
          "models folder not found — "
              + modelsFolder
              + (modelsFolder.isAbsolute() ? "" : " (" + modelsFolder.toAbsolutePath() + ")"));
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

  /**
   * The out-of-distribution verdict of the card's {@code ood} section: present when the case lies
   * beyond its threshold; empty when inside or when the card declares no check.
   */
  public java.util.Optional<OodCheck.Outside> outOfDistribution(ModelInputs inputs) {
    OodCheck check = model(inputs.modelId()).ood();
    return check == null ? java.util.Optional.empty() : check.outside(inputs);
  }

  /** Runs the card's default graph (waits for {@link #submit(ModelInputs)}). */
  public InferenceResult run(ModelInputs inputs) {
    return run(inputs, model(inputs.modelId()).card().fusion().defaultGraph());
  }

  /**
   * Runs a card graph or {@code late}, and waits for it (see {@link #submit(ModelInputs, String)}).
   */
  public InferenceResult run(ModelInputs inputs, String graph) {
    try {
      return submit(inputs, graph).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof FcdsException f
          ? f
          : new FcdsException(
              ErrorCode.INFERENCE_FAILED, "inference failed — " + e.getCause(), e.getCause());
    }
  }

  /** Queues the card's default graph. */
  public CompletableFuture<InferenceResult> submit(ModelInputs inputs) {
    return submit(inputs, model(inputs.modelId()).card().fusion().defaultGraph());
  }

  /**
   * Queues the inputs on the batcher of a card graph, or of each of the card's late-fusion graphs
   * ({@code late}: their weighted average), or of each graph of its stacking layer ({@code
   * stacked}: σ(intercept + Σ w·logit(p)), see {@link ModelCard.Stacking}). Inputs that do not fit
   * the card (5201–5203), an unknown model or graph (5204, 5205) and a full queue (5304) are thrown
   * here; a failed run completes the future exceptionally.
   */
  public CompletableFuture<InferenceResult> submit(ModelInputs inputs, String graph) {
    Plan plan = plan(inputs, graph);
    List<CompletableFuture<GraphBatcher.Outcome>> runs = queue(plan, inputs);
    if (runs.size() == 1) {
      return runs.get(0).thenApply(one -> combine(plan, inputs, one));
    }
    return CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new))
        .thenApply(
            done ->
                combine(
                    plan,
                    inputs,
                    runs.stream()
                        .map(CompletableFuture::join)
                        .toArray(GraphBatcher.Outcome[]::new)));
  }

  /**
   * What running {@code graph} of a model means, worked out once per model and graph: its card, the
   * batchers it queues on with their weights, the graphs' hashes, the stacking intercept.
   */
  private record Plan(
      ModelCard card,
      String graph,
      List<GraphBatcher> batchers,
      double[] weights,
      Map<String, String> hashes,
      OptionalDouble stackedIntercept) {

    /** Stacked: σ(intercept + Σ w·logit(p)); otherwise Σ w·p. */
    boolean stacked() {
      return stackedIntercept.isPresent();
    }
  }

  /** The plan of that model and graph, after the inputs' model version is checked (5205, 5204). */
  private Plan plan(ModelInputs inputs, String graph) {
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
    if (graph == null) {
      throw new FcdsException(
          ErrorCode.GRAPH_UNKNOWN, "no graph named for " + card.id() + " — null");
    }
    return plans
        .computeIfAbsent(card.id(), id -> new ConcurrentHashMap<>())
        .computeIfAbsent(graph, g -> newPlan(m, g)); // a refused graph (5204) is not kept
  }

  private static Plan newPlan(LoadedModel m, String graph) {
    ModelCard card = m.card();
    Map<String, Double> weights = weights(card, graph);
    List<GraphBatcher> batchers = new ArrayList<>();
    Map<String, String> hashes = new LinkedHashMap<>();
    for (String name : weights.keySet()) {
      hashes.put(name, m.graph(name).sha256());
      batchers.add(m.batcher(name));
    }
    return new Plan(
        card,
        graph,
        List.copyOf(batchers),
        weights.values().stream().mapToDouble(Double::doubleValue).toArray(),
        Collections.unmodifiableMap(hashes),
        ModelCard.STACKED.equals(graph)
            ? OptionalDouble.of(card.fusion().stacking().intercept())
            : OptionalDouble.empty());
  }

  private static List<CompletableFuture<GraphBatcher.Outcome>> queue(
      Plan plan, ModelInputs inputs) {
    List<CompletableFuture<GraphBatcher.Outcome>> runs = new ArrayList<>(plan.batchers().size());
    for (GraphBatcher b : plan.batchers()) {
      runs.add(b.submit(inputs));
    }
    return runs;
  }

  private InferenceResult combine(Plan plan, ModelInputs inputs, GraphBatcher.Outcome... runs) {
    long t0 = System.nanoTime();
    ModelCard card = plan.card();
    List<ModelCard.Output> declared = card.outputs();
    double[] probability = new double[declared.size()];
    double tensorMs = 0;
    double runMs = 0;
    for (int i = 0; i < runs.length; i++) {
      GraphBatcher.Outcome run = runs[i];
      // the graphs run side by side: the slowest one's tensor and run times are the call's
      if (run.tensorMs() + run.runMs() > tensorMs + runMs) {
        tensorMs = run.tensorMs();
        runMs = run.runMs();
      }
      for (int k = 0; k < probability.length; k++) {
        double p = PostProcessor.probability(run.raw()[k], declared.get(k), card.calibration());
        probability[k] += plan.weights()[i] * (plan.stacked() ? PostProcessor.logit(p) : p);
      }
    }
    List<OutputResult> outputs = new ArrayList<>(probability.length);
    for (int k = 0; k < probability.length; k++) {
      double p =
          plan.stacked()
              ? PostProcessor.sigmoid(plan.stackedIntercept().getAsDouble() + probability[k])
              : probability[k];
      outputs.add(PostProcessor.decide(declared.get(k), p));
    }
    InferenceResult.Timings timings =
        new InferenceResult.Timings(
            inputs.assembleMillis() + tensorMs, runMs, (System.nanoTime() - t0) / 1e6);
    return new InferenceResult(
        card.id(),
        card.version(),
        plan.graph(),
        plan.hashes(),
        device(),
        card.warning(),
        Collections.unmodifiableList(outputs),
        timings);
  }

  /** What every graph's batcher has done so far (batches, samples, waiting), by model. */
  public List<BatchStats> batchStats() {
    return models.values().stream().flatMap(m -> m.batchStats().stream()).toList();
  }

  /**
   * graph → weight: one graph with weight 1, the normalised late-fusion weights, or the stacking
   * layer's weights (on logits, not normalised).
   */
  private static Map<String, Double> weights(ModelCard card, String graph) {
    if (ModelCard.STACKED.equals(graph)) {
      ModelCard.Stacking s = card.fusion().stacking();
      if (s == null) {
        throw new FcdsException(
            ErrorCode.GRAPH_UNKNOWN, "model " + card.id() + " has no stacking layer — stacked");
      }
      return new LinkedHashMap<>(s.weights());
    }
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
