package org.fusioncds.flow;

import java.util.concurrent.CompletableFuture;

/**
 * The model did not finish within the hook's time budget: the hook answers "analysis running" from
 * this message while the background path waits for the same future. Neither writes into it.
 */
public record Pending(EvaluationInputs inputs, CompletableFuture<InferenceResult> result)
    implements Keyed {

  @Override
  public EvaluationJob job() {
    return inputs.job();
  }

  @Override
  public ResultKey key() {
    return inputs.key();
  }
}
