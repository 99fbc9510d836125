package org.fusioncds.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * The outcome of {@code evaluate --seeds}: for each model, each variant's metrics on every unseen
 * cohort (with 95 % intervals), their minimum and median over the cohorts, the targets
 * judged on those, and the out-of-distribution abstain rates. {@link #writeTo} writes {@code
 * metrics.json} and {@code seeds.svg} (per-seed AUROC of every variant, {@link SeedChart}).
 *
 * @param patientsPerSeed cohort size
 * @param resamples bootstrap resamples per cohort
 * @param reservedSeeds seeds the models' cards name as training or validation cohorts
 * @param models model id → per-seed metrics, in seed order
 * @param singleModality model id → its single-modality variants (from the card's graph inputs)
 * @param abstention model id → cohort kind ({@code in_distribution}, {@code noise}, …) → rate
 */
public record SeedReport(
    int patientsPerSeed,
    int resamples,
    List<Long> reservedSeeds,
    Map<String, List<SeedMetrics>> models,
    Map<String, List<String>> singleModality,
    Map<String, Map<String, Double>> abstention) {

  /** The variant every target is measured against: each card's default graph. */
  public static final String FUSED = "fused";

  /** One target of the issue and whether the figures meet it. */
  public record Target(String model, String what, double value, String comparison, double bound) {
    public boolean met() {
      return comparison.equals(">=") ? value >= bound - 1e-12 : value <= bound + 1e-12;
    }
  }

  /** Min, median and max of a variant's metric over the seeds. */
  public double[] summary(String model, String variant, String metric) {
    double[] v =
        models.get(model).stream().mapToDouble(s -> s.value(variant, metric)).sorted().toArray();
    return new double[] {v[0], median(v), v[v.length - 1]};
  }

  /** Per-seed differences a − b of AUROC, sorted. */
  private double[] differences(String modelA, String a, String modelB, String b) {
    List<SeedMetrics> ma = models.get(modelA);
    List<SeedMetrics> mb = models.get(modelB);
    double[] d = new double[ma.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = ma.get(i).value(a, "auroc") - mb.get(i).value(b, "auroc");
    }
    Arrays.sort(d);
    return d;
  }

  /**
   * The targets: fused AUROC ≥ each single modality + 0.05 on the median and + 0.03 on the worst
   * seed; fused ≥ late fusion on the median; fused ECE ≤ 0.05 on the median; and for every model
   * after the first, each of its multimodal variants within 0.05 AUROC (median) of the first
   * model's fused graph.
   */
  public List<Target> targets() {
    List<Target> out = new ArrayList<>();
    List<String> ids = new ArrayList<>(models.keySet());
    for (String id : ids) {
      for (String single : singleModality.getOrDefault(id, List.of())) {
        double[] d = differences(id, FUSED, id, single);
        out.add(new Target(id, "median fused − " + single + " AUROC", median(d), ">=", 0.05));
        out.add(new Target(id, "worst-seed fused − " + single + " AUROC", d[0], ">=", 0.03));
      }
      if (models.get(id).get(0).variants().containsKey("late_fusion")) {
        double[] d = differences(id, FUSED, id, "late_fusion");
        out.add(new Target(id, "median fused − late_fusion AUROC", median(d), ">=", 0.0));
      }
      out.add(new Target(id, "median fused ECE", summary(id, FUSED, "ece")[1], "<=", 0.05));
    }
    for (String id : ids.subList(Math.min(1, ids.size()), ids.size())) {
      for (String v : models.get(id).get(0).variants().keySet()) {
        if (!singleModality.getOrDefault(id, List.of()).contains(v)) {
          double[] d = differences(ids.get(0), FUSED, id, v);
          out.add(
              new Target(
                  id,
                  "median " + ids.get(0) + " fused − " + id + " " + v + " AUROC",
                  median(d),
                  "<=",
                  0.05));
        }
      }
    }
    return out;
  }

  static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** Writes metrics.json and seeds.svg into the folder. */
  public void writeTo(Path outDir) {
    try {
      Files.createDirectories(outDir);
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(outDir.resolve("metrics.json").toFile(), json());
      Files.writeString(outDir.resolve("seeds.svg"), SeedChart.svg(this));
    } catch (IOException e) {
      throw new FcdsException(
          ErrorCode.EVAL_WRITE, "could not write the evaluation — " + outDir, e);
    }
  }

  ObjectNode json() {
    ObjectMapper m = new ObjectMapper();
    ObjectNode root = m.createObjectNode();
    List<SeedMetrics> first = models.values().iterator().next();
    ArrayNode seeds = root.putArray("seeds");
    first.forEach(s -> seeds.add(s.seed()));
    root.put("patients_per_seed", patientsPerSeed);
    ArrayNode reserved = root.putArray("reserved_seeds");
    reservedSeeds.forEach(reserved::add);
    ObjectNode boot = root.putObject("bootstrap");
    boot.put("method", Bootstrap.METHOD);
    boot.put("resamples", resamples);
    boot.put("confidence", EvaluationSettings.CONFIDENCE);
    ObjectNode ms = root.putObject("models");
    models.forEach(
        (id, list) -> {
          ObjectNode mn = ms.putObject(id);
          ArrayNode singles = mn.putArray("single_modality");
          singleModality.getOrDefault(id, List.of()).forEach(singles::add);
          ArrayNode prev = mn.putArray("prevalence_per_seed");
          list.forEach(s -> prev.add(round((double) s.positives() / s.n())));
          ObjectNode vs = mn.putObject("variants");
          for (String v : list.get(0).variants().keySet()) {
            ObjectNode vn = vs.putObject(v);
            for (String metric : SeedMetrics.METRICS) {
              ObjectNode mt = vn.putObject(metric);
              double[] s = summary(id, v, metric);
              mt.put("min", round(s[0]));
              mt.put("median", round(s[1]));
              mt.put("max", round(s[2]));
              ObjectNode per = mt.putObject("per_seed");
              for (SeedMetrics sm : list) {
                SeedMetrics.Estimate e = sm.variants().get(v).get(metric);
                ArrayNode a = per.putArray(Long.toString(sm.seed()));
                a.add(round(e.value())).add(round(e.lower())).add(round(e.upper()));
              }
            }
          }
        });
    ArrayNode targets = root.putArray("targets");
    for (Target t : targets()) {
      ObjectNode tn = targets.addObject();
      tn.put("model", t.model());
      tn.put("what", t.what());
      tn.put("value", round(t.value()));
      tn.put("target", t.comparison() + " " + t.bound());
      tn.put("met", t.met());
    }
    ObjectNode ab = root.putObject("ood_abstain_rate");
    abstention.forEach(
        (id, rates) -> {
          ObjectNode an = ab.putObject(id);
          rates.forEach((k, v) -> an.put(k, round(v)));
        });
    root.put("per_seed_format", "[value, ci95 lower, ci95 upper]");
    return root;
  }

  private static double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 10000) / 10000.0 : Double.NaN;
  }

  /** A copy of the map, for the record's immutability. */
  static <K, V> Map<K, V> copy(Map<K, V> m) {
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m));
  }
}
