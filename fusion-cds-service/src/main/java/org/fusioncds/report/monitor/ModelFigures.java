package org.fusioncds.report.monitor;

import java.util.List;
import java.util.Map;

/**
 * What the model owner's page shows of one model, per version (the JSON answer of {@code GET
 * /admin/models/{id}} is this record).
 *
 * @param model the model id
 * @param servedVersion the version this instance serves
 * @param computed when the figures were computed (ISO 8601)
 * @param source where the figures come from, in words
 * @param versions the served version first, then every other version with cards in the window
 */
public record ModelFigures(
    String model,
    String servedVersion,
    String computed,
    String source,
    List<VersionFigures> versions) {

  public ModelFigures {
    versions = List.copyOf(versions);
  }

  /** The figures of one model version; {@code alarms} empty when nothing drifted. */
  public record VersionFigures(
      String version,
      boolean served,
      Cards cards,
      Feedback feedback,
      Agreement agreement,
      Distribution distribution,
      Missingness missingness,
      Latency latencyMs,
      List<String> alarms) {

    public VersionFigures {
      alarms = List.copyOf(alarms);
    }
  }

  /** Cards issued (every hook answer's cards, info cards included). */
  public record Cards(long last7Days, long last30Days, long withResult30Days) {}

  /** CDS Hooks 2.0.1 feedback received in the last 30 days; comments are counted, never shown. */
  public record Feedback(
      long last30Days,
      long accepted,
      long overridden,
      List<ReasonCount> overrideReasons,
      long withComment) {

    public Feedback {
      overrideReasons = List.copyOf(overrideReasons);
    }
  }

  /** How often an override reason was given. */
  public record ReasonCount(String system, String code, String display, long count) {}

  /**
   * Agreement: accepted ÷ (accepted + overridden), the last outcome of each card; its 95 % Wilson
   * interval; the card's floor (null when the card sets none).
   */
  public record Agreement(long n, double rate, double lower, double upper, Double floor) {}

  /** The probabilities shown (one per result key) against the evaluation cohort's. */
  public record Distribution(Reference reference, Window last7Days, Window last30Days) {}

  /** The evaluation cohort's distribution, as {@code reference-distribution.json} holds it. */
  public record Reference(String source, String graph, int n, double[] edges, double[] fractions) {}

  /** The shares of the window's probabilities in the reference's bins, and their PSI. */
  public record Window(long n, double[] fractions, Double psi) {}

  /** Per input (as the assembly names it: {@code image}, {@code labs:crp}), the share missing. */
  public record Missingness(long results, Map<String, Double> rates) {}

  /** Hook latency (request in to answer out) over the last 30 days, in milliseconds. */
  public record Latency(long n, Double p50, Double p90, Double p99) {}
}
