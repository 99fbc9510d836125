package org.fusioncds.flow;

/** The model ran on the inputs: its result, ready for the write-back. */
public record Inferred(EvaluationInputs inputs, InferenceResult result) implements Keyed {

  @Override
  public EvaluationJob job() {
    return inputs.job();
  }

  @Override
  public ResultKey key() {
    return inputs.key();
  }
}
