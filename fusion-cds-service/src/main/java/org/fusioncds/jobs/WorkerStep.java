package org.fusioncds.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.fusioncds.audit.CallAuditPolicy;
import org.fusioncds.cdshooks.HookAnswer;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.AuditContext;
import org.fusioncds.flow.EvaluationJob;
import org.fusioncds.flow.EvaluationOutcome;
import org.fusioncds.flow.HookRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's side of an evaluation job (route {@code evaluation-jobs}): the job read from its
 * versioned JSON becomes the request the hook flow evaluates (recall, gather, assemble, infer,
 * write-back — the same steps, with the module's own FHIR token since a job carries none); its
 * answer becomes the outcome message; a job that fails for good becomes a FAILED outcome and a dead
 * letter with its code and no patient data. With Kafka, the offset is committed only after that
 * (at-least-once: a job redelivered after a crash finds its report by the result key).
 */
public final class WorkerStep {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerStep.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The exchange property holding the job being evaluated. */
  public static final String JOB = "fcdsEvaluationJob";

  /**
   * The exchange property holding the job's "as of" time ({@link EvaluationJob#asOf}), read by the
   * gather step; absent: the time of the evaluation.
   */
  public static final String AS_OF = org.fusioncds.flow.PatientContext.AS_OF;

  private static final String DEAD_LETTER = "fcdsDeadLetter";

  private static final java.util.Set<ErrorCode> UNREADABLE =
      java.util.EnumSet.of(
          ErrorCode.FLOW_MESSAGE_INVALID,
          ErrorCode.FLOW_MESSAGE_VERSION,
          ErrorCode.FLOW_MESSAGE_INCOMPLETE);

  private final int maxRetries;

  /**
   * @param maxRetries how often a job is tried again after a failure that may pass (5xx)
   */
  public WorkerStep(int maxRetries) {
    this.maxRetries = maxRetries;
  }

  /**
   * The job as the hook flow's request: its patient, FHIR server (checked against the allowlist by
   * the gather, as a hook's), user and encounter, no prefetch and no EHR token. Unreadable JSON or
   * another version: FCDS-1090..1092, not retried.
   */
  public HookRequest open(String json, Exchange exchange) {
    EvaluationJob job = EvaluationJob.fromJson(json);
    exchange.setProperty(JOB, job);
    if (job.asOf() != null) {
      exchange.setProperty(AS_OF, job.asOf());
    }
    exchange.setProperty(
        CallAuditPolicy.CONTEXT,
        new AuditContext(job.jobId(), job.jobId(), null, null, job.patientId(), job.userId()));
    String trigger = job.trigger();
    String hook = trigger.startsWith("hook:") ? trigger.substring("hook:".length()) : trigger;
    return new HookRequest(
        job.serviceId(),
        hook,
        job.jobId(),
        job.fhirServer(),
        null,
        job.userId(),
        job.patientId(),
        job.encounterId(),
        Map.of());
  }

  /** The outcome message of the job's answer, keyed by the job id. */
  public String outcome(HookAnswer answer, Exchange exchange) {
    exchange.getMessage().setHeader(KafkaConstants.KEY, answer.job().jobId());
    return answer.outcome().toJson();
  }

  /**
   * Whether a failure may pass when the job is tried again: a server error, a timeout, a connection
   * refused (5xx or no code), while tries remain; never a refusal (4xx) or an unreadable job.
   */
  public boolean retryable(Exchange exchange) {
    Integer tries = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
    if (tries != null && tries >= maxRetries) {
      return false;
    }
    Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    if (e instanceof FcdsException f) {
      return f.errorCode().httpStatus() >= 500 && !UNREADABLE.contains(f.errorCode());
    }
    return true;
  }

  /**
   * A job that failed for good: the FAILED outcome (to the outcomes, where a waiting hook learns
   * it) and its dead letter (the job and the outcome; {@code fusion-cds replay-dead-letters} puts
   * the job back). Logged with the code and the job id only.
   */
  public String failed(String body, Exchange exchange) {
    Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    String code =
        e instanceof FcdsException f ? f.errorCode().codeText() : ErrorCode.UNEXPECTED.codeText();
    EvaluationJob job = exchange.getProperty(JOB, EvaluationJob.class);
    ObjectNode letter = JSON.createObjectNode();
    String jobId;
    if (job == null) {
      // unreadable: nothing to replay; its length only (the text may hold patient data)
      jobId = "unreadable";
      letter.put("unreadable", true).put("length", body == null ? 0 : body.length());
    } else {
      jobId = job.jobId();
      letter.set("job", read(job.toJson()));
    }
    EvaluationOutcome outcome = EvaluationOutcome.failed(jobId, code);
    letter.set("outcome", read(outcome.toJson()));
    exchange.setProperty(DEAD_LETTER, letter.toString());
    exchange.getMessage().setHeader(KafkaConstants.KEY, jobId);
    LOG.warn(
        "{}: evaluation job {} failed for good and goes to the dead letters ({})",
        code,
        jobId,
        e == null ? "no exception" : e.getClass().getSimpleName());
    return outcome.toJson();
  }

  /** The dead letter {@link #failed} made, as the body. */
  public String deadLetter(Exchange exchange) {
    return exchange.getProperty(DEAD_LETTER, String.class) + "\n";
  }

  /** Commits the job's offset (Kafka manual commit), once its outcome is published. */
  public void commit(Exchange exchange) {
    KafkaManualCommit commit =
        exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
    if (commit != null) {
      commit.commit();
    }
  }

  private static com.fasterxml.jackson.databind.JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new FcdsException(ErrorCode.FLOW_MESSAGE_INVALID, "not JSON — " + e.getMessage());
    }
  }
}
