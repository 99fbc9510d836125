package org.fusioncds.observe;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;

/**
 * The service's own meters, beside Camel's route timers and the JVM's, on the registry that
 * camel-micrometer-prometheus serves at the management port's {@code /metrics}: recall outcomes
 * (the cached path's hit rate), the index size, the audit backlog and the events shipped, and per
 * graph the micro-batcher's batches, samples and queue, the outbound answers by target, server and
 * status, and the model owner's figures ({@link Source#figures}). Registered when the context has
 * started (the registry exists then); nothing when metrics are off. Micrometer holds a meter's
 * source weakly: the instance binds itself into the Camel registry, which keeps it (and its source)
 * for the context's life; without that the counters read 0 once the source was collected.
 */
public final class ServiceMetrics implements StartupListener {

  /** What the meters read; each method is called at every scrape. */
  public interface Source {
    long recallHits();

    long recallChanged();

    long recallNothingRemembered();

    long recallEntries();

    int auditBacklog();

    long auditShipped();

    /** Every graph's micro-batcher, as now. */
    List<Batcher> batchers();

    /** The outbound answers counted by the FHIR and DICOMweb clients. */
    OutboundCalls outbound();

    /** The FHIR servers' change feeds, summed over the servers. */
    default Feeds feeds() {
      return new Feeds(0, 0, 0, 0, 0, 0);
    }

    /** Reports a card named that are not written yet ({@code cds.card-timing=before-report}). */
    default int reportsPending() {
      return 0;
    }

    /** Further gauges, registered once at start (the model owner's figures). */
    default List<Figure> figures() {
      return List.of();
    }
  }

  /**
   * A gauge: its name (dotted, Micrometer style), description, tags (name, value, …) and what it
   * reads at each scrape (NaN: not known).
   */
  public record Figure(
      String name, String description, List<String> tags, java.util.function.DoubleSupplier value) {

    public Figure {
      tags = List.copyOf(tags);
    }
  }

  /**
   * The change feeds of the cached path: polls done, polls failed, changes reported, polls that
   * overflowed, hooks whose poll was late, feeds turned off (their servers' hooks are checked one
   * batch each).
   */
  public record Feeds(
      long polls, long failures, long changes, long overflows, long late, int off) {}

  /** One graph's batcher: batches and samples run so far, samples waiting now. */
  public record Batcher(String model, String graph, long batches, long samples, int waiting) {}

  private final Source source;

  public ServiceMetrics(Source source) {
    this.source = source;
  }

  @Override
  public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
    MeterRegistry registry = context.getRegistry().findSingleByType(MeterRegistry.class);
    if (registry != null) {
      context.getRegistry().bind("serviceMetrics", this);
      register(registry);
    }
  }

  /** Registers the meters on {@code registry}. */
  public void register(MeterRegistry registry) {
    recall(
        registry,
        "hit",
        "answered from the index (one change-feed poll shared, or one FHIR batch)",
        s -> s.recallHits());
    FunctionCounter.builder("fcds.recall.feed.polls", source, s -> s.feeds().polls())
        .description("polls of the FHIR servers' change feeds (each shared by the hooks waiting)")
        .register(registry);
    FunctionCounter.builder("fcds.recall.feed.failures", source, s -> s.feeds().failures())
        .description("change-feed polls that failed (their hooks took the per-hook batch)")
        .register(registry);
    FunctionCounter.builder("fcds.recall.feed.changes", source, s -> s.feeds().changes())
        .description("resource versions the change feeds reported")
        .register(registry);
    FunctionCounter.builder("fcds.recall.feed.overflows", source, s -> s.feeds().overflows())
        .description(
            "polls that could not read every change (a bulk load): remembered results were"
                + " proved by the hooks' own batches")
        .register(registry);
    FunctionCounter.builder("fcds.recall.feed.late", source, s -> s.feeds().late())
        .description(
            "hooks whose poll did not end within cds.recall.feed.wait-ms: each took the per-hook"
                + " batch")
        .register(registry);
    Gauge.builder("fcds.recall.feed.off", source, s -> s.feeds().off())
        .description("FHIR servers whose change feed is off (FCDS-3011/3012 in the log)")
        .strongReference(true)
        .register(registry);
    recall(
        registry,
        "changed",
        "an input or the report changed: gathered in full",
        s -> s.recallChanged());
    recall(
        registry,
        "none",
        "no result remembered for the patient: gathered in full",
        s -> s.recallNothingRemembered());
    Gauge.builder("fcds.recall.entries", source, s -> s.recallEntries())
        .description("patients in the index of recent results")
        .strongReference(true)
        .register(registry);
    Gauge.builder("fcds.audit.backlog", source, s -> s.auditBacklog())
        .description("AuditEvents in the journal, not yet shipped")
        .strongReference(true)
        .register(registry);
    Gauge.builder("fcds.report.pending", source, s -> s.reportsPending())
        .description(
            "reports a card named and the write-back has not written yet (before-report; a"
                + " failed write stays pending until the next start evaluates it again)")
        .strongReference(true)
        .register(registry);
    FunctionCounter.builder("fcds.audit.shipped", source, s -> s.auditShipped())
        .description("AuditEvents the audit repository accepted")
        .register(registry);
    for (Batcher b : source.batchers()) {
      batcher(registry, b);
    }
    for (Figure f : source.figures()) {
      Gauge.builder(f.name(), f.value(), java.util.function.DoubleSupplier::getAsDouble)
          .tags(f.tags().toArray(String[]::new))
          .description(f.description())
          .strongReference(true)
          .register(registry);
    }
    OutboundCalls outbound = source.outbound();
    outbound.onNewKey(
        k ->
            FunctionCounter.builder("fcds.outbound.answers", outbound, o -> o.count(k))
                .tags(
                    "target",
                    k.target(),
                    "server",
                    k.server(),
                    "status",
                    Integer.toString(k.status()))
                .description("HTTP answers of the FHIR and DICOMweb servers the service called")
                .register(registry));
  }

  /** Batches, samples (samples ÷ batches = the mean batch size) and the queue of one graph. */
  private void batcher(MeterRegistry registry, Batcher b) {
    Tags tags = Tags.of("model", b.model(), "graph", b.graph());
    FunctionCounter.builder("fcds.inference.batches", source, s -> now(s, b).batches())
        .tags(tags)
        .description("session.run calls of the graph's micro-batcher")
        .register(registry);
    FunctionCounter.builder("fcds.inference.samples", source, s -> now(s, b).samples())
        .tags(tags)
        .description("evaluations run by the graph's micro-batcher (÷ batches: mean batch size)")
        .register(registry);
    Gauge.builder("fcds.inference.waiting", source, s -> now(s, b).waiting())
        .tags(tags)
        .description("evaluations waiting for the graph's next batch")
        .strongReference(true)
        .register(registry);
  }

  private static Batcher now(Source s, Batcher b) {
    return s.batchers().stream()
        .filter(x -> x.model().equals(b.model()) && x.graph().equals(b.graph()))
        .findFirst()
        .orElse(new Batcher(b.model(), b.graph(), 0, 0, 0));
  }

  private void recall(
      MeterRegistry registry, String result, String description, ToDoubleFunction<Source> f) {
    FunctionCounter.builder("fcds.recall", source, f)
        .tag("result", result)
        .description("hooks by what the freshness check found: " + description)
        .register(registry);
  }
}
