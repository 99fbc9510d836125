package org.fusioncds.evaluate;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fusioncds.assemble.InputAssembler;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.export.CohortExporter;
import org.fusioncds.flow.InferenceResult;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.inference.LoadedModel;
import org.fusioncds.inference.ModelRegistry;
import org.fusioncds.model.ModelCard;

/**
 * Scores a labelled cohort with the same assembly and inference the service runs, for every fusion
 * strategy of a model card: {@code fused} (the card's intermediate-fusion graph), {@code
 * image_only} (only patients with an image: a single-modality model has nothing to say without its
 * modality), {@code tabular_only} (every patient; missing labs are masked), and {@code late_fusion}
 * (the card's weighted average of the single models; without an image, the tabular model alone —
 * the weights renormalised over the models that can answer). A card with other graphs (e.g. the
 * classical model's {@code rf}, {@code svm}, {@code image_svm}, {@code tabular_svm}) has each
 * scored under its own name, and {@code stacked} when it declares a stacking layer; {@code fused}
 * is always the card's default graph.
 */
public final class CohortEvaluation {

  private final ModelRegistry registry;
  private final LoadedModel model;

  public CohortEvaluation(ModelRegistry registry, String modelId) {
    this.registry = registry;
    this.model = registry.model(modelId);
  }

  public ModelCard card() {
    return model.card();
  }

  /** One prediction per patient, in cohort order; {@code step} runs after each patient. */
  public List<Prediction> predict(Path cohort, Runnable step) {
    List<Prediction> out = new java.util.ArrayList<>();
    new CohortExporter(new InputAssembler(model.card()))
        .forEachCase(
            cohort,
            c -> {
              out.add(predict(c));
              step.run();
            });
    return out;
  }

  private Prediction predict(CohortExporter.CohortCase c) {
    ModelInputs in = c.inputs();
    Set<String> missing = missing(in);
    ModelCard card = model.card();
    boolean noImage = missing.contains("image");
    Map<String, Double> scores = new LinkedHashMap<>();
    scores.put("fused", probability(in, card.fusion().defaultGraph()));
    for (String graph : card.graphs().keySet()) {
      if (graph.equals(card.fusion().defaultGraph())) {
        continue;
      }
      boolean imageOnly = graph.equals("image_only");
      scores.put(graph, imageOnly && noImage ? prior() : probability(in, graph));
    }
    Map<String, Double> late = card.fusion().lateWeights();
    if (late != null) {
      boolean renormalise = noImage && late.containsKey("image_only") && late.size() == 2;
      scores.put(
          "late_fusion",
          renormalise
              ? scores.get(
                  late.keySet().stream()
                      .filter(g -> !g.equals("image_only"))
                      .findFirst()
                      .orElseThrow())
              : probability(in, ModelCard.LATE));
    }
    if (card.fusion().stacking() != null) {
      scores.put(ModelCard.STACKED, probability(in, ModelCard.STACKED));
    }
    return new Prediction(c.patientId(), c.label(), scores, missing);
  }

  /**
   * The predictions of a cohort and, per patient in the same order, the out-of-distribution
   * distance of the card's {@code ood} check (empty when the card declares none).
   */
  public record Screened(List<Prediction> predictions, double[] distances, double threshold) {
    /** The fraction of patients above the threshold; NaN without a check. */
    public double abstainRate() {
      return distances.length == 0
          ? Double.NaN
          : java.util.Arrays.stream(distances).filter(d -> d > threshold).count()
              / (double) distances.length;
    }
  }

  /** {@link #predict}, with each patient's out-of-distribution distance. */
  public Screened predictScreened(Path cohort, Runnable step) {
    List<Prediction> out = new java.util.ArrayList<>();
    List<Double> distances = new java.util.ArrayList<>();
    org.fusioncds.inference.OodCheck check = model.ood();
    new CohortExporter(new InputAssembler(model.card()))
        .forEachCase(
            cohort,
            c -> {
              out.add(predict(c));
              if (check != null) {
                distances.add(check.distance(c.inputs()));
              }
              step.run();
            });
    return new Screened(
        out,
        distances.stream().mapToDouble(Double::doubleValue).toArray(),
        check == null ? Double.NaN : check.threshold());
  }

  /** Only the out-of-distribution distances of a cohort (no graph runs); null without a check. */
  public Screened screen(Path cohort) {
    org.fusioncds.inference.OodCheck check = model.ood();
    if (check == null) {
      return null;
    }
    List<Double> distances = new java.util.ArrayList<>();
    new CohortExporter(new InputAssembler(model.card()))
        .forEachCase(cohort, c -> distances.add(check.distance(c.inputs())));
    return new Screened(
        List.of(),
        distances.stream().mapToDouble(Double::doubleValue).toArray(),
        check.threshold());
  }

  /**
   * The variants scored from one modality only: card graphs whose inputs (masks aside) are all
   * image-derived ({@code image}, {@code features}) or all tabular.
   */
  public List<String> singleModalityVariants() {
    ModelCard card = model.card();
    List<String> out = new java.util.ArrayList<>();
    card.graphs()
        .forEach(
            (name, g) -> {
              Set<String> kinds = new HashSet<>();
              for (String input : g.inputs()) {
                String kind = card.input(input).kind();
                if (!kind.equals("mask")) {
                  kinds.add(kind.equals("features") ? "image" : kind);
                }
              }
              if (kinds.size() == 1 && !name.equals(card.fusion().defaultGraph())) {
                out.add(name);
              }
            });
    return out;
  }

  /** The variants {@link #predict} scores for this card, {@code fused} first. */
  public List<String> variants() {
    ModelCard card = model.card();
    List<String> out = new java.util.ArrayList<>(List.of("fused"));
    card.graphs().keySet().stream()
        .filter(g -> !g.equals(card.fusion().defaultGraph()))
        .forEach(out::add);
    if (card.fusion().lateWeights() != null) {
      out.add("late_fusion");
    }
    if (card.fusion().stacking() != null) {
      out.add(ModelCard.STACKED);
    }
    return out;
  }

  private double prior() {
    Double p = model.card().trainingPrevalence();
    if (p == null) {
      throw new org.fusioncds.error.FcdsException(
          ErrorCode.EVAL_MODEL,
          "model card "
              + model.card().id()
              + " has no trainingPrevalence for patients without an image");
    }
    return p;
  }

  private double probability(ModelInputs in, String graph) {
    InferenceResult r = registry.run(in, graph);
    return r.outputs().get(0).probability();
  }

  /**
   * {@code image} when there is no image; a feature group's name (e.g. {@code labs}) when none of
   * the card's features of that group was found.
   */
  private Set<String> missing(ModelInputs in) {
    Set<String> out = new HashSet<>();
    Set<String> missingFeatures = new HashSet<>();
    for (ModelInputs.Missing m : in.missing()) {
      if (m.what().equals("image")) {
        out.add("image");
      } else {
        missingFeatures.add(m.what().substring(m.what().indexOf(':') + 1));
      }
    }
    Map<String, List<String>> groups = new LinkedHashMap<>();
    for (ModelCard.Feature f : model.card().features()) {
      if (f.group() != null) {
        groups.computeIfAbsent(f.group(), g -> new java.util.ArrayList<>()).add(f.name());
      }
    }
    groups.forEach(
        (group, names) -> {
          if (missingFeatures.containsAll(names)) {
            out.add(group);
          }
        });
    return out;
  }
}
