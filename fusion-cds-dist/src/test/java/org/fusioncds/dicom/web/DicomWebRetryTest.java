package org.fusioncds.dicom.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.fusioncds.dicom.DicomException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The DICOMweb retry policy ({@link DicomWebRetry}) against a real loopback HTTP server that
 * answers from a plan and counts the attempts: what is retried, what is not, how long it waits.
 */
class DicomWebRetryTest {

  /** -1 in a plan: the server closes the connection without answering. */
  private static final int CUT = -1;

  /** -2 in a plan: the server answers 200 and closes the connection mid-body. */
  private static final int CUT_MID_BODY = -2;

  private HttpServer server;
  private final Deque<int[]> plan = new ArrayDeque<>();
  private final AtomicInteger attempts = new AtomicInteger();
  private volatile int otherwise = 200;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/dicom-web", this::answer);
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  /** Each attempt takes the next planned answer (status, Retry-After s); then 200 with []. */
  private void answer(HttpExchange exchange) throws IOException {
    attempts.incrementAndGet();
    int[] next;
    synchronized (plan) {
      next = plan.isEmpty() ? new int[] {otherwise, 0} : plan.poll();
    }
    try (exchange) {
      if (next[0] == CUT) {
        return; // closed without a status line
      }
      if (next[0] == CUT_MID_BODY) {
        exchange.getResponseHeaders().add("Content-Type", "application/dicom+json");
        exchange.sendResponseHeaders(200, 100);
        exchange.getResponseBody().write('[');
        exchange.getResponseBody().flush();
        return; // 99 bytes short
      }
      if (next[1] > 0) {
        exchange.getResponseHeaders().add("Retry-After", Integer.toString(next[1]));
      }
      byte[] body = (next[0] == 200 ? "[]" : "no").getBytes(StandardCharsets.US_ASCII);
      exchange
          .getResponseHeaders()
          .add("Content-Type", next[0] == 200 ? "application/dicom+json" : "text/plain");
      exchange.sendResponseHeaders(next[0], body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private void plan(int... statuses) {
    for (int s : statuses) {
      plan.add(new int[] {s, 0});
    }
  }

  private DicomWebClient client(int maxRetries, Duration backoff, Duration maxBackoff) {
    URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/dicom-web");
    return new DicomWebClient(
        base,
        () -> null,
        new DicomWebClient.Settings(
            Duration.ofSeconds(2), Duration.ofSeconds(2), maxRetries, backoff, maxBackoff));
  }

  private DicomWebClient client(int maxRetries) {
    return client(maxRetries, Duration.ofMillis(10), Duration.ofSeconds(1));
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 503, 504, 429})
  void retriesA5xxOrA429UntilItSucceeds(int status) {
    plan(status, status);
    try (DicomWebClient c = client(2)) {

      assertEquals(0, c.searchStudies(Map.of()).size());
    }

    assertEquals(3, attempts.get());
  }

  @Test
  void retriesAConnectionCutMidBody() {
    plan(CUT_MID_BODY, CUT_MID_BODY);
    try (DicomWebClient c = client(2)) {

      assertEquals(0, c.searchStudies(Map.of()).size());
    }

    assertEquals(3, attempts.get());
  }

  @Test
  void givesUpAfterMaxRetriesOfBodiesCutShortAsACodedError() {
    otherwise = CUT_MID_BODY;
    try (DicomWebClient c = client(2)) {

      DicomException e = assertThrows(DicomException.class, () -> c.searchStudies(Map.of()));

      assertEquals(2303, e.code(), e.getMessage());
      assertTrue(e.getMessage().endsWith("(3 attempts)"), e.getMessage());
    }
    assertEquals(3, attempts.get());
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403, 404, 406, 409, 410, 413, 415, 422})
  void neverRetriesAnotherClientError(int status) {
    plan(status);
    try (DicomWebClient c = client(2)) {

      DicomException e = assertThrows(DicomException.class, () -> c.searchStudies(Map.of()));

      assertEquals(status == 404 ? 2302 : 2301, e.code(), e.getMessage());
      assertTrue(e.getMessage().contains(Integer.toString(status)), e.getMessage());
    }
    assertEquals(1, attempts.get());
  }

  @Test
  void givesUpAfterMaxRetriesWithTheLastStatusAndTheAttempts() {
    plan(503, 503, 503, 503);
    try (DicomWebClient c = client(2)) {

      DicomException e = assertThrows(DicomException.class, () -> c.searchStudies(Map.of()));

      assertEquals(
          "FCDS-2301: GET /dicom-web/studies answered HTTP status 503 after 3 attempts",
          e.getMessage());
    }
    assertEquals(3, attempts.get());
  }

  @Test
  void givesUpAfterMaxRetriesOfConnectionsClosedWithoutAnAnswer() {
    otherwise = CUT;
    try (DicomWebClient c = client(2)) {

      DicomException e = assertThrows(DicomException.class, () -> c.searchStudies(Map.of()));

      assertEquals(2303, e.code(), e.getMessage());
      assertTrue(e.getMessage().endsWith("(3 attempts)"), e.getMessage());
    }
    // the JDK's HttpClient itself sends an idempotent GET once more when no answer came
    assertTrue(attempts.get() >= 3 && attempts.get() % 3 == 0, attempts + " requests");
  }

  @Test
  void zeroRetriesSendsOnce() {
    plan(503);
    try (DicomWebClient c = client(0)) {

      assertThrows(DicomException.class, () -> c.searchStudies(Map.of()));
    }
    assertEquals(1, attempts.get());
  }

  @Test
  void waitsAsLongAsRetryAfterAsks() {
    plan.add(new int[] {429, 1});
    long start = System.nanoTime();
    try (DicomWebClient c = client(1, Duration.ofMillis(10), Duration.ofSeconds(5))) {

      c.searchStudies(Map.of());
    }
    long ms = (System.nanoTime() - start) / 1_000_000;

    assertEquals(2, attempts.get());
    assertTrue(ms >= 1000, "waited " + ms + " ms for Retry-After: 1");
  }

  @Test
  void neverWaitsLongerThanTheMaximumBackoffWhateverRetryAfterSays() {
    plan.add(new int[] {503, 3600});
    long start = System.nanoTime();
    try (DicomWebClient c = client(1, Duration.ofMillis(10), Duration.ofMillis(200))) {

      c.searchStudies(Map.of());
    }
    long ms = (System.nanoTime() - start) / 1_000_000;

    assertEquals(2, attempts.get());
    assertTrue(ms >= 200 && ms < 3000, "waited " + ms + " ms, capped at 200");
  }

  @Test
  void theWaitDoublesFromTheBackoff() {
    plan(503, 503, 503);
    long start = System.nanoTime();
    try (DicomWebClient c = client(3, Duration.ofMillis(100), Duration.ofSeconds(5))) {

      c.searchStudies(Map.of());
    }
    long ms = (System.nanoTime() - start) / 1_000_000;

    assertEquals(4, attempts.get());
    assertTrue(ms >= 100 + 200 + 400, "waited " + ms + " ms, expected at least 700");
  }
}
