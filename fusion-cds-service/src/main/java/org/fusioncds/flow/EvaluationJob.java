package org.fusioncds.flow;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.UUID;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * What a trigger asks for: evaluate one patient with one model. The message that may cross a
 * process (a queue of evaluation jobs): its JSON form is stable and versioned ({@link #VERSION});
 * it carries no secret (the EHR's token and the prefetch stay with the hook in-process) and only
 * the patient's logical id.
 *
 * @param jobId unique per job: the hook instance for a hook call
 * @param trigger what asked: {@code hook:patient-view}, {@code subscription}, {@code backfill}
 * @param fhirServer the FHIR base the inputs are read from and the report is written to
 * @param requestedAt when the trigger fired
 * @param asOf the time the card's recency rules are applied at (the eligible study, the lab
 *     windows): the study's time for a backfill job; null (absent from the JSON, as in jobs written
 *     before it existed) means the time of the evaluation
 */
@JsonPropertyOrder({
  "version",
  "jobId",
  "trigger",
  "serviceId",
  "modelId",
  "modelVersion",
  "patientId",
  "fhirServer",
  "userId",
  "encounterId",
  "requestedAt",
  "asOf"
})
public record EvaluationJob(
    int version,
    String jobId,
    String trigger,
    String serviceId,
    String modelId,
    String modelVersion,
    String patientId,
    String fhirServer,
    String userId,
    String encounterId,
    Instant requestedAt,
    @com.fasterxml.jackson.annotation.JsonInclude(
            com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        Instant asOf) {

  /** The JSON form's version; a reader refuses any other (FCDS-1090). */
  public static final int VERSION = 1;

  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
          .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  @com.fasterxml.jackson.annotation.JsonCreator
  public EvaluationJob {
    require(jobId, "jobId");
    require(trigger, "trigger");
    require(modelId, "modelId");
    require(patientId, "patientId");
    require(fhirServer, "fhirServer");
    if (requestedAt == null) {
      throw new FcdsException(
          ErrorCode.FLOW_MESSAGE_INCOMPLETE, "evaluation job without requestedAt — jobId " + jobId);
    }
  }

  /** A job evaluated as of the time it is evaluated (no {@link #asOf}). */
  public EvaluationJob(
      int version,
      String jobId,
      String trigger,
      String serviceId,
      String modelId,
      String modelVersion,
      String patientId,
      String fhirServer,
      String userId,
      String encounterId,
      Instant requestedAt) {
    this(
        version,
        jobId,
        trigger,
        serviceId,
        modelId,
        modelVersion,
        patientId,
        fhirServer,
        userId,
        encounterId,
        requestedAt,
        null);
  }

  /** The time the recency rules apply at: {@link #asOf}, else {@code now}. */
  public Instant evaluationTime(Instant now) {
    return asOf == null ? now : asOf;
  }

  /** The job of a CDS Hooks call, named by its hook instance. */
  public static EvaluationJob ofHook(
      HookRequest request, String modelId, String modelVersion, String fhirBase, Instant at) {
    String id =
        request.hookInstance() == null || request.hookInstance().isBlank()
            ? UUID.randomUUID().toString()
            : request.hookInstance();
    return new EvaluationJob(
        VERSION,
        id,
        "hook:" + request.hook(),
        request.serviceId(),
        modelId,
        modelVersion,
        request.patientId(),
        fhirBase,
        request.userId(),
        request.encounterId(),
        at);
  }

  /** The same job under another id (a hook instance already in use). */
  public EvaluationJob withJobId(String id) {
    return with(id, asOf);
  }

  /** The same job evaluated as of {@code at} (the recency rules of that time). */
  public EvaluationJob withAsOf(Instant at) {
    return with(jobId, at);
  }

  private EvaluationJob with(String id, Instant at) {
    return new EvaluationJob(
        version,
        id,
        trigger,
        serviceId,
        modelId,
        modelVersion,
        patientId,
        fhirServer,
        userId,
        encounterId,
        requestedAt,
        at);
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new FcdsException(
          ErrorCode.FLOW_MESSAGE_INVALID,
          "evaluation job not writable as JSON — " + e.getMessage(),
          e);
    }
  }

  /** Reads the JSON form; an unknown version or a missing field is a coded error. */
  public static EvaluationJob fromJson(String json) {
    EvaluationJob job;
    try {
      job = JSON.readValue(json, EvaluationJob.class);
    } catch (JsonProcessingException e) {
      if (e.getCause() instanceof FcdsException f) {
        throw f;
      }
      throw new FcdsException(
          ErrorCode.FLOW_MESSAGE_INVALID,
          "evaluation job is not valid JSON — " + e.getOriginalMessage());
    }
    if (job.version() != VERSION) {
      throw new FcdsException(
          ErrorCode.FLOW_MESSAGE_VERSION,
          "evaluation job version " + job.version() + " is not " + VERSION);
    }
    return job;
  }

  private static void require(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new FcdsException(ErrorCode.FLOW_MESSAGE_INCOMPLETE, "evaluation job without " + field);
    }
  }

  /** Logs carry only this: no patient id. */
  @Override
  public String toString() {
    return "EvaluationJob[" + jobId + ", " + trigger + "]";
  }
}
