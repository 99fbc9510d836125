package org.fusioncds.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.fusioncds.audit.AuditSpool;
import org.fusioncds.audit.AuditTrail;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.AuditContext;
import org.fusioncds.flow.ClinicalInputs;
import org.fusioncds.flow.EvaluationInputs;
import org.fusioncds.flow.EvaluationJob;
import org.fusioncds.flow.GatheredInputs;
import org.fusioncds.flow.HookRequest;
import org.fusioncds.flow.ImageInput;
import org.fusioncds.flow.InferenceResult;
import org.fusioncds.flow.Inferred;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.flow.PatientContext;
import org.fusioncds.flow.Reported;
import org.fusioncds.flow.ResultKey;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.ModelCards;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hooks for the same inputs at once: the second write-back's transaction keeps conflicting with
 * the first (409 until its retries run out). A real loopback FHIR endpoint answers every
 * transaction 409 and the result-key search with the report the other write left, or nothing.
 */
class ConcurrentWriteTest {

  static final FhirContext FHIR = FhirContext.forR4Cached();
  static final ModelCard CARD = ModelCards.load(Path.of("models/cap-fusion/model-card.yaml"));

  private HttpServer server;
  private final AtomicInteger transactions = new AtomicInteger();
  private volatile boolean reportWrittenByTheOther;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/fhir", this::answer);
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private void answer(HttpExchange x) throws IOException {
    String body;
    int status;
    if ("POST".equals(x.getRequestMethod())) {
      transactions.incrementAndGet();
      status = 409;
      OperationOutcome o = new OperationOutcome();
      o.addIssue().setDiagnostics("unique index violation (the other transaction)");
      body = FHIR.newJsonParser().encodeResourceToString(o);
    } else {
      status = 200;
      Bundle found = new Bundle().setType(Bundle.BundleType.SEARCHSET);
      if (reportWrittenByTheOther) {
        DiagnosticReport d = new DiagnosticReport();
        d.setId("DiagnosticReport/written-by-the-other");
        found.addEntry().setResource(d);
      }
      body = FHIR.newJsonParser().encodeResourceToString(found);
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/fhir+json");
    x.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Test
  void conflictsThatOutlastTheRetriesEndInTheReportTheConcurrentWriteLeft(@TempDir Path tmp) {
    reportWrittenByTheOther = true;

    Reported reported = step(tmp).write(inferred());

    assertEquals(4, transactions.get(), "every attempt of report.retry.max-attempts was made");
    assertTrue(
        reported.reportUrl().endsWith("/DiagnosticReport/written-by-the-other"),
        reported.reportUrl());
  }

  @Test
  void withoutSuchAReportTheConflictStaysAnFcds6005(@TempDir Path tmp) {
    reportWrittenByTheOther = false;

    FcdsException e = assertThrows(FcdsException.class, () -> step(tmp).write(inferred()));

    assertEquals(6005, e.code());
  }

  private ReportStep step(Path tmp) {
    return new ReportStep(
        CARD,
        null,
        new AuditTrail(new AuditSpool(tmp.resolve("spool")), "test-site"),
        new TransactionRetry(4, Duration.ofMillis(5)));
  }

  private Inferred inferred() {
    String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir";
    FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    IGenericClient client = FHIR.newRestfulGenericClient(base);
    HookRequest request =
        new HookRequest(
            "imaging-fusion", "patient-view", "h-1", base, null, null, "p-1", null, Map.of());
    Instant now = Instant.now();
    PatientContext context =
        new PatientContext(
            EvaluationJob.ofHook(request, CARD.id(), CARD.version(), base, now),
            request,
            now,
            new AuditContext("req-1", "h-1", null, null, "p-1", null),
            base,
            client,
            java.util.function.Supplier::get,
            new Patient(),
            List.of(),
            List.of(),
            null);
    GatheredInputs gathered =
        new GatheredInputs(
            context,
            new ClinicalInputs(context, List.of(), List.of()),
            ImageInput.missing(context, "none"));
    ModelInputs inputs =
        new ModelInputs(
            CARD.id(),
            CARD.version(),
            Map.of(),
            List.of(new ModelInputs.InputReference("Patient/p-1/_history/1", true)),
            List.of(),
            now,
            0);
    ResultKey key = ResultKey.of(CARD.id(), CARD.version(), List.of("Patient/p-1/_history/1"));
    ModelCard.Output out = CARD.outputs().get(0);
    InferenceResult result =
        new InferenceResult(
            CARD.id(),
            CARD.version(),
            "fused",
            Map.of("fused", "0".repeat(64)),
            "cpu",
            CARD.warning(),
            List.of(
                new InferenceResult.OutputResult(
                    out.tensor(), out.code(), 0.8, out.threshold(), true, "warning")),
            new InferenceResult.Timings(0, 0, 0));
    return new Inferred(new EvaluationInputs(gathered, inputs, key), result);
  }
}
