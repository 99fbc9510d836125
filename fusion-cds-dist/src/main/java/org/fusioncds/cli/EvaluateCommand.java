package org.fusioncds.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.evaluate.CohortEvaluation;
import org.fusioncds.evaluate.Evaluation;
import org.fusioncds.evaluate.EvaluationReport;
import org.fusioncds.evaluate.EvaluationSettings;
import org.fusioncds.evaluate.Prediction;
import org.fusioncds.evaluate.ProgressBar;
import org.fusioncds.evaluate.SeedList;
import org.fusioncds.evaluate.SeedMetrics;
import org.fusioncds.evaluate.SeedReport;
import org.fusioncds.export.CohortExporter;
import org.fusioncds.inference.InferenceSettings;
import org.fusioncds.inference.ModelRegistry;
import org.fusioncds.model.ModelCard;
import org.fusioncds.report.monitor.ReferenceDistribution;
import org.fusioncds.sandbox.cohort.CohortShift;
import org.fusioncds.sandbox.cohort.ModelCohorts;
import org.fusioncds.sandbox.cohort.VisitFrame;
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
 *
 * <p>{@code evaluate --seeds 10 --model A[,B] --out OUT}: generates unseen cohorts (seeds the
 * cards' {@code trainingCohorts} do not name), evaluates every strategy of every model on the same
 * cohorts, and writes per-seed metrics with intervals, min and median over the seeds, the targets
 * and the out-of-distribution abstain rates ({@code --ood-cohorts}) to {@code OUT/metrics.json} and
 * {@code OUT/seeds.svg} (ARCHITECTURE 9i).
 */
@Command(
    name = "evaluate",
    description =
        "Evaluate a model on a labelled cohort (--cohort: metrics.json, roc.png, calibration.png)"
            + " or on generated unseen cohorts (--seeds: metrics.json, seeds.svg).")
public final class EvaluateCommand implements Callable<Integer> {

  @Option(names = "--cohort", paramLabel = "DIR", description = "a labelled cohort folder")
  Path cohort;

  @Option(
      names = "--model",
      required = true,
      split = ",",
      paramLabel = "ID",
      description = "model id; with --seeds a comma-separated list (the first is the reference)")
  List<String> model;

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
      names = "--seeds",
      paramLabel = "N|S1,S2,…",
      description =
          "generate unseen cohorts: a count (from --first-seed on) or a comma-separated list; a"
              + " seed a card names in trainingCohorts is refused (FCDS-8600)")
  String seeds;

  @Option(names = "--first-seed", defaultValue = "401", paramLabel = "S")
  long firstSeed;

  @Option(names = "--patients", defaultValue = "500", paramLabel = "N", description = "per seed")
  int patients;

  @Option(
      names = "--ood-cohorts",
      split = ",",
      paramLabel = "KIND",
      description = "out-of-distribution cohorts to report abstain rates on: noise,corrupted,…")
  List<String> oodKinds = List.of();

  @Option(names = "--ood-patients", defaultValue = "200", paramLabel = "N")
  int oodPatients;

  @Option(
      names = "--work",
      paramLabel = "DIR",
      description =
          "where the generated cohorts are kept (default OUT/cohorts; reused when present)")
  Path work;

  @Option(
      names = "--reference-source",
      paramLabel = "TEXT",
      description = "how the reference distribution names its cohort (default: the folder, n)")
  String referenceSource;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if ((cohort == null) == (seeds == null) || (cohort != null && model.size() != 1)) {
      throw new FcdsException(
          ErrorCode.EVAL_SEEDS_INVALID,
          "give --cohort DIR with one --model, or --seeds with one or more — "
              + (cohort == null ? "neither" : "--cohort with " + model));
    }
    return cohort != null ? oneCohort() : seeds();
  }

  private int oneCohort() {
    long t0 = System.nanoTime();
    String id = model.get(0);
    try (ModelRegistry registry =
        ModelRegistry.open(models, id, new InferenceSettings(device, 1, 1))) {
      CohortEvaluation evaluation = new CohortEvaluation(registry, id);
      List<Prediction> predictions;
      try (ProgressBar bar = new ProgressBar("evaluate", CohortExporter.size(cohort), "patients")) {
        predictions = evaluation.predict(cohort, bar::step);
      }
      EvaluationReport report =
          Evaluation.evaluate(id, predictions, settings(evaluation, evaluation.variants()));
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
              id, predictions.size(), out.resolve("metrics.json"), (System.nanoTime() - t0) / 1e9);
      return 0;
    }
  }

  private EvaluationSettings settings(CohortEvaluation evaluation, List<String> variants) {
    EvaluationSettings d = EvaluationSettings.defaults();
    return new EvaluationSettings(
        evaluation.card().outputs().get(0).threshold(),
        d.primaryVariant(),
        variants.subList(1, variants.size()),
        bootstrap,
        d.seed(),
        d.eceBins(),
        d.missingModalities());
  }

  private int seeds() {
    long t0 = System.nanoTime();
    Path cohorts = work != null ? work : out.resolve("cohorts");
    List<ModelRegistry> registries = new ArrayList<>();
    try {
      Map<String, CohortEvaluation> evaluations = new LinkedHashMap<>();
      TreeSet<Long> reserved = new TreeSet<>();
      for (String id : model) {
        ModelRegistry r = ModelRegistry.open(models, id, new InferenceSettings(device, 1, 1));
        registries.add(r);
        CohortEvaluation e = new CohortEvaluation(r, id);
        evaluations.put(id, e);
        e.card().trainingCohorts().forEach(c -> reserved.add(c.seed()));
      }
      List<Long> seedList = SeedList.parse(seeds, firstSeed, reserved);
      Map<String, List<SeedMetrics>> perModel = new LinkedHashMap<>();
      Map<String, List<Double>> distances = new LinkedHashMap<>();
      Map<String, Double> thresholds = new LinkedHashMap<>();
      for (long seed : seedList) {
        for (Map.Entry<String, CohortEvaluation> e : evaluations.entrySet()) {
          CohortEvaluation ev = e.getValue();
          Path dir = seedCohort(cohorts, e.getKey(), patients, seed);
          CohortEvaluation.Screened s;
          try (ProgressBar bar =
              new ProgressBar("seed " + seed + " " + e.getKey(), patients, "patients")) {
            s = ev.predictScreened(dir, bar::step);
          }
          ModelCard card = ev.card();
          perModel
              .computeIfAbsent(e.getKey(), k -> new ArrayList<>())
              .add(
                  SeedMetrics.of(
                      seed,
                      s.predictions(),
                      ev.variants(),
                      card.outputs().get(0).threshold(),
                      bootstrap,
                      EvaluationSettings.defaults().seed(),
                      EvaluationSettings.defaults().eceBins()));
          if (s.distances().length > 0) {
            List<Double> d = distances.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
            for (double v : s.distances()) {
              d.add(v);
            }
            thresholds.put(e.getKey(), s.threshold());
          }
        }
      }
      Map<String, Map<String, Double>> abstention = new LinkedHashMap<>();
      distances.forEach(
          (id, d) -> {
            double t = thresholds.get(id);
            Map<String, Double> rates = new LinkedHashMap<>();
            rates.put("in_distribution", d.stream().filter(v -> v > t).count() / (double) d.size());
            abstention.put(id, rates);
          });
      for (String kind : oodKinds) {
        CohortShift shift = CohortShift.of(kind);
        long seed = seedList.get(0);
        Path dir =
            cohort(
                "cap-fusion",
                cohorts.resolve("ood-" + shift.word() + "-" + seed),
                oodPatients,
                seed,
                shift);
        evaluations.forEach(
            (id, ev) -> {
              if (!ModelCohorts.generator(id).equals("radiograph")) {
                return; // no out-of-distribution cohort of its kind (a chest radiograph's)
              }
              CohortEvaluation.Screened s = ev.screen(dir);
              if (s != null) {
                abstention
                    .computeIfAbsent(id, k -> new LinkedHashMap<>())
                    .put(shift.word(), s.abstainRate());
              }
            });
      }
      Map<String, List<String>> singles = new LinkedHashMap<>();
      evaluations.forEach((id, ev) -> singles.put(id, ev.singleModalityVariants()));
      SeedReport report =
          new SeedReport(patients, bootstrap, List.copyOf(reserved), perModel, singles, abstention);
      report.writeTo(out);
      print(report, seedList, t0);
      return 0;
    } finally {
      registries.forEach(ModelRegistry::close);
    }
  }

  /**
   * The unseen cohort of a seed for a model: the radiograph models share {@code seed-S}, another
   * generator's cohort is {@code <generator>-seed-S}.
   */
  private static Path seedCohort(Path cohorts, String model, int n, long seed) {
    String generator = ModelCohorts.generator(model);
    String name = (generator.equals("radiograph") ? "" : generator + "-") + "seed-" + seed;
    return cohort(model, cohorts.resolve(name), n, seed, CohortShift.NONE);
  }

  private static Path cohort(String model, Path dir, int n, long seed, CohortShift shift) {
    if (Files.isRegularFile(dir.resolve("labels.csv")) && CohortExporter.size(dir) == n) {
      return dir; // generated before with the same seed, size and shift: same bytes
    }
    ModelCohorts.generate(model, n, seed, dir, VisitFrame.YEAR_2025, shift);
    return dir;
  }

  private void print(SeedReport report, List<Long> seedList, long t0) {
    var o = spec.commandLine().getOut();
    for (SeedReport.Target t : report.targets()) {
      o.printf(
          Locale.ROOT,
          "%-4s %s: %s: %.3f (target %s %.2f)%n",
          t.met() ? "MET" : "MISS",
          t.model(),
          t.what(),
          t.value(),
          t.comparison(),
          t.bound());
    }
    report
        .abstention()
        .forEach(
            (id, rates) ->
                rates.forEach(
                    (kind, rate) ->
                        o.printf(Locale.ROOT, "abstain %s %s: %.3f%n", id, kind, rate)));
    o.printf(
        Locale.ROOT,
        "{\"models\":\"%s\",\"seeds\":%d,\"patients_per_seed\":%d,\"metrics\":\"%s\","
            + "\"seconds\":%.1f}%n",
        String.join(",", model),
        seedList.size(),
        patients,
        out.resolve("metrics.json"),
        (System.nanoTime() - t0) / 1e9);
  }
}
