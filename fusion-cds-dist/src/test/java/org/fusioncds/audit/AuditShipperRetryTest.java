package org.fusioncds.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.resilience4j.core.IntervalFunction;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.fusioncds.flow.AuditContext;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit shipper's retry policy against a real loopback HTTP server that refuses the batch from
 * a plan and counts the attempts: every refusal is retried (an event is never dropped), the wait
 * doubles up to its cap.
 */
class AuditShipperRetryTest {

  private static final FhirContext FHIR = FhirContext.forR4();
  private static final AuditEvents EVENTS = new AuditEvents("test-site");
  private static final AuditContext CTX = new AuditContext("req-1", null, null, null, null, null);

  static {
    FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
  }

  @TempDir Path folder;
  private HttpServer server;
  private final Deque<Integer> plan = new ArrayDeque<>();
  private final AtomicInteger attempts = new AtomicInteger();
  private final AtomicInteger accepted = new AtomicInteger();

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

  /** Each batch takes the next planned status; an empty plan accepts every entry (201). */
  private void answer(HttpExchange exchange) throws IOException {
    Bundle batch =
        FHIR.newJsonParser()
            .parseResource(
                Bundle.class,
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    attempts.incrementAndGet();
    int status;
    synchronized (plan) {
      status = plan.isEmpty() ? 200 : plan.poll();
    }
    Bundle ok = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
    batch.getEntry().forEach(e -> ok.addEntry().getResponse().setStatus("201 Created"));
    String body =
        FHIR.newJsonParser()
            .encodeResourceToString(
                status == 200
                    ? ok
                    : new OperationOutcome()
                        .addIssue(
                            new OperationOutcome.OperationOutcomeIssueComponent()
                                .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                                .setCode(OperationOutcome.IssueType.PROCESSING)
                                .setDiagnostics("planned " + status)));
    if (status == 200) {
      accepted.addAndGet(batch.getEntry().size());
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private IGenericClient client() {
    return FHIR.newRestfulGenericClient(
        "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir");
  }

  @Test
  void retriesEveryRefusalClientErrorsIncludedUntilTheBatchIsAccepted() {
    AuditSpool spool = new AuditSpool(folder);
    for (int i = 0; i < 3; i++) {
      spool.append(EVENTS.fhirRead(CTX, "http://fhir", "GET", "Patient/" + i, 200));
    }
    plan.addAll(List.of(400, 422, 500, 503, 409));
    AuditShipper shipper =
        new AuditShipper(
            spool,
            this::client,
            10,
            Duration.ofMillis(20),
            AuditShipper.backoff(Duration.ofMillis(10), Duration.ofMillis(40)));

    shipper.start();
    boolean flushed = shipper.flush(Duration.ofSeconds(20));
    shipper.close();

    assertTrue(flushed, "spool emptied");
    assertEquals(6, attempts.get(), "five refusals, then accepted");
    assertEquals(3, accepted.get());
    assertEquals(3, shipper.sent());
    assertEquals(0, spool.size());
  }

  @Test
  void keepsTheEventsWhileTheServerKeepsRefusing() throws Exception {
    AuditSpool spool = new AuditSpool(folder);
    spool.append(EVENTS.fhirRead(CTX, "http://fhir", "GET", "Patient/1", 200));
    for (int i = 0; i < 10_000; i++) {
      plan.add(400);
    }
    AuditShipper shipper =
        new AuditShipper(
            spool,
            this::client,
            10,
            Duration.ofMillis(20),
            AuditShipper.backoff(Duration.ofMillis(5), Duration.ofMillis(10)));

    shipper.start();
    boolean flushed = shipper.flush(Duration.ofSeconds(1));
    shipper.close();

    assertFalse(flushed);
    assertTrue(attempts.get() >= 5, attempts + " attempts in a second");
    assertEquals(0, accepted.get());
    assertEquals(1, spool.size(), "the refused event is still in the spool");
  }

  @Test
  void theWaitDoublesAfterEachFailureUpToTheCap() {
    IntervalFunction backoff = AuditShipper.backoff(Duration.ofSeconds(2), Duration.ofSeconds(30));

    List<Long> waits = new ArrayList<>();
    for (int failures = 1; failures <= 7; failures++) {
      waits.add(backoff.apply(failures));
    }

    assertEquals(List.of(2000L, 4000L, 8000L, 16000L, 30000L, 30000L, 30000L), waits);
    assertEquals(30000L, backoff.apply(64));
  }
}
