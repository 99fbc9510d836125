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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code evaluate --cohort DIR --model ID --out OUT}: the service's assembly and inference over
 * every patient of a labelled cohort, then discrimination, calibration and their uncertainty for
 * each fusion strategy: {@code OUT/metrics.json}, {@code OUT/roc.png}, {@code OUT/calibration.png}.
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
