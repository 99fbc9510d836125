package org.fusioncds.report.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model owner's figures of every served model: one {@link ModelMonitor} each, the primary
 * first. A card or feedback line goes to the monitor of the model it names (a model no longer
 * served: the primary's, as before there were several); the page of a model is its monitor's; the
 * gauges are all of theirs (each tagged with its model). Thread-safe as its monitors are.
 */
public final class ModelMonitors {

  private final Map<String, ModelMonitor> byModel;
  private final ModelMonitor primary;

  /**
   * @param monitors one per served model, the primary first
   */
  public ModelMonitors(List<ModelMonitor> monitors) {
    if (monitors.isEmpty()) {
      throw new IllegalArgumentException("no served model");
    }
    Map<String, ModelMonitor> m = new LinkedHashMap<>();
    monitors.forEach(x -> m.putIfAbsent(x.modelId(), x));
    this.byModel = java.util.Collections.unmodifiableMap(m);
    this.primary = monitors.get(0);
  }

  /** One served model. */
  public static ModelMonitors of(ModelMonitor only) {
    return new ModelMonitors(List.of(only));
  }

  /** A line of {@code cards.jsonl}, to the monitor of its {@code model}. */
  public void issuedLine(JsonNode n) {
    of(n).issuedLine(n);
  }

  /** A card just issued, to the monitor of its model. */
  public void issued(ModelMonitor.Issued i) {
    of(i.model()).issued(i);
  }

  /** A line of {@code feedback.jsonl}, to the monitor of its {@code model}. */
  public void feedbackLine(JsonNode n) {
    of(n).feedbackLine(n);
  }

  /** The figures of a served model; FCDS-6301 for any other. */
  public ModelFigures figures(String modelId) {
    return of(modelId).figures(modelId);
  }

  /** Every model's gauges. */
  public List<ModelMonitor.GaugeSpec> gauges() {
    List<ModelMonitor.GaugeSpec> all = new ArrayList<>();
    byModel.values().forEach(m -> all.addAll(m.gauges()));
    return all;
  }

  /** Lines skipped since start, all models. */
  public long skipped() {
    return byModel.values().stream().mapToLong(ModelMonitor::skipped).sum();
  }

  private ModelMonitor of(JsonNode n) {
    return of(n.path("model").asText(""));
  }

  /** The monitor of a served model; the first served model's for any other id (or null). */
  private ModelMonitor of(String modelId) {
    ModelMonitor m = modelId == null ? null : byModel.get(modelId);
    return m == null ? primary : m;
  }
}
