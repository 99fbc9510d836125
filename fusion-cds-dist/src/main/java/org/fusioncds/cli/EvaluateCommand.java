package org.fusioncds.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.fusioncds.evaluate.CohortEvaluation;
import org.fusioncds.evaluate.Evaluation;
import org.fusioncds.evaluate.EvaluationReport;
import org.fusioncds.evaluate.EvaluationSettings;
import org.fusioncds.evaluate.Prediction;
import org.fusioncds.evaluate.ProgressBar;
import org.fusioncds.export.CohortExporter;
import org.fusioncds.inference.InferenceSettings;
import org.fusioncds.inference.ModelRegistry;
import org.fusioncds.model.ModelCard;
import org.fusioncds.report.monitor.ReferenceDistribution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code evaluate --cohort DIR --model ID --out OUT}: the service's assembly and inference over
 * every patient of a labelled cohort, then discrimination, calibration and their uncertainty for
 * each fusion strategy: {@code OUT/metrics.json}, {@code OUT/roc.png}, {@code OUT/calibration.png},
 * and {@code OUT/reference-distribution.json}: the default graph's probabilities over the cohort at
 * their deciles, the reference the model owner's page compares the served probabilities with (copy
 * it into the model folder under the name the card's {@code monitoring.reference} gives).
 */
@Command(
    name = "evaluate",
    description = "Evaluate a model on a labelled cohort: metrics.json, roc.png, calibration.png.")
public final class EvaluateCommand implements Callable<Integer> {

  @Option(names = "--cohort", required = true, paramLabel = "DIR")
  Path cohort;

  @Option(names = "--model", required = true, paramLabel = "ID")
  String model;

  @Option(names = "--out", required = true, paramLabel = "OUT")
  Path out;

  @Option(
      names = "--models",
      defaultValue = "models",
      paramLabel = "DIR",
      description = "model folders")
  Path models;

  @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda:N")
  String device;

  @Option(names = "--bootstrap", defaultValue = "2000", description = "bootstrap resamples")
  int bootstrap;

  @Option(
      names = "--reference-source",
      paramLabel = "TEXT",
      description = "how the reference distribution names its cohort (default: the folder, n)")
  String referenceSource;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    long t0 = System.nanoTime();
    try (ModelRegistry registry =
        ModelRegistry.open(models, model, new InferenceSettings(device, 1, 1))) {
      CohortEvaluation evaluation = new CohortEvaluation(registry, model);
      List<Prediction> predictions;
      try (ProgressBar bar = new ProgressBar("evaluate", CohortExporter.size(cohort), "patients")) {
        predictions = evaluation.predict(cohort, bar::step);
      }
      double threshold = evaluation.card().outputs().get(0).threshold();
      EvaluationSettings d = EvaluationSettings.defaults();
      List<String> variants = evaluation.variants();
      EvaluationSettings settings =
          new EvaluationSettings(
              threshold,
              d.primaryVariant(),
              variants.subList(1, variants.size()),
              bootstrap,
              d.seed(),
              d.eceBins(),
              d.missingModalities());
      EvaluationReport report = Evaluation.evaluate(model, predictions, settings);
      report.writeTo(out);
      ModelCard card = evaluation.card();
      String graph = card.fusion().defaultGraph();
      List<Double> served =
          predictions.stream()
              .filter(p -> p.has("fused"))
              .map(p -> p.scores().get("fused"))
              .toList();
      String source =
          (referenceSource == null
                  ? "cohort " + cohort.getFileName() + ", " + served.size() + " patients"
                  : referenceSource)
              + "; fusion-cds evaluate, graph "
              + graph;
      ReferenceDistribution.of(card.id(), card.version(), graph, source, served)
          .write(out.resolve("reference-distribution.json"));
      spec.commandLine()
          .getOut()
          .printf(
              "{\"model\":\"%s\",\"patients\":%d,\"metrics\":\"%s\",\"seconds\":%.1f}%n",
              model,
              predictions.size(),
              out.resolve("metrics.json"),
              (System.nanoTime() - t0) / 1e9);
      return 0;
    }
  }
}
