package org.fusioncds.report.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.model.ModelCard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model owner's figures, from the cards this instance issued and the feedback it received:
 * {@code cdshooks.FeedbackStore} tells it of each (and replays its files at start, so the figures
 * survive a restart). Holds the last 30 days, at most {@code maxRecords} cards and as many feedback
 * items (oldest dropped first): memory is bounded whatever the traffic. Thread-safe; figures are
 * computed on demand and kept 5 s (the Prometheus scrape reads many gauges at once).
 */
public final class ModelMonitor {

  private static final Logger LOG = LoggerFactory.getLogger(ModelMonitor.class);
  static final Duration WINDOW = Duration.ofDays(30);
  static final Duration SHORT = Duration.ofDays(7);
  private static final Duration CACHE = Duration.ofSeconds(5);
  static final String SOURCE =
      "the cards this instance issued and the CDS Hooks feedback it received (cdshooks"
          + " FeedbackStore: cards.jsonl, feedback.jsonl, replayed at start), last 30 days";

  /** A card issued: its model version, the result it showed, what was missing, the latency. */
  public record Issued(
      String card,
      String model,
      String version,
      Instant at,
      String status,
      String resultKey,
      Double probability,
      List<String> missing,
      Long latencyMs) {

    public Issued {
      missing = missing == null ? null : List.copyOf(missing);
    }
  }

  /** A feedback item on a card: accepted or overridden, the reason given, whether commented. */
  public record Outcome(
      String card,
      String model,
      String version,
      Instant at,
      boolean accepted,
      String reasonSystem,
      String reasonCode,
      boolean commented) {}

  private final ModelCard card;
  private final ReferenceDistribution reference;
  private final String referenceNote;
  private final int maxRecords;
  private final Clock clock;
  private final Deque<Issued> issued = new ArrayDeque<>();
  private final Deque<Outcome> outcomes = new ArrayDeque<>();
  private final Map<String, Set<String>> alarmsRaised = new HashMap<>();
  private long skipped;
  private ModelFigures cached;
  private Instant cachedAt;

  /**
   * @param reference the evaluation cohort's distribution of the served version, or null
   * @param referenceNote why there is none (shown on the page), or null
   */
  public ModelMonitor(
      ModelCard card,
      ReferenceDistribution reference,
      String referenceNote,
      int maxRecords,
      Clock clock) {
    this.card = card;
    this.reference = reference;
    this.referenceNote = referenceNote;
    this.maxRecords = maxRecords;
    this.clock = clock;
  }

  /**
   * The monitor of the served model, with the reference distribution its card's {@code
   * monitoring.reference} names in {@code modelFolder}: absent, unreadable (FCDS-6302) or made for
   * another version (FCDS-6303) leaves the PSI out, with a WARN and a note on the page.
   */
  public static ModelMonitor forModel(ModelCard card, Path modelFolder, int maxRecords) {
    ModelCard.Monitoring m = card.monitoring();
    if (m == null || m.reference() == null) {
      return new ModelMonitor(
          card,
          null,
          "the model card names no monitoring.reference",
          maxRecords,
          Clock.systemUTC());
    }
    Path file = modelFolder.resolve(m.reference());
    if (!Files.exists(file)) {
      String note = "no reference distribution at " + file;
      LOG.warn("{}", ErrorCode.MODEL_REFERENCE_UNREADABLE.format(note));
      return new ModelMonitor(card, null, note, maxRecords, Clock.systemUTC());
    }
    try {
      ReferenceDistribution r = ReferenceDistribution.read(file);
      if (!r.model().equals(card.id()) || !r.version().equals(card.version())) {
        String note =
            "the reference distribution was made for "
                + r.model()
                + " "
                + r.version()
                + ", not "
                + card.id()
                + " "
                + card.version();
        LOG.warn("{}", ErrorCode.MODEL_REFERENCE_MISMATCH.format(note + " — " + file));
        return new ModelMonitor(card, null, note, maxRecords, Clock.systemUTC());
      }
      return new ModelMonitor(card, r, null, maxRecords, Clock.systemUTC());
    } catch (FcdsException e) {
      LOG.warn("{}", e.getMessage());
      return new ModelMonitor(card, null, e.codeText(), maxRecords, Clock.systemUTC());
    }
  }

