package org.fusioncds.cdshooks;

import static org.awaitility.Awaitility.await;
import static org.fusioncds.testing.HostileServer.answer;
import static org.fusioncds.testing.HostileServer.drip;
import static org.fusioncds.testing.HostileServer.firstThen;
import static org.fusioncds.testing.HostileServer.forwardTo;
import static org.fusioncds.testing.HostileServer.head;
import static org.fusioncds.testing.HostileServer.lyingLength;
import static org.fusioncds.testing.HostileServer.stream;
import static org.fusioncds.testing.HostileServer.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.fusioncds.app.FusionCdsApp;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.sandbox.SandboxDicomWebServer;
import org.fusioncds.sandbox.SandboxEhr;
import org.fusioncds.sandbox.SandboxFhirServer;
import org.fusioncds.sandbox.SandboxSettings;
import org.fusioncds.sandbox.cohort.CohortGenerator;
import org.fusioncds.sandbox.cohort.CohortLoader;
import org.fusioncds.sandbox.cohort.VisitFrame;
import org.fusioncds.testing.HostileServer;
import org.fusioncds.testing.SecuredApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile upstream servers (issue #12): a FHIR server and a PACS that answer garbage, slowly,
 * without end or with lying lengths ({@link HostileServer}, raw sockets on loopback), behind the
 * real application with short timeouts. Each case ends in a coded answer within the timeouts and a
 * bounded heap — a 502/504 of the upstream kind for the FHIR side, a card disclosing the missing
 * image for the PACS side — and the very next call, to a server that behaves, is answered normally.
 * Each case's code, status, time and peak heap (above the live heap before the call) are printed at
 * the end.
 */
class HostileUpstreamIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String FHIR_JSON = "application/fhir+json";
  private static final String PATIENT = "{\"resourceType\":\"Patient\",\"id\":\"p-1\"}";
  private static final String EMPTY_SEARCH =
      "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[]}";

  /** FHIR side: a socket timeout of 2 s for each read, 4 s for a whole request. */
  private static final Duration FHIR_BOUND = Duration.ofSeconds(4 + 2 + 4);

  /** PACS side: 2 s per read, 4 s per body, no retry; then the model and the write-back. */
  private static final Duration PACS_BOUND = Duration.ofSeconds(25);

  /**
   * A quarter of failsafe's -Xmx2g above the live heap: a case must never come near the heap's end
   * (the gzip bomb, the largest, took 146 MiB on 2026-12-03).
   */
  private static final long HEAP_BOUND = 512L << 20;

  private static final List<String> FIGURES = new ArrayList<>();

  private static SandboxFhirServer fhirServer;
  private static SandboxDicomWebServer sandboxPacs;
  private static HostileServer hostileFhir;
  private static HostileServer hostilePacs;
  private static HostileServer elsewhere;
  private static SandboxEhr ehr;
  private static FusionCdsApp app;
  private static String hooks;
  private static String imagedPatient;

  @BeforeAll
  static void startServersAndTheApplication() throws Exception {
    fhirServer = SandboxFhirServer.start(new SandboxFhirServer.Settings(0, true));
    Path cohort = Files.createTempDirectory("hostile").resolve("cohort");
    CohortGenerator.generate(6, 1212L, cohort, VisitFrame.dayBefore(Instant.now()));
    imagedPatient =
        CohortLoader.load(
                FhirContext.forR4Cached().newRestfulGenericClient(fhirServer.baseUrl()), cohort)
            .stream()
            .filter(CohortLoader.LoadedPatient::image)
            .findFirst()
            .orElseThrow()
            .id();
    sandboxPacs = SandboxDicomWebServer.start(cohort.resolve("dicom"));
    hostileFhir = HostileServer.start("/fhir", wellBehavedFhir());
    hostilePacs = HostileServer.start("/dicom-web", wellBehavedPacs());
    elsewhere = HostileServer.start("/fhir", wellBehavedFhir());
    ehr = SandboxEhr.start();
    int port = FreePorts.find();
    Map<String, String> settings =
        SandboxSettings.forApp(
            port,
            ehr,
            Files.createTempDirectory("hostile-app"),
            fhirServer.baseUrl() + "," + hostileFhir.base(),
            hostilePacs.base());
    settings.put("audit.fhir-base-url", ""); // the events stay in the spool
    settings.put("dicomweb.base-url", hostilePacs.base());
    settings.put("fhir.connect-timeout-ms", "2000");
    settings.put("fhir.socket-timeout-ms", "2000");
    settings.put("fhir.request-timeout-ms", "4000");
    settings.put("dicomweb.connect-timeout-ms", "2000");
    settings.put("dicomweb.read-timeout-ms", "2000");
    settings.put("dicomweb.total-timeout-ms", "4000");
    settings.put("dicomweb.retry.max-retries", "0");
    settings.put("cds.time-budget-ms", "20000");
    app = FusionCdsApp.start(settings);
    hooks = "http://127.0.0.1:" + port + "/cds-services/imaging-fusion";
  }

  @AfterAll
  static void stopAll() {
    FIGURES.forEach(System.out::println);
    for (AutoCloseable c :
        new AutoCloseable[] {
          app, ehr, elsewhere, hostilePacs, hostileFhir, sandboxPacs, fhirServer
        }) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // stopping the rest anyway
      }
    }
  }

  @AfterEach
  void theNextCallToAServerThatBehavesIsAnsweredNormally() throws Exception {
    hostileFhir.behave(wellBehavedFhir());
    hostilePacs.behave(wellBehavedPacs());

    HttpResponse<String> r = hook(hostileFhir.base(), "p-1");

    assertEquals(200, r.statusCode(), r.body());
    assertEquals("info", onlyCard(r).path("indicator").asText(), r.body());
  }

  // ---------------------------------------------------------------- the FHIR server

  @Test
  void aFhirServerAnsweringHtmlIsA502() throws Exception {
    hostileFhir.behave(answer(200, "text/html", "<html><body>Login</body></html>"));

    expectUpstreamError("FHIR: HTML", "FCDS-3008", 502);
  }

  @Test
  void aFhirServerAnsweringTruncatedJsonIsA502() throws Exception {
    hostileFhir.behave(answer(200, FHIR_JSON, "{\"resourceType\":\"Patient\",\"id\":\"p-1\",\"na"));

    expectUpstreamError("FHIR: truncated JSON", "FCDS-3008", 502);
  }

  @Test
  void aFhirServerAnsweringTheWrongResourceTypeIsA502() throws Exception {
    hostileFhir.behave(
        answer(
            200,
            FHIR_JSON,
            "{\"resourceType\":\"Observation\",\"id\":\"o-1\",\"status\":\"final\","
                + "\"code\":{\"text\":\"x\"}}"));

    expectUpstreamError("FHIR: wrong resourceType", "FCDS-3008", 502);
  }

  /**
   * Not hostile, slow: a FHIR server across a network that takes 300 ms for every answer gets the
   * Patient read and the ImagingStudy search at the same time ({@code fhir.SideBySide}), not one
   * after the other.
   */
  @Test
  void aSlowFhirServerGetsThePatientReadAndTheStudySearchAtTheSameTime() throws Exception {
    java.util.concurrent.atomic.AtomicInteger inFlight =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger most =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    org.fusioncds.audit.CallAuditPolicy callAudit =
        app.camelContext()
            .getRegistry()
            .lookupByNameAndType("callAudit", org.fusioncds.audit.CallAuditPolicy.class);
    HostileServer.Behaviour normal = wellBehavedFhir();
    hostileFhir.behave(
        (r, x) -> {
          calls.accumulateAndGet(callAudit.inFlight(), Math::max); // what the shipper gives way to
          most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
          try {
            Thread.sleep(300);
            normal.answer(r, x);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            inFlight.decrementAndGet();
          }
        });

    Measured m = measure(() -> hook(hostileFhir.base(), "p-1"));

    assertEquals(200, m.response().statusCode(), m.response().body());
    assertEquals(2, most.get(), "the Patient read and the study search, at the same time");
    assertEquals(1, calls.get(), "the hook counted as a call in flight while it read");
    await().atMost(Duration.ofSeconds(5)).until(() -> callAudit.inFlight() == 0);
    record("FHIR: 300 ms per answer", "info card; 2 reads at once", m);
  }

  @Test
  void aLabSearchAnsweringHtmlWhileTheImageIsFetchedIsA502OfTheLabSearch() throws Exception {
    // the patient has an eligible study, so the gather's two branches run in parallel; the
    // clinical branch fails (Camel wraps its error), the answer still carries that branch's code
    String study =
        "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{\"resource\":"
            + "{\"resourceType\":\"ImagingStudy\",\"id\":\"s-1\",\"status\":\"available\","
            + "\"subject\":{\"reference\":\"Patient/p-1\"},\"started\":\""
            + java.time.Instant.now().minus(Duration.ofHours(1))
            + "\",\"identifier\":[{\"system\":\"urn:dicom:uid\",\"value\":\"urn:oid:1.2.3.4\"}],"
            + "\"series\":[{\"uid\":\"1.2.3.4.1\",\"modality\":{\"system\":"
            + "\"http://dicom.nema.org/resources/ontology/DCM\",\"code\":\"CR\"},"
            + "\"bodySite\":{\"system\":\"http://snomed.info/sct\",\"code\":\"51185008\"},"
            + "\"instance\":[{\"uid\":\"1.2.3.4.1.1\",\"sopClass\":{\"system\":"
            + "\"urn:ietf:rfc:3986\",\"code\":\"urn:oid:1.2.840.10008.5.1.4.1.1.1\"}}]}]}}]}";
    hostileFhir.behave(
        when(
            "Observation",
            answer(200, "text/html", "<html><body>Login</body></html>"),
            when(
                "ImagingStudy",
                answer(200, FHIR_JSON, study),
                when(
                    "Condition",
                    answer(200, FHIR_JSON, EMPTY_SEARCH),
                    answer(200, FHIR_JSON, PATIENT)))));

    expectUpstreamError("FHIR: HTML to the lab search (parallel)", "FCDS-3008", 502);
  }

  @Test
  void aFiftyMegabyteBundleIsCutAtTheLimitAndIsA502() throws Exception {
    byte[] entry =
        ("{\"resource\":{\"resourceType\":\"ImagingStudy\",\"status\":\"available\","
                + "\"subject\":{\"reference\":\"Patient/p-1\"}}},")
            .getBytes(StandardCharsets.UTF_8);
    hostileFhir.behave(
        when(
            "ImagingStudy",
            stream(
                200,
                new String[] {"Content-Type: " + FHIR_JSON},
                "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":["
                    .getBytes(StandardCharsets.UTF_8),
                entry,
                50L << 20,
                "{}]}".getBytes(StandardCharsets.UTF_8)),
            answer(200, FHIR_JSON, PATIENT)));

    expectUpstreamError("FHIR: 50 MB Bundle (no Content-Length)", "FCDS-3009", 502);
  }

  @Test
  void aNextLinkThatLoopsIsA502() throws Exception {
    hostileFhir.behave(
        when(
            "ImagingStudy",
            (r, x) ->
                answer(200, FHIR_JSON, page(x.base() + "/ImagingStudy?patient=p-1&_count=50"))
                    .answer(r, x),
            answer(200, FHIR_JSON, PATIENT)));

    expectUpstreamError("FHIR: next link loops", "FCDS-3010", 502);
  }

  /**
   * A next link naming a server off the FHIR allowlist is never followed: the token the hook gave
   * for its FHIR server is not sent there, and nothing is.
   */
  @Test
  void aNextLinkToAnotherServerIsNotFollowedAndIsA502() throws Exception {
    int elsewhereBefore = elsewhere.requests();
    hostileFhir.behave(
        when(
            "ImagingStudy",
            answer(200, FHIR_JSON, page(elsewhere.base() + "/ImagingStudy?patient=p-1&page=2")),
            answer(200, FHIR_JSON, PATIENT)));

    expectUpstreamError("FHIR: next link to another server", "FCDS-3015", 502);
    assertEquals(elsewhereBefore, elsewhere.requests(), "nothing sent to the other server");
  }

  @Test
  void aNextLinkThatNeverEndsStopsAtTwentyPagesAndIsA502NotACardFromPartOfTheData()
      throws Exception {
    hostileFhir.behave(
        when(
            "ImagingStudy",
            (r, x) ->
                answer(
                        200,
                        FHIR_JSON,
                        page(x.base() + "/ImagingStudy?patient=p-1&page=" + UUID.randomUUID()))
                    .answer(r, x),
            answer(200, FHIR_JSON, PATIENT)));
    int before = hostileFhir.requests();

    expectUpstreamError("FHIR: next link never ends (20 pages read)", "FCDS-3013", 502);
    assertEquals(1 + 20, hostileFhir.requests() - before, "the Patient and 20 pages, no more");
  }

  @Test
  void aFhirServerDrippingOneBytePerSecondIsA504() throws Exception {
    hostileFhir.behave(drip(200, FHIR_JSON, PATIENT));

    expectUpstreamError("FHIR: 1 byte/s", "FCDS-3007", 504);
  }

  @Test
  void aRedirectIsNotFollowedAndIsA502() throws Exception {
    int elsewhereBefore = elsewhere.requests();
    hostileFhir.behave(
        (r, x) ->
            head(
                x.out(),
                302,
                "Location: " + elsewhere.base() + "/Patient/p-1",
                "Content-Length: 0"));

    expectUpstreamError("FHIR: 302 elsewhere", "FCDS-3004", 502);
    assertEquals(elsewhereBefore, elsewhere.requests(), "the redirect was not followed");
  }

  @Test
  void aRefusedTokenIsA502AndTheNextCallGetsItsCard() throws Exception {
    hostileFhir.behave(
        firstThen(
            1,
            answer(
                401,
                FHIR_JSON,
                "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                    + "\"code\":\"login\"}]}"),
            wellBehavedFhir()));

    expectUpstreamError("FHIR: 401 then 200 (first call)", "FCDS-3002", 502);
    Measured next = measure(() -> hook(hostileFhir.base(), "p-1"));
    assertEquals(200, next.response().statusCode(), next.response().body());
    record("FHIR: 401 then 200 (second call)", "info card", next);
  }

  // ---------------------------------------------------------------- the PACS

  @Test
  void aPacsAnsweringTheWrongContentTypeLeavesTheImageMissing() throws Exception {
    hostilePacs.behave(when("/metadata", answer(200, "text/html", "<html/>"), wellBehavedPacs()));

    expectImageMissing("PACS: wrong content type", "FCDS-2305");
  }

  @Test
  void aMultipartWhoseBoundaryNeverComesLeavesTheImageMissing() throws Exception {
    hostilePacs.behave(
        when(
            "/frames/",
            stream(
                200,
                new String[] {
                  "Content-Type: multipart/related; type=\"application/octet-stream\"; boundary=b0"
                },
                ("--b0\r\nContent-Type: application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1"
                        + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII),
                new byte[] {0},
                Long.MAX_VALUE,
                new byte[0]),
            wellBehavedPacs()));

    Measured m =
        expectImageMissing("PACS: boundary never comes (endless part)", "FCDS-2103|FCDS-2304");
    // the part is cut at the frame's own bound (2 × 256 × 256 × 2 bytes + 64 KiB for the cohort's
    // radiographs), not at the 256 MiB general limit, which would buffer more than this bound
    // (13 MiB above the live heap measured on 2026-12-03)
    assertTrue(m.peakHeap() < 128L << 20, "peak heap " + (m.peakHeap() >> 20) + " MiB");
  }

  @Test
  void endlessMetadataJsonIsCutAtItsCapAndLeavesTheImageMissing() throws Exception {
    hostilePacs.behave(
        when(
            "/metadata",
            stream(
                200,
                new String[] {"Content-Type: application/dicom+json"},
                "[".getBytes(StandardCharsets.UTF_8),
                "{\"00080018\":{\"vr\":\"UI\",\"Value\":[\"1.2.3\"]}},"
                    .getBytes(StandardCharsets.UTF_8),
                1L << 30,
                "{}]".getBytes(StandardCharsets.UTF_8)),
            wellBehavedPacs()));

    Measured m =
        expectImageMissing("PACS: 1 GiB of metadata JSON (no Content-Length)", "FCDS-2316");
    // cut at 4 MiB (DicomWebClient.MAX_JSON_BYTES): the tree of those, not the gigabyte, is read
    // (74 MiB above the live heap measured on 2026-12-03)
    assertTrue(m.peakHeap() < 256L << 20, "peak heap " + (m.peakHeap() >> 20) + " MiB");
  }

  @Test
  void aLengthThatLiesLeavesTheImageMissing() throws Exception {
    hostilePacs.behave(
        when(
            "/metadata",
            lyingLength(200, "application/dicom+json", "[{\"00080018\":{\"vr\":\"UI\"", 1_000_000),
            wellBehavedPacs()));

    expectImageMissing("PACS: Content-Length lies (1 MB declared, 26 bytes sent)", "FCDS-2303");
  }

  @Test
  void aGzipBombIsNeverInflatedAndLeavesTheImageMissing() throws Exception {
    byte[] bomb = gzippedZeros(512L << 20);
    hostilePacs.behave(
        when(
            "/metadata",
            (r, x) -> {
              head(
                  x.out(),
                  200,
                  "Content-Type: application/dicom+json",
                  "Content-Encoding: gzip",
                  "Content-Length: " + bomb.length);
              x.out().write(bomb);
            },
            wellBehavedPacs()));

    expectImageMissing("PACS: gzip bomb (" + bomb.length / 1024 + " KiB → 512 MiB)", "FCDS-2306");
  }

  // ---------------------------------------------------------------- helpers

  private static HostileServer.Behaviour wellBehavedFhir() {
    return when(
        "ImagingStudy", answer(200, FHIR_JSON, EMPTY_SEARCH), answer(200, FHIR_JSON, PATIENT));
  }

  private static HostileServer.Behaviour wellBehavedPacs() {
    return forwardTo("/dicom-web", sandboxPacs.baseUrl());
  }

  private static String page(String next) {
    return "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"link\":[{\"relation\":\"next\","
        + "\"url\":\""
        + next
        + "\"}],\"entry\":[]}";
  }

  private static byte[] gzippedZeros(long size) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      byte[] zeros = new byte[1 << 20];
      for (long n = 0; n < size; n += zeros.length) {
        gz.write(zeros);
      }
    }
    return out.toByteArray();
  }

  private void expectUpstreamError(String name, String code, int status) throws Exception {
    Measured m = measure(() -> hook(hostileFhir.base(), "p-1"));

    assertEquals(status, m.response().statusCode(), m.response().body());
    JsonNode issue = JSON.readTree(m.response().body()).path("issue").path(0);
    assertEquals(code, issue.path("details").path("coding").path(0).path("code").asText());
    assertTrue(
        m.elapsed().compareTo(FHIR_BOUND) < 0, name + " took " + m.elapsed().toMillis() + " ms");
    assertTrue(m.peakHeap() < HEAP_BOUND, name + " peak heap " + m.peakHeap());
    record(name, code + " " + status, m);
  }

  private Measured expectImageMissing(String name, String codes) throws Exception {
    Measured m = measure(() -> hook(fhirServer.baseUrl(), imagedPatient));

    assertEquals(200, m.response().statusCode(), m.response().body());
    String detail = onlyCard(m.response()).path("detail").asText();
    assertTrue(detail.matches("(?s).*\\*\\*missing\\*\\*: [^\\n]*\\bimage\\b.*"), detail);
    String log = org.fusioncds.testing.TrailFixture.capturedLog();
    String logged =
        log.lines()
            .filter(l -> l.contains("not fetched"))
            .reduce((a, b) -> b)
            .orElseThrow(() -> new AssertionError("no image failure logged"));
    assertTrue(
        java.util.regex.Pattern.compile(".*(" + codes + ").*").matcher(logged).matches(), logged);
    assertTrue(
        m.elapsed().compareTo(PACS_BOUND) < 0, name + " took " + m.elapsed().toMillis() + " ms");
    assertTrue(m.peakHeap() < HEAP_BOUND, name + " peak heap " + m.peakHeap());
    String code = logged.replaceAll(".*(FCDS-\\d{4}).*", "$1");
    record(name, "200 card, image missing: " + code, m);
    return m;
  }

  /** {@code peakHeap}: the call's peak heap above the live heap before it. */
  private record Measured(HttpResponse<String> response, Duration elapsed, long peakHeap) {}

  @FunctionalInterface
  private interface Call {
    HttpResponse<String> run() throws Exception;
  }

  /** The call's answer, its time, and the sum of the heap pools' peaks while it ran. */
  private static Measured measure(Call call) throws Exception {
    List<MemoryPoolMXBean> heap =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP)
            .toList();
    // the test JVM also holds the in-process servers and what earlier test classes left alive:
    // the call's figure is its peak above the live heap measured just before it
    System.gc();
    long live = heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
    heap.forEach(MemoryPoolMXBean::resetPeakUsage);
    long start = System.nanoTime();
    HttpResponse<String> r = call.run();
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    return new Measured(r, elapsed, Math.max(0, peak - live));
  }

  private static void record(String name, String outcome, Measured m) {
    FIGURES.add(
        String.format(
            "hostile upstream | %-45s | %-32s | %6d ms | peak heap %5d MiB",
            name, outcome, m.elapsed().toMillis(), m.peakHeap() >> 20));
  }

  private static HttpResponse<String> hook(String fhirBase, String patient) throws Exception {
    String body =
        "{\"hook\":\"patient-view\",\"hookInstance\":\""
            + UUID.randomUUID()
            + "\",\"fhirServer\":\""
            + fhirBase
            + "\",\"context\":{\"userId\":\"Practitioner/1\",\"patientId\":\""
            + patient
            + "\"}}";
    return HTTP.send(
        SecuredApp.signed(ehr, hooks)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode onlyCard(HttpResponse<String> r) throws Exception {
    JsonNode cards = JSON.readTree(r.body()).path("cards");
    assertEquals(1, cards.size(), r.body());
    return cards.get(0);
  }
}
