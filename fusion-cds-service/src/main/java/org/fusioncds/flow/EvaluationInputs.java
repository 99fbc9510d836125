package org.fusioncds.flow;

/**
 * The assembled stage: the model card's tensors, masks and versioned input list, and the result key
 * that names any report computed from exactly these inputs.
 */
public record EvaluationInputs(GatheredInputs gathered, ModelInputs inputs, ResultKey key)
    implements Keyed {

  public PatientContext context() {
    return gathered.context();
  }

  @Override
  public EvaluationJob job() {
    return gathered.context().job();
  }

  @Override
  public String toString() {
    return "EvaluationInputs[" + job() + ", " + key + "]";
  }
}