  /** A card was issued. */
  public synchronized void issued(Issued i) {
    issued.addLast(i);
    trim(issued, Issued::at);
    cached = null;
  }

  /** A feedback item was received. */
  public synchronized void feedback(Outcome o) {
    outcomes.addLast(o);
    trim(outcomes, Outcome::at);
    cached = null;
  }

  /** A line of {@code cards.jsonl}; one that cannot be read is skipped (WARN FCDS-6304). */
  public void issuedLine(JsonNode n) {
    try {
      issued(
          new Issued(
              n.path("card").asText(),
              n.path("model").asText(),
              n.path("modelVersion").asText(),
              Instant.parse(n.path("issued").asText()),
              n.path("status").asText(null),
              n.path("resultKey").asText(null),
              n.path("probability").isNumber() ? n.path("probability").asDouble() : null,
              n.has("missing") ? strings(n.path("missing")) : null,
              n.path("latencyMs").isNumber() ? n.path("latencyMs").asLong() : null));
    } catch (RuntimeException e) {
      skip("cards.jsonl", e);
    }
  }

  /** A line of {@code feedback.jsonl}; one that cannot be read is skipped (WARN FCDS-6304). */
  public void feedbackLine(JsonNode n) {
    try {
      JsonNode reason = n.path("overrideReason").path("reason");
      feedback(
          new Outcome(
              n.path("card").asText(),
              n.path("model").asText(),
              n.path("modelVersion").asText(),
              Instant.parse(n.path("received").asText()),
              "accepted".equals(n.path("outcome").asText()),
              reason.path("system").asText(null),
              reason.path("code").asText(null),
              !n.path("overrideReason").path("userComment").asText("").isBlank()));
    } catch (RuntimeException e) {
      skip("feedback.jsonl", e);
    }
  }

  private synchronized void skip(String file, RuntimeException e) {
    skipped++;
    LOG.warn(
        "{}",
        ErrorCode.MODEL_MONITOR_RECORD_SKIPPED.format(
            "a line of " + file + " could not be read and is skipped — " + e));
  }

  /** Lines skipped since start. */
  public synchronized long skipped() {
    return skipped;
  }

  private <T> void trim(Deque<T> q, java.util.function.Function<T, Instant> at) {
    Instant from = clock.instant().minus(WINDOW);
    while (!q.isEmpty() && (q.size() > maxRecords || at.apply(q.peekFirst()).isBefore(from))) {
      q.removeFirst();
    }
  }

  /** The served model's id. */
  public String modelId() {
    return card.id();
  }

  /** The versions of the served model the page shows: the served one first. */
  public synchronized List<String> versions() {
    Set<String> v = new LinkedHashSet<>(List.of(card.version()));
    issued.stream().filter(i -> card.id().equals(i.model())).forEach(i -> v.add(i.version()));
    return List.copyOf(v);
  }

  /**
   * The figures of {@code modelId}: FCDS-6301 when it is neither served here nor named by a card in
   * the window. Raising or clearing a drift alarm logs once (WARN FCDS-6300 / INFO).
   */
  public synchronized ModelFigures figures(String modelId) {
    if (!card.id().equals(modelId)) {
      throw new UnknownModel(
          "no model with that id is served or was monitored — "
              + (modelId == null
                  ? "none"
                  : modelId.length() > 64 ? modelId.substring(0, 64) : modelId));
    }
    Instant now = clock.instant();
    if (cached != null && cachedAt.plus(CACHE).isAfter(now)) {
      return cached;
    }
    trim(issued, Issued::at);
    trim(outcomes, Outcome::at);
    List<ModelFigures.VersionFigures> versions = new ArrayList<>();
    for (String v : versions()) {
      versions.add(version(v, now));
    }
    String source =
        SOURCE
            + (reference == null
                ? "; no reference distribution: " + referenceNote
                : "; reference: " + reference.source());
    cached = new ModelFigures(card.id(), card.version(), now.toString(), source, versions);
    cachedAt = now;
    return cached;
  }

