package org.fusioncds.flow;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Instant;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * How an evaluation job ended: the message that answers a job across a process. Stable, versioned
 * JSON ({@link EvaluationJob#VERSION}); no patient data beyond what the job carried (no id here:
 * the job id and result key correlate).
 *
 * @param status {@code REPORTED} (a new report), {@code CACHED} (one existed for the same inputs),
 *     {@code RUNNING} (the hook answered before the model finished), {@code NOT_EVALUABLE}, {@code
 *     FAILED}
 * @param resultKey null when the job stopped before assembly
 * @param reportUrl the DiagnosticReport, when one exists
 * @param code the FCDS code of a failure, else null
 * @param summary the info card's summary when the patient was not evaluated (the model card's
 *     wording), else null
 * @param detail the info card's detail with it, else null
 */
@JsonPropertyOrder({
  "version",
  "jobId",
  "status",
  "resultKey",
  "reportUrl",
  "code",
  "summary",
  "detail",
  "finishedAt"
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvaluationOutcome(
    int version,
    String jobId,
    Status status,
    String resultKey,
    String reportUrl,
    String code,
    String summary,
    String detail,
    Instant finishedAt) {

  public enum Status {
    REPORTED,
    CACHED,
    RUNNING,
    NOT_EVALUABLE,
    FAILED
  }

  public static EvaluationOutcome of(
      EvaluationJob job, Status status, ResultKey key, String reportUrl, String code) {
    return new EvaluationOutcome(
        EvaluationJob.VERSION,
        job.jobId(),
        status,
        key == null ? null : key.value(),
        reportUrl,
        code,
        null,
        null,
        Instant.now());
  }

  /**
   * The FAILED outcome of a job known only by its id (a job that could not be read has none but
   * "unreadable"), with the code that ended it.
   */
  public static EvaluationOutcome failed(String jobId, String code) {
    return new EvaluationOutcome(
        EvaluationJob.VERSION, jobId, Status.FAILED, null, null, code, null, null, Instant.now());
  }

  /** A job that ended without evaluation: the info card's wording goes with it. */
  public static EvaluationOutcome notEvaluable(EvaluationJob job, String summary, String detail) {
    return new EvaluationOutcome(
        EvaluationJob.VERSION,
        job.jobId(),
        Status.NOT_EVALUABLE,
        null,
        null,
        null,
        summary,
        detail,
        Instant.now());
  }

  public String toJson() {
    try {
      return EvaluationJob.JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new FcdsException(
          ErrorCode.FLOW_MESSAGE_INVALID, "outcome not writable as JSON — " + e.getMessage(), e);
    }
  }

  public static EvaluationOutcome fromJson(String json) {
    EvaluationOutcome o;
    try {
      o = EvaluationJob.JSON.readValue(json, EvaluationOutcome.class);
    } catch (JsonProcessingException e) {
      throw new FcdsException(
          ErrorCode.FLOW_MESSAGE_INVALID, "outcome is not valid JSON — " + e.getOriginalMessage());
    }
    if (o.version() != EvaluationJob.VERSION) {
      throw new FcdsException(
          ErrorCode.FLOW_MESSAGE_VERSION,
          "outcome version " + o.version() + " is not " + EvaluationJob.VERSION);
    }
    if (o.jobId() == null || o.status() == null) {
      throw new FcdsException(ErrorCode.FLOW_MESSAGE_INCOMPLETE, "outcome without jobId or status");
    }
    return o;
  }
}
