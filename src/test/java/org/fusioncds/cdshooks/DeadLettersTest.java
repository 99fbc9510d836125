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
import org.fusioncds.report.ResultKey;
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
    PatientCase c = new PatientCase(request, Instant.now());
    c.key = ResultKey.of("cap-fusion", "0.1.0", List.of("Patient/p/_history/1"));
    Exchange failed;
    try (DefaultCamelContext camel = new DefaultCamelContext()) {
      failed = new DefaultExchange(camel);
      failed.getMessage().setBody(c);
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
    assertEquals(c.key.value(), line.path("resultKey").asText());
    assertEquals("FCDS-6002", line.path("code").asText());
    assertFalse(lines.get(0).contains("patient-with-a-name"), "no patient id in dead letters");
  }
}
