package org.fusioncds.inference;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.EvaluationInputs;
import org.fusioncds.flow.InferenceResult;
import org.fusioncds.flow.Inferred;
import org.fusioncds.flow.Pending;

/**
 * The {@code infer} step of the hook: runs the model's default graph; when it does not finish
 * within the hook's time budget, the case goes on with a pending result (the hook answers "analysis
 * running" and the report is written when the model is done).
 */
public final class InferenceStep implements AutoCloseable {

  private final ModelRegistry registry;
  private final Duration budget;
  private final Duration awaitTimeout;
  private final ExecutorService pool;

  /**
   * @param budget how long the hook waits for the model ({@code cds.time-budget-ms})
   * @param awaitTimeout how long the asynchronous path waits for a pending result ({@code
   *     inference.await-timeout-ms})
   */
  public InferenceStep(
      ModelRegistry registry, Duration budget, Duration awaitTimeout, int threads) {
    this.registry = registry;
    this.budget = budget;
    this.awaitTimeout = awaitTimeout;
    this.pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "fcds-inference");
              t.setDaemon(true);
              return t;
            });
  }

  /** {@link Inferred} when the model answers within the budget, else {@link Pending}. */
  public Object runWithinBudget(EvaluationInputs in) {
    CompletableFuture<InferenceResult> future =
        CompletableFuture.supplyAsync(() -> registry.run(in.inputs()), pool);
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

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
