package org.fusioncds.inference;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.EvaluationInputs;
import org.fusioncds.flow.Explanation;
import org.fusioncds.flow.InferenceResult;
import org.fusioncds.flow.Inferred;
import org.fusioncds.flow.NotEvaluable;
import org.fusioncds.flow.Pending;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code infer} step of the hook: queues the model's default graph on its batcher; when it does
 * not finish within the hook's time budget, the case goes on with a pending result (the hook
 * answers "analysis running" and the report is written when the model is done). Before a new report
 * is written, {@link #explain} adds the occlusion map of its image ({@link Occlusion}).
 */
public final class InferenceStep {

  private static final Logger LOG = LoggerFactory.getLogger(InferenceStep.class);

  private final ModelRegistry registry;
  private final Duration budget;
  private final Duration awaitTimeout;
  private final Occlusion occlusion;
  private final boolean oodAbstain;

  /**
   * @param budget how long the hook waits for the model ({@code cds.time-budget-ms})
   * @param awaitTimeout how long the asynchronous path waits for a pending result ({@code
   *     inference.await-timeout-ms})
   */
  public InferenceStep(ModelRegistry registry, Duration budget, Duration awaitTimeout) {
    this(registry, budget, awaitTimeout, 8);
  }

  /**
   * @param explainGrid cells per side of the occlusion map ({@code inference.explain.grid}; 0: off)
   */
  public InferenceStep(
      ModelRegistry registry, Duration budget, Duration awaitTimeout, int explainGrid) {
    this(registry, budget, awaitTimeout, explainGrid, true);
  }

  /**
   * @param oodAbstain whether {@link #screen} applies the card's ood check ({@code
   *     inference.ood.abstain})
   */
  public InferenceStep(
      ModelRegistry registry,
      Duration budget,
      Duration awaitTimeout,
      int explainGrid,
      boolean oodAbstain) {
    this.oodAbstain = oodAbstain;
    this.registry = registry;
    this.budget = budget;
    this.awaitTimeout = awaitTimeout;
    this.occlusion = new Occlusion(registry, explainGrid);
  }

  /**
   * The write-back's first step: the result with the occlusion map of its image. Runs only for a
   * report about to be written, never on the cached path. When the map cannot be computed (the
   * batcher's queue is full, a run failed) the report is written without it: WARN with the code.
   */
  public Inferred explain(Inferred in) {
    try {
      Explanation e = occlusion.explain(in.inputs().inputs(), in.result());
      return e == null ? in : in.explained(e);
    } catch (FcdsException e) {
      LOG.warn(
          "{}: no explanation for job {}: {}",
          e.codeText(),
          in.job().jobId(),
          e.errorCode().meaning());
      return in;
    }
  }

  /**
   * The out-of-distribution check of the model card's {@code ood} section, before the model runs or
   * a stored report is looked up: the inputs unchanged when the case lies within the training
   * distribution (or the card declares no check, or {@code inference.ood.abstain} is false), else
   * {@link NotEvaluable} whose info card says why, with code FCDS-5600 and no probability.
   */
  public Object screen(EvaluationInputs in) {
    Optional<OodCheck.Outside> outside =
        oodAbstain ? registry.outOfDistribution(in.inputs()) : Optional.empty();
    if (outside.isEmpty()) {
      return in;
    }
    LOG.info(
        "{}: job {} not analysed, ood distance {} > {}",
        ErrorCode.OUT_OF_DISTRIBUTION.codeText(),
        in.job().jobId(),
        String.format(java.util.Locale.ROOT, "%.2f", outside.get().distance()),
        outside.get().threshold());
    return new NotEvaluable(
        in.job(),
        "AI: case unlike the model's training data — not analysed",
        "The model was not run: "
            + outside.get().reason()
            + " ("
            + ErrorCode.OUT_OF_DISTRIBUTION.codeText()
            + "). Its intended use: "
            + registry.model(in.inputs().modelId()).card().intendedUse());
  }

  /**
   * {@link Inferred} once the model has answered, at most {@code inference.await-timeout-ms} (FCDS
   * timeout past it): an evaluation job's run, which its worker commits only after the report is
   * written, so no time budget hands its report to a background write.
   */
  public Inferred runToTheEnd(EvaluationInputs in) {
    return awaitPending(new Pending(in, registry.submit(in.inputs())));
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
