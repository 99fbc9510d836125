package org.fusioncds.inference;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.EvaluationInputs;
import org.fusioncds.flow.InferenceResult;
import org.fusioncds.flow.Inferred;
import org.fusioncds.flow.Pending;

/**
 * The {@code infer} step of the hook: queues the model's default graph on its batcher; when it does
 * not finish within the hook's time budget, the case goes on with a pending result (the hook
 * answers "analysis running" and the report is written when the model is done).
 */
public final class InferenceStep {

  private final ModelRegistry registry;
  private final Duration budget;
  private final Duration awaitTimeout;

  /**
   * @param budget how long the hook waits for the model ({@code cds.time-budget-ms})
   * @param awaitTimeout how long the asynchronous path waits for a pending result ({@code
   *     inference.await-timeout-ms})
   */
  public InferenceStep(ModelRegistry registry, Duration budget, Duration awaitTimeout) {
    this.registry = registry;
    this.budget = budget;
    this.awaitTimeout = awaitTimeout;
  }

  /** {@link Inferred} when the model answers within the budget, else {@link Pending}. */
  public Object runWithinBudget(EvaluationInputs in) {
    CompletableFuture<InferenceResult> future = registry.submit(in.inputs());
    if (budget.isZero()) {
      return new Pending(in, future); // a budget of 0: never wait, always "analysis running"
    }
    try {
      return new Inferred(in, future.get(budget.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      return new Pending(in, future);
    } catch (ExecutionException e) {
      throw failure(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FcdsException(
          ErrorCode.INFERENCE_INTERRUPTED, "interrupted while waiting for the model");
    }
  }

  /** The pending result, waited for (the asynchronous path). */
  public Inferred awaitPending(Pending p) {
    try {
      return new Inferred(
          p.inputs(), p.result().get(awaitTimeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (ExecutionException e) {
      throw failure(e);
    } catch (TimeoutException e) {
      throw new FcdsException(
          ErrorCode.INFERENCE_TIMEOUT,
          "the model did not answer within " + awaitTimeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FcdsException(
          ErrorCode.INFERENCE_INTERRUPTED, "interrupted while waiting for the model");
    }
  }

  private static FcdsException failure(ExecutionException e) {
    return e.getCause() instanceof FcdsException f
        ? f
        : new FcdsException(
            ErrorCode.INFERENCE_FAILED, "inference failed — " + e.getCause(), e.getCause());
  }
}
