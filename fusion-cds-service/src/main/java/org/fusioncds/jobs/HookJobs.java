package org.fusioncds.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.camel.Exchange;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.fhir.GatherStep;
import org.fusioncds.flow.Delegated;
import org.fusioncds.flow.EvaluationJob;
import org.fusioncds.flow.EvaluationOutcome;
import org.fusioncds.flow.HookRequest;
import org.fusioncds.flow.PerModel;
import org.fusioncds.flow.ReportRequest;
import org.fusioncds.flow.ResultKey;
import org.fusioncds.model.ModelCard;
import org.fusioncds.report.ReportStep;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;

/**
 * The hook's side when workers evaluate ({@code evaluation.hook-mode=workers}): the hook queues the
 * patient's job and waits for its outcome, correlated by job id, at most the time budget; then
 * reads the report the outcome names with the hook's own FHIR token (the card shows what the EHR
 * user may read, and no result of a report since marked entered in error), or answers "analysis
 * running" — a repeat finds the stored report. Every process that queues jobs also reads the
 * outcomes ({@link #arrived}); an outcome nobody waits for is dropped.
 */
public final class HookJobs {

  private final PerModel<GatherStep> gathers;
  private final PerModel<ReportStep> reports;
  private final PerModel<ModelCard> cards;
  private final Duration budget;
  private final Consumer<EvaluationJob> queue;
  private final Map<String, CompletableFuture<EvaluationOutcome>> waiting =
      new ConcurrentHashMap<>();

  /**
   * @param gathers each served model's gather (the hook's CDS service chooses the model)
   * @param reports each served model's report step (reads the report back)
   * @param cards each served model's card
   * @param queue sends a job to the jobs endpoint (keyed by patient); throws when it cannot
   */
  public HookJobs(
      PerModel<GatherStep> gathers,
      PerModel<ReportStep> reports,
      PerModel<ModelCard> cards,
      Duration budget,
      Consumer<EvaluationJob> queue) {
    this.gathers = gathers;
    this.reports = reports;
    this.cards = cards;
    this.budget = budget;
    this.queue = queue;
  }

  /**
   * Queues the hook's job for the model of its CDS service (its fhirServer checked against the
   * allowlist first) and waits for its outcome within the budget: a {@link Delegated} with the
   * report read back, or with a RUNNING outcome when none came. FCDS-1093 (503) when the job cannot
   * be queued.
   */
  public Delegated submit(HookRequest request, Exchange exchange) {
    ModelCard card = cards.service(request.serviceId());
    GatherStep gather = gathers.service(request.serviceId());
    ReportStep reports = this.reports.model(card.id());
    String base = gather.fhirBase(request);
    EvaluationJob job =
        EvaluationJob.ofHook(request, card.id(), card.version(), base, Instant.now());
    CompletableFuture<EvaluationOutcome> answer = new CompletableFuture<>();
    if (waiting.putIfAbsent(job.jobId(), answer) != null) {
      // a hook instance already waiting (a retried call): this one is its own job
      job = job.withJobId(UUID.randomUUID().toString());
      waiting.put(job.jobId(), answer);
    }
    EvaluationOutcome outcome;
    try {
      send(job);
      outcome = await(job, answer);
    } finally {
      waiting.remove(job.jobId());
    }
    if (outcome.reportUrl() == null
        || (outcome.status() != EvaluationOutcome.Status.REPORTED
            && outcome.status() != EvaluationOutcome.Status.CACHED)) {
      return new Delegated(job, outcome);
    }
    GatherStep.Connection c = gather.connect(base, request, exchange);
    Bundle found = c.reads().audited(() -> reports.readBack(c.client(), outcome.reportUrl()));
    ResultKey key = new ResultKey(outcome.resultKey());
    DiagnosticReport read = ReportStep.reportIn(found, key);
    Date updated = read.getMeta().getLastUpdated();
    boolean withdrawn = read.getStatus() == DiagnosticReport.DiagnosticReportStatus.ENTEREDINERROR;
    // a withdrawn report's findings are neither shown nor read (it may lack what a result needs)
    ReportRequest report = withdrawn ? null : reports.readBack(key, request.patientId(), found);
    return new Delegated(
        job, outcome, report, withdrawn, updated == null ? null : updated.toInstant());
  }

  /** An outcome message: completes the hook waiting for that job, if any. */
  public void arrived(String json) {
    EvaluationOutcome o = EvaluationOutcome.fromJson(json);
    CompletableFuture<EvaluationOutcome> w = waiting.get(o.jobId());
    if (w != null) {
      w.complete(o);
    }
  }

  /** Hooks now waiting for a worker (a meter). */
  public int waiting() {
    return waiting.size();
  }

  private void send(EvaluationJob job) {
    try {
      queue.accept(job);
    } catch (FcdsException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new FcdsException(
          ErrorCode.JOB_NOT_QUEUED,
          "the evaluation job could not be queued — job " + job.jobId() + ": " + e.getMessage(),
          e);
    }
  }

  private EvaluationOutcome await(EvaluationJob job, CompletableFuture<EvaluationOutcome> answer) {
    try {
      return answer.get(budget.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return EvaluationOutcome.of(job, EvaluationOutcome.Status.RUNNING, null, null, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return EvaluationOutcome.of(job, EvaluationOutcome.Status.RUNNING, null, null, null);
    } catch (ExecutionException e) {
      throw new IllegalStateException("an outcome future never fails", e);
    }
  }
}
