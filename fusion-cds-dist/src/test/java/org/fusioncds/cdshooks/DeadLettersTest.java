package org.fusioncds.cdshooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.EvaluationJob;
import org.fusioncds.flow.EvaluationOutcome;
import org.fusioncds.flow.HookRequest;
import org.fusioncds.flow.Keyed;
import org.fusioncds.flow.ResultKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLettersTest {

  @Test
  void aFailedBackgroundWriteIsKeptWithItsHookInstanceKeyAndCodeButNoPatientData(@TempDir Path tmp)
      throws Exception {
    HookRequest request =
        new HookRequest(
            "imaging-fusion",
            "patient-view",
            "hook-123",
            "http://fhir.invalid/fhir",
            null,
            "Practitioner/1",
            "patient-with-a-name",
            null,
            Map.of());
    ResultKey key = ResultKey.of("cap-fusion", "0.1.0", List.of("Patient/p/_history/1"));
    EvaluationJob job =
        EvaluationJob.ofHook(
            request, "cap-fusion", "0.1.0", "http://fhir.invalid/fhir", Instant.now());
    Keyed failedStage =
        new Keyed() {
          @Override
          public EvaluationJob job() {
            return job;
          }

          @Override
          public ResultKey key() {
            return key;
          }
        };
    Exchange failed;
    try (DefaultCamelContext camel = new DefaultCamelContext()) {
      failed = new DefaultExchange(camel);
      failed.getMessage().setBody(failedStage);
      failed.setProperty(
          Exchange.EXCEPTION_CAUGHT,
          new FcdsException(
              ErrorCode.REPORT_FHIR_UNREACHABLE,
              "the FHIR server cannot be reached — transaction"));

      new DeadLetters(tmp).record(failed);
    }

    List<String> lines = Files.readAllLines(tmp.resolve("dead-letters.jsonl"));
    assertEquals(1, lines.size());
    JsonNode line = new ObjectMapper().readTree(lines.get(0));
    assertEquals("hook-123", line.path("hookInstance").asText());
    assertEquals(key.value(), line.path("resultKey").asText());
    assertEquals("hook:patient-view", line.path("trigger").asText());
    assertEquals("cap-fusion|0.1.0", line.path("model").asText());
    EvaluationOutcome outcome = EvaluationOutcome.fromJson(line.path("outcome").toString());
    assertEquals(EvaluationOutcome.Status.FAILED, outcome.status());
    assertEquals("hook-123", outcome.jobId());
    assertEquals(key.value(), outcome.resultKey());
    assertEquals("FCDS-6002", outcome.code());
    assertEquals("FCDS-6002", line.path("code").asText());
    assertFalse(lines.get(0).contains("patient-with-a-name"), "no patient id in dead letters");
  }
}