  private ModelFigures.VersionFigures version(String v, Instant now) {
    boolean served = v.equals(card.version());
    Instant week = now.minus(SHORT);
    Instant month = now.minus(WINDOW);
    List<Issued> mine =
        issued.stream()
            .filter(i -> card.id().equals(i.model()) && v.equals(i.version()))
            .filter(i -> !i.at().isBefore(month))
            .toList();
    long last7 = mine.stream().filter(i -> !i.at().isBefore(week)).count();
    Map<String, Issued> results30 = new LinkedHashMap<>();
    Map<String, Issued> results7 = new LinkedHashMap<>();
    List<Long> latencies = new ArrayList<>();
    for (Issued i : mine) {
      if (i.latencyMs() != null) {
        latencies.add(i.latencyMs());
      }
      if (i.probability() != null) {
        String key = i.resultKey() == null ? i.card() : i.resultKey();
        results30.put(key, i);
        if (!i.at().isBefore(week)) {
          results7.put(key, i);
        }
      }
    }
    ModelFigures.Cards cards = new ModelFigures.Cards(last7, mine.size(), results30.size());
    ModelFigures.Feedback feedback = feedback(v);
    ModelFigures.Agreement agreement = agreement(v);
    ModelFigures.Distribution distribution =
        served && reference != null
            ? new ModelFigures.Distribution(
                new ModelFigures.Reference(
                    reference.source(),
                    reference.graph(),
                    reference.n(),
                    reference.edges(),
                    reference.fractions()),
                window(results7.values()),
                window(results30.values()))
            : null;
    List<String> alarms = alarms(distribution, agreement);
    log(v, alarms);
    return new ModelFigures.VersionFigures(
        v,
        served,
        cards,
        feedback,
        agreement,
        distribution,
        missingness(results30.values()),
        latency(latencies),
        alarms);
  }

  private ModelFigures.Feedback feedback(String v) {
    long accepted = 0;
    long overridden = 0;
    long commented = 0;
    Map<String, Long> reasons = new TreeMap<>();
    List<Outcome> mine = outcomes(v);
    for (Outcome o : mine) {
      if (o.accepted()) {
        accepted++;
      } else {
        overridden++;
        if (o.reasonCode() != null) {
          reasons.merge(o.reasonSystem() + "|" + o.reasonCode(), 1L, Long::sum);
        }
      }
      commented += o.commented() ? 1 : 0;
    }
    List<ModelFigures.ReasonCount> counts = new ArrayList<>();
    reasons.forEach(
        (k, n) -> {
          String system = k.substring(0, k.lastIndexOf('|'));
          String code = k.substring(k.lastIndexOf('|') + 1);
          String display =
              card.overrideReasons().stream()
                  .filter(r -> r.system().equals(system) && r.code().equals(code))
                  .map(ModelCard.Coding::display)
                  .findFirst()
                  .orElse(code);
          counts.add(new ModelFigures.ReasonCount(system, code, display, n));
        });
    return new ModelFigures.Feedback(mine.size(), accepted, overridden, counts, commented);
  }

  private List<Outcome> outcomes(String v) {
    Instant month = clock.instant().minus(WINDOW);
    return outcomes.stream()
        .filter(o -> card.id().equals(o.model()) && v.equals(o.version()))
        .filter(o -> !o.at().isBefore(month))
        .toList();
  }

  /** The last outcome of each card counts once. */
  private ModelFigures.Agreement agreement(String v) {
    Map<String, Boolean> last = new LinkedHashMap<>();
    outcomes(v).forEach(o -> last.put(o.card(), o.accepted()));
    long n = last.size();
    if (n == 0) {
      return null;
    }
    long k = last.values().stream().filter(Boolean::booleanValue).count();
    double[] ci = MonitorMath.wilson(k, n);
    ModelCard.Monitoring m = card.monitoring();
    return new ModelFigures.Agreement(
        n, k / (double) n, ci[0], ci[1], m == null ? null : m.agreementFloor());
  }

  private ModelFigures.Window window(java.util.Collection<Issued> results) {
    long[] counts = new long[ReferenceDistribution.BINS];
    results.forEach(i -> counts[reference.bin(i.probability())]++);
    double[] fractions = new double[counts.length];
    for (int b = 0; b < counts.length; b++) {
      fractions[b] = results.isEmpty() ? 0 : counts[b] / (double) results.size();
    }
    Double psi = results.isEmpty() ? null : MonitorMath.psi(reference.fractions(), fractions);
    return new ModelFigures.Window(results.size(), fractions, psi);
  }

