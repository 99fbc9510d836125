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
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import org.fusioncds.error.FcdsException;
import org.fusioncds.sandbox.FreePorts;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The write-back transaction's retry policy ({@link TransactionRetry}) against a real loopback HTTP
 * server that answers the transaction from a plan and counts the attempts: only 409 and 412 are
 * sent again.
 */
class TransactionRetryTest {

  private static final FhirContext FHIR = FhirContext.forR4();

  static {
    FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
  }

  private HttpServer server;
  private final Deque<Integer> plan = new ArrayDeque<>();
  private final AtomicInteger attempts = new AtomicInteger();

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

  /** Each transaction takes the next planned status; an empty plan answers 200. */
  private void answer(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().readAllBytes();
    attempts.incrementAndGet();
    int status;
    synchronized (plan) {
      status = plan.isEmpty() ? 200 : plan.poll();
    }
    String body =
        FHIR.newJsonParser()
            .encodeResourceToString(
                status == 200
                    ? new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE)
                    : new OperationOutcome()
                        .addIssue(
                            new OperationOutcome.OperationOutcomeIssueComponent()
                                .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                                .setCode(OperationOutcome.IssueType.CONFLICT)
                                .setDiagnostics("planned " + status)));
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

  private static Bundle transaction() {
    Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    b.addEntry().setResource(new Patient()).getRequest().setMethod(Bundle.HTTPVerb.POST);
    return b;
  }

  @ParameterizedTest
  @ValueSource(ints = {409, 412})
  void sendsTheTransactionAgainAfterAConflict(int status) {
    plan.add(status);
    plan.add(status);

    Bundle answer = new TransactionRetry(4, Duration.ofMillis(5)).send(client(), transaction());

    assertEquals(Bundle.BundleType.TRANSACTIONRESPONSE, answer.getType());
    assertEquals(3, attempts.get());
  }

  @Test
  void givesUpAfterTheLastAttemptWithFcds6005() {
    for (int i = 0; i < 10; i++) {
      plan.add(409);
    }

    FcdsException e =
        assertThrows(
            FcdsException.class,
            () -> new TransactionRetry(4, Duration.ofMillis(5)).send(client(), transaction()));

    assertEquals(
        "FCDS-6005: the FHIR server kept answering HTTP 409 to the transaction after 4 attempts",
        e.getMessage());
    assertEquals(4, attempts.get());
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403, 404, 422, 500, 503})
  void neverSendsItAgainAfterAnyOtherRefusal(int status) {
    plan.add(status);

    FcdsException e =
        assertThrows(
            FcdsException.class,
            () -> new TransactionRetry(4, Duration.ofMillis(5)).send(client(), transaction()));

    assertEquals(
        "FCDS-6001: the FHIR server answered HTTP " + status + " — transaction", e.getMessage());
    assertEquals(1, attempts.get());
  }

  @Test
  void aServerThatCannotBeReachedIsFcds6002AtOnce() {
    IGenericClient nobody =
        FHIR.newRestfulGenericClient("http://127.0.0.1:" + FreePorts.find() + "/fhir");
    long start = System.nanoTime();

    FcdsException e =
        assertThrows(
            FcdsException.class,
            () -> new TransactionRetry(4, Duration.ofSeconds(5)).send(nobody, transaction()));

    assertEquals(6002, e.code());
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(ms < 5000, "no retry wait: " + ms + " ms");
  }
}
