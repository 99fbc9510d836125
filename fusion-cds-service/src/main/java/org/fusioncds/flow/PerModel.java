package org.fusioncds.flow;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * One step object per served model (a step made from one model card), and the CDS service each
 * model answers: a hook names its service ({@link HookRequest#serviceId()}), every later stage
 * message its job's model ({@link EvaluationJob#modelId()}). The first model is the primary one
 * ({@code models.model}): a trigger that names no service (a subscription, a backfill) evaluates
 * it. Immutable.
 */
public final class PerModel<T> {

  private final Map<String, T> byModel;
  private final Map<String, String> modelByService;
  private final String primary;

  /**
   * @param byModel the step of each model id, the primary first
   * @param modelByService the model id each CDS service id answers with
   */
  public PerModel(Map<String, T> byModel, Map<String, String> modelByService) {
    if (byModel.isEmpty()) {
      throw new IllegalArgumentException("no served model");
    }
    this.byModel = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byModel));
    this.modelByService = Map.copyOf(modelByService);
    this.primary = byModel.keySet().iterator().next();
  }

  /** One model: its step, answering every service. */
  public static <T> PerModel<T> of(String modelId, T step) {
    return new PerModel<>(Map.of(modelId, step), Map.of());
  }

  /** The same services, with {@code f} of each step. */
  public <U> PerModel<U> map(Function<T, U> f) {
    Map<String, U> m = new LinkedHashMap<>();
    byModel.forEach((id, t) -> m.put(id, f.apply(t)));
    return new PerModel<>(m, modelByService);
  }

  /** The step of a job's model; a model not served is FCDS-1110. */
  public T model(String modelId) {
    T t = byModel.get(modelId);
    if (t == null) {
      throw new FcdsException(
          ErrorCode.MODEL_NOT_SERVED,
          "the job names a model this service does not serve — " + modelId);
    }
    return t;
  }

  /** The step of a job's model. */
  public T of(EvaluationJob job) {
    return model(job.modelId());
  }

  /** The step of the model a CDS service answers with; a service no model names: the primary. */
  public T service(String serviceId) {
    String id = serviceId == null ? null : modelByService.get(serviceId);
    return byModel.get(id == null ? primary : id);
  }

  /** The primary model's step. */
  public T primary() {
    return byModel.get(primary);
  }

  /** The primary model's id. */
  public String primaryId() {
    return primary;
  }

  /** Every step, the primary first. */
  public List<T> all() {
    return List.copyOf(byModel.values());
  }
}
