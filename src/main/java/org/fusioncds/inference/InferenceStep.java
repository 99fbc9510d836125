package org.fusioncds.inference;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.fusioncds.cdshooks.PatientCase;
import org.fusioncds.error.FcdsException;

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

  public PatientCase runWithinBudget(PatientCase c) {
    CompletableFuture<InferenceResult> future =
        CompletableFuture.supplyAsync(() -> registry.run(c.inputs), pool);
    if (budget.isZero()) {
      c.pending = future; // a budget of 0: never wait, always answer "analysis running"
      return c;
    }
    try {
      c.result = future.get(budget.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      c.pending = future;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof FcdsException f
          ? f
          : new FcdsException(5301, "inference failed — " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FcdsException(5302, "interrupted while waiting for the model");
    }
    return c;
  }

  /** The pending result, waited for (the asynchronous path). */
  public PatientCase awaitPending(PatientCase c) {
    try {
      c.result = c.pending.get(awaitTimeout.toMillis(), TimeUnit.MILLISECONDS);
      c.pending = null;
      return c;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof FcdsException f
          ? f
          : new FcdsException(5301, "inference failed — " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new FcdsException(
          5303, "the model did not answer within " + awaitTimeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FcdsException(5302, "interrupted while waiting for the model");
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