  private List<String> alarms(ModelFigures.Distribution d, ModelFigures.Agreement a) {
    ModelCard.Monitoring m =
        card.monitoring() == null
            ? new ModelCard.Monitoring(null, null, null, null, null)
            : card.monitoring();
    List<String> alarms = new ArrayList<>();
    if (d != null) {
      psiAlarm("7 days", d.last7Days(), m, alarms);
      psiAlarm("30 days", d.last30Days(), m, alarms);
    }
    if (a != null && a.floor() != null && a.n() >= m.feedbackNeeded() && a.upper() < a.floor()) {
      alarms.add(
          String.format(
              java.util.Locale.ROOT,
              "agreement %.2f (95 %% CI %.2f–%.2f, %d cards) is below the card's floor %.2f",
              a.rate(),
              a.lower(),
              a.upper(),
              a.n(),
              a.floor()));
    }
    return alarms;
  }

  private static void psiAlarm(
      String window, ModelFigures.Window w, ModelCard.Monitoring m, List<String> alarms) {
    if (w.psi() != null && w.n() >= m.resultsNeeded() && w.psi() > m.psiLimit()) {
      alarms.add(
          String.format(
              java.util.Locale.ROOT,
              "PSI of the last %s %.3f > %.2f (%d results against the evaluation cohort)",
              window,
              w.psi(),
              m.psiLimit(),
              w.n()));
    }
  }

  private void log(String version, List<String> alarms) {
    Set<String> now = Set.copyOf(alarms.stream().map(a -> a.replaceAll("[0-9.]+", "#")).toList());
    Set<String> before = alarmsRaised.getOrDefault(version, Set.of());
    if (!now.equals(before)) {
      if (alarms.isEmpty()) {
        LOG.info("drift alarm cleared for model {} {}", card.id(), version);
      } else {
        LOG.warn(
            "{}",
            ErrorCode.MODEL_DRIFT_ALARM.format(
                "drift alarm for model "
                    + card.id()
                    + " "
                    + version
                    + " — "
                    + String.join("; ", alarms)));
      }
      alarmsRaised.put(version, now);
    }
  }

  private ModelFigures.Missingness missingness(java.util.Collection<Issued> results) {
    Map<String, Double> rates = new LinkedHashMap<>();
    List<Issued> known = results.stream().filter(i -> i.missing() != null).toList();
    for (String input : inputNames()) {
      long missing = known.stream().filter(i -> i.missing().contains(input)).count();
      rates.put(input, known.isEmpty() ? 0.0 : missing / (double) known.size());
    }
    known.stream()
        .flatMap(i -> i.missing().stream())
        .distinct()
        .filter(x -> !rates.containsKey(x))
        .forEach(
            x ->
                rates.put(
                    x,
                    known.stream().filter(i -> i.missing().contains(x)).count()
                        / (double) known.size()));
    return new ModelFigures.Missingness(known.size(), rates);
  }

  /**
   * The card's inputs as the assembly names a missing one ({@code assemble.InputAssembler}): {@code
   * image}, {@code labs:<feature>} for observations, {@code conditions:<feature>}, {@code
   * demographics:<feature>}.
   */
  private List<String> inputNames() {
    List<String> names = new ArrayList<>();
    if (card.image() != null) {
      names.add("image");
    }
    for (ModelCard.Feature f :
        card.features() == null ? List.<ModelCard.Feature>of() : card.features()) {
      String kind =
          switch (f.source()) {
            case "observation" -> "labs";
            case "condition" -> "conditions";
            default -> "demographics";
          };
      names.add(kind + ":" + f.name());
    }
    return names;
  }

  private static ModelFigures.Latency latency(List<Long> ms) {
    double[] sorted = ms.stream().mapToDouble(Long::doubleValue).sorted().toArray();
    if (sorted.length == 0) {
      return new ModelFigures.Latency(0, null, null, null);
    }
    return new ModelFigures.Latency(
        sorted.length,
        MonitorMath.quantile(sorted, 0.5),
        MonitorMath.quantile(sorted, 0.9),
        MonitorMath.quantile(sorted, 0.99));
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(x -> out.add(x.asText()));
    return out;
  }

  @Override
  public String toString() {
    return "ModelMonitor[" + card.id() + " " + card.version() + ", at most " + maxRecords + "]";
  }

  /**
   * A Prometheus gauge of the figures: name, description, tags (name, value, …) and its reading.
   */
  public record GaugeSpec(
      String name,
      String description,
      List<String> tags,
      java.util.function.DoubleSupplier value) {}

