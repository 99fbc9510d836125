package org.fusioncds.cdshooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  @Test
  void aDeadJobThatCannotBeWrittenFailsWithItsCodeAndNeitherTheErrorNorTheLogNamesThePatient(
      @TempDir Path tmp) throws Exception {
    DeadLetters letters = new DeadLetters(tmp);
    Files.createDirectory(tmp.resolve("dead-letters.jsonl")); // the file cannot be appended to
    ch.qos.logback.classic.Logger log =
        (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
        new ch.qos.logback.core.read.ListAppender<>();
    logged.start();
    log.addAppender(logged);
    FcdsException refused;
    try {
      refused =
          assertThrows(
              FcdsException.class,
              () -> letters.job("{\"jobId\":\"job-1\",\"patientId\":\"patient-with-a-name\"}"));
    } finally {
      log.detachAppender(logged);
    }
    assertEquals(ErrorCode.DEAD_LETTER_FOLDER, refused.errorCode());
    assertTrue(refused.getMessage().contains("dead-letters.jsonl"), refused.getMessage());
    assertFalse(refused.getMessage().contains("patient-with-a-name"), refused.getMessage());
    assertFalse(
        logged.list.stream().anyMatch(e -> e.getFormattedMessage().contains("patient-with-a")),
        logged.list.toString());
  }
}
