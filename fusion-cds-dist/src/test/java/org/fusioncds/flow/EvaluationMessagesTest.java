package org.fusioncds.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.fusioncds.error.FcdsException;
import org.junit.jupiter.api.Test;

/** The messages that may cross a process: stable, versioned JSON; bad ones refused with a code. */
class EvaluationMessagesTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static final HookRequest HOOK =
      new HookRequest(
          "imaging-fusion",
          "patient-view",
          "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
          "https://fhir.example.org/r4",
          new FhirAuthorization("secret-token", "Bearer", 300, "patient/*.read", "cds"),
          "Practitioner/7",
          "p-42",
          "Encounter/9",
          Map.of());

  @Test
  void aHookJobRoundTripsThroughItsJsonFormWithItsVersionAndNoSecret() throws Exception {
    EvaluationJob job =
        EvaluationJob.ofHook(
            HOOK, "cap-fusion", "0.1.0", HOOK.fhirServer(), Instant.parse("2026-12-03T08:12:00Z"));

    String json = job.toJson();

    assertEquals(job, EvaluationJob.fromJson(json));
    JsonNode tree = JSON.readTree(json);
    assertEquals(1, tree.path("version").asInt());
    assertEquals(
        List.of(
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
            "requestedAt"),
        iterate(tree));
    assertEquals("2026-12-03T08:12:00Z", tree.path("requestedAt").asText());
    assertEquals("hook:patient-view", tree.path("trigger").asText());
    assertFalse(json.contains("secret-token"), "the EHR's token never goes on a queue");
  }

  @Test
  void aJobWithoutAsOfReadsAsEvaluatedNowAndOneWithItKeepsIt() throws Exception {
    EvaluationJob hook =
        EvaluationJob.ofHook(
            HOOK, "cap-fusion", "0.1.0", HOOK.fhirServer(), Instant.parse("2026-12-03T08:12:00Z"));
    ObjectNode older = (ObjectNode) JSON.readTree(hook.toJson());
    older.remove("asOf"); // as written before the field existed
    EvaluationJob backfill =
        new EvaluationJob(
            EvaluationJob.VERSION,
            "job-1",
            "backfill",
            null,
            "cap-fusion",
            "0.1.0",
            "p-42",
            "https://fhir.example.org/r4",
            null,
            null,
            Instant.parse("2026-12-03T08:12:00Z"),
            Instant.parse("2025-03-14T10:00:00Z"));
    Instant now = Instant.parse("2026-12-03T09:00:00Z");

    EvaluationJob read = EvaluationJob.fromJson(older.toString());
    EvaluationJob readBackfill = EvaluationJob.fromJson(backfill.toJson());

    assertFalse(JSON.readTree(hook.toJson()).has("asOf"), hook.toJson());
    assertEquals(null, read.asOf());
    assertEquals(now, read.evaluationTime(now));
    assertEquals(backfill, readBackfill);
    assertEquals("2025-03-14T10:00:00Z", JSON.readTree(backfill.toJson()).path("asOf").asText());
    assertEquals(Instant.parse("2025-03-14T10:00:00Z"), readBackfill.evaluationTime(now));
  }

  @Test
  void anotherVersionIsRefusedWithItsCode() throws Exception {
    ObjectNode tree = (ObjectNode) JSON.readTree(job().toJson());
    tree.put("version", 2);

    FcdsException e =
        assertThrows(FcdsException.class, () -> EvaluationJob.fromJson(tree.toString()));

    assertEquals(1090, e.code());
    assertTrue(e.getMessage().contains("version 2"), e.getMessage());
  }

  @Test
  void aJobWithoutPatientOrBrokenJsonIsRefusedWithItsCode() throws Exception {
    ObjectNode tree = (ObjectNode) JSON.readTree(job().toJson());
    tree.remove("patientId");

    assertEquals(
        1091,
        assertThrows(FcdsException.class, () -> EvaluationJob.fromJson(tree.toString())).code());
    assertEquals(
        1092,
        assertThrows(FcdsException.class, () -> EvaluationJob.fromJson("{\"version\":")).code());
  }

  @Test
  void unknownFieldsOfALaterMinorAdditionAreIgnored() throws Exception {
    ObjectNode tree = (ObjectNode) JSON.readTree(job().toJson());
    tree.put("priority", "routine");

    assertEquals(job(), EvaluationJob.fromJson(tree.toString()));
  }

  @Test
  void anOutcomeRoundTripsAndLeavesOutWhatItDoesNotKnow() throws Exception {
    ResultKey key = ResultKey.of("cap-fusion", "0.1.0", List.of("Patient/p-42/_history/3"));
    EvaluationOutcome running =
        EvaluationOutcome.of(job(), EvaluationOutcome.Status.RUNNING, key, null, null);

    String json = running.toJson();

    assertEquals(running, EvaluationOutcome.fromJson(json));
    JsonNode tree = JSON.readTree(json);
    assertEquals("RUNNING", tree.path("status").asText());
    assertEquals(key.value(), tree.path("resultKey").asText());
    assertFalse(tree.has("reportUrl"));
    assertFalse(json.contains("p-42"), "no patient id in an outcome");
    assertEquals(
        1091,
        assertThrows(FcdsException.class, () -> EvaluationOutcome.fromJson("{\"version\":1}"))
            .code());
  }

  private static EvaluationJob job() {
    return EvaluationJob.ofHook(
        HOOK, "cap-fusion", "0.1.0", HOOK.fhirServer(), Instant.parse("2026-12-03T08:12:00Z"));
  }

  private static List<String> iterate(JsonNode tree) {
    List<String> names = new java.util.ArrayList<>();
    tree.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