  /**
   * The gauges of every version known now (the served one, and those with cards in the window):
   * cards issued (7 and 30 days), feedback received, agreement and its bounds, PSI (7 and 30 days),
   * each input's missing rate, latency quantiles, and the drift alarm (1 raised, 0 not). NaN when a
   * figure is not known (no feedback, no reference, no results).
   */
  public List<GaugeSpec> gauges() {
    List<GaugeSpec> g = new ArrayList<>();
    for (String v : versions()) {
      List<String> t = List.of("model", card.id(), "version", v);
      g.add(
          spec(
              "fcds.model.cards",
              "cards issued",
              t,
              "window",
              "7d",
              f -> f.cards().last7Days(),
              v));
      g.add(
          spec(
              "fcds.model.cards",
              "cards issued",
              t,
              "window",
              "30d",
              f -> f.cards().last30Days(),
              v));
      g.add(
          spec(
              "fcds.model.feedback",
              "CDS Hooks feedback received, last 30 days",
              t,
              null,
              null,
              f -> f.feedback().last30Days(),
              v));
      g.add(
          spec(
              "fcds.model.agreement",
              "clinicians' agreement (accepted share) and its 95 % Wilson bounds",
              t,
              "bound",
              "rate",
              f -> f.agreement() == null ? Double.NaN : f.agreement().rate(),
              v));
      g.add(
          spec(
              "fcds.model.agreement",
              "clinicians' agreement (accepted share) and its 95 % Wilson bounds",
              t,
              "bound",
              "lower",
              f -> f.agreement() == null ? Double.NaN : f.agreement().lower(),
              v));
      g.add(
          spec(
              "fcds.model.agreement",
              "clinicians' agreement (accepted share) and its 95 % Wilson bounds",
              t,
              "bound",
              "upper",
              f -> f.agreement() == null ? Double.NaN : f.agreement().upper(),
              v));
      g.add(
          spec(
              "fcds.model.psi",
              "population stability index of the probabilities against the evaluation cohort",
              t,
              "window",
              "7d",
              f -> psi(f, true),
              v));
      g.add(
          spec(
              "fcds.model.psi",
              "population stability index of the probabilities against the evaluation cohort",
              t,
              "window",
              "30d",
              f -> psi(f, false),
              v));
      for (String input : inputNames()) {
        g.add(
            spec(
                "fcds.model.missing",
                "share of results missing the input, last 30 days",
                t,
                "input",
                input,
                f -> f.missingness().rates().getOrDefault(input, Double.NaN),
                v));
      }
      for (String q : List.of("0.5", "0.9", "0.99")) {
        g.add(
            spec(
                "fcds.model.latency.ms",
                "hook latency quantile, last 30 days",
                t,
                "quantile",
                q,
                f -> latency(f.latencyMs(), q),
                v));
      }
      g.add(
          spec(
              "fcds.model.drift.alarm",
              "1 when the drift alarm is raised (FCDS-6300)",
              t,
              null,
              null,
              f -> f.alarms().isEmpty() ? 0 : 1,
              v));
    }
    return g;
  }

  private GaugeSpec spec(
      String name,
      String description,
      List<String> tags,
      String tag,
      String value,
      java.util.function.ToDoubleFunction<ModelFigures.VersionFigures> read,
      String version) {
    List<String> all = new ArrayList<>(tags);
    if (tag != null) {
      all.add(tag);
      all.add(value);
    }
    return new GaugeSpec(
        name,
        description,
        all,
        () ->
            figures(card.id()).versions().stream()
                .filter(f -> f.version().equals(version))
                .mapToDouble(read)
                .findFirst()
                .orElse(Double.NaN));
  }

  private static double psi(ModelFigures.VersionFigures f, boolean week) {
    if (f.distribution() == null) {
      return Double.NaN;
    }
    Double p = (week ? f.distribution().last7Days() : f.distribution().last30Days()).psi();
    return p == null ? Double.NaN : p;
  }

  private static double latency(ModelFigures.Latency l, String q) {
    Double v =
        switch (q) {
          case "0.5" -> l.p50();
          case "0.9" -> l.p90();
          default -> l.p99();
        };
    return v == null ? Double.NaN : v;
  }
}
