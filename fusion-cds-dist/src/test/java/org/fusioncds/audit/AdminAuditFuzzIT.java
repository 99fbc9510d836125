package org.fusioncds.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.fusioncds.app.FusionCdsApp;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.sandbox.SandboxEhr;
import org.fusioncds.sandbox.SandboxServers;
import org.fusioncds.sandbox.SandboxSettings;
import org.fusioncds.testing.FuzzFigures;
import org.fusioncds.testing.KeycloakServer;
import org.fusioncds.testing.LogTail;
import org.fusioncds.testing.ReportsWritten;
import org.fusioncds.testing.SecuredApp;
import org.fusioncds.testing.TrailFixture;

/**
 * Issue #12: the compliance query {@code GET /admin/audit} over HTTP with a Keycloak token of role
 * auditor, its query string fuzzed (jqwik): known and unknown parameter names, repeated ones, names
 * of Camel's own headers, empty and valueless ones, any strings as values — dates out of range,
 * unicode, control characters, 5,000 characters. The audit repository holds the trail of a real
 * hook (a report, its AuditEvents). For every case: no 5xx; a 200 with records (JSON) or the CSV
 * header, or a coded OperationOutcome; no Java class name or stack trace in the body; nothing
 * logged at ERROR; no PHI in the log. Tries: {@code jqwik.tries.default} (1,000 in {@code mvn
 * verify}, 10,000 with {@code -Pfuzz}); figures to {@code target/fuzz/AdminAuditFuzzIT.txt}.
 */
class AdminAuditFuzzIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final List<String> KNOWN =
      List.of("patient", "model", "from", "to", "caller", "format");
  private static final List<String> INTERNALS = List.of("org.", "java.", "Exception", "\tat ");
  private static final String SECRET = "dev-only-compliance-officer-secret-replace-me";

  private static TrailFixture data;
  private static SandboxServers servers;
  private static SandboxEhr ehr;
  private static FusionCdsApp app;
  private static KeycloakServer keycloak;
  private static String audit;
  private static String token;
  private static long tokenAt;
  private static LogTail log;
  private static final FuzzFigures FIGURES = new FuzzFigures();

  /** One query string as sent, and how it was made (for the report of a failing case). */
  record Query(String raw, List<Map.Entry<String, String>> parameters) {
    @Override
    public String toString() {
      String shown = raw.length() > 300 ? raw.substring(0, 300) + "…(" + raw.length() + ")" : raw;
      return "Query[" + shown + "]";
    }
  }

  @BeforeContainer
  static void startKeycloakTheSandboxAndTheApplication() throws Exception {
    keycloak = KeycloakServer.shared();
    Path work = Files.createTempDirectory("admin-audit-fuzz");
    data = TrailFixture.generate(work.resolve("cohort"), 10, 121212L);
    servers = SandboxServers.start(data.dicomFolder());
    data.load(servers.fhir().baseUrl());
    ehr = SandboxEhr.start();
    int port = FreePorts.find();
    Map<String, String> s =
        SandboxSettings.forApp(
            port, ehr, work, servers.fhir().baseUrl(), servers.dicomWeb().baseUrl());
    s.put("dicomweb.base-url", servers.dicomWeb().baseUrl());
    s.put("fhir.base-url", servers.fhir().baseUrl());
    s.put("security.api.issuer", keycloak.issuer());
    s.put("cds.time-budget-ms", "60000");
    app = FusionCdsApp.start(s);
    String base = "http://127.0.0.1:" + port;
    audit = base + "/admin/audit";
    // one real hook: a report, its Provenance and AuditEvents for the query to find
    String hooks = base + "/cds-services/imaging-fusion";
    String hook =
        "{\"hook\":\"patient-view\",\"hookInstance\":\""
            + UUID.randomUUID()
            + "\",\"fhirServer\":\""
            + servers.fhir().baseUrl()
            + "\",\"context\":{\"userId\":\"Practitioner/fuzz\",\"patientId\":\""
            + data.withImageAndLabs(0)
            + "\"}}";
    HttpResponse<String> r =
        HTTP.send(
            SecuredApp.signed(ehr, hooks)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(hook))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    ReportsWritten.await(app, Duration.ofSeconds(60)); // behind the card: before-report
    AuditShipper shipper =
        app.camelContext().getRegistry().lookupByNameAndType("auditShipper", AuditShipper.class);
    assertTrue(shipper.flush(Duration.ofSeconds(60)), "the hook's events were not shipped");
    HttpResponse<String> found =
        get("patient=" + data.withImageAndLabs(0) + "&format=json", auditorToken());
    assertEquals(200, found.statusCode(), found.body());
    assertEquals(1, JSON.readTree(found.body()).path("records").size(), found.body());
    log = LogTail.fromNow();
  }

  @AfterContainer
  static void stopAndWriteTheFigures() throws Exception {
    try {
      String figures = FIGURES.summary("admin-audit") + "\n";
      System.out.print(figures);
      Files.createDirectories(Path.of("target/fuzz"));
      Files.write(
          Path.of("target/fuzz/AdminAuditFuzzIT.txt"), figures.getBytes(StandardCharsets.UTF_8));
    } finally {
      for (AutoCloseable c : new AutoCloseable[] {app, ehr, servers}) {
        if (c != null) {
          c.close();
        }
      }
    }
  }

  @Provide
  Arbitrary<Query> queries() {
    Arbitrary<String> names =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(12, Arbitraries.of(KNOWN)),
            net.jqwik.api.Tuple.of(
                2,
                Arbitraries.of(
                    "CamelHttpResponseCode",
                    "CamelHttpQuery",
                    "CamelHttpUri",
                    "Authorization",
                    "Content-Type",
                    "X-Request-ID",
                    "breadcrumbId",
                    "patient[]",
                    "_format",
                    "")),
            net.jqwik.api.Tuple.of(1, Arbitraries.strings().all().ofMaxLength(20)));
    Arbitrary<String> values =
        Arbitraries.oneOf(
            Arbitraries.strings().all().ofMaxLength(40),
            Arbitraries.strings().withChars("0123456789-T:.Z+").ofMaxLength(30),
            Arbitraries.of(
                "",
                " ",
                "json",
                "csv",
                "CSV",
                "xml",
                "2026",
                "2026-13",
                "2026-02-30",
                "2026-11-20",
                "2026-11-20T25:00:00Z",
                "2026-11-20T10:00:00+25:00",
                "-999999999-01-01",
                "+999999999-12-31T23:59:59Z",
                "Patient/",
                "Patient/../x",
                "../../etc/passwd",
                "${header.Authorization}",
                "{{audit.fhir-base-url}}",
                "' OR 1=1 --",
                "\u0000",
                "\r\nX-Injected: 1",
                "https://elsewhere.example/ehr"),
            Arbitraries.strings().alpha().ofMinLength(1000).ofMaxLength(5000));
    Arbitrary<Map.Entry<String, String>> parameter =
        Combinators.combine(names, values).as(Map::entry);
    Arbitrary<List<Map.Entry<String, String>>> parameters = parameter.list().ofMaxSize(7);
    Arbitrary<Integer> writing = Arbitraries.integers().between(0, 9);
    return Combinators.combine(parameters, writing).as((ps, w) -> new Query(write(ps, w), ps));
  }

  /**
   * The query string: mostly each name and value percent-encoded (RFC 3986); sometimes a name
   * without {@code =}, an empty pair, or a stray {@code &}.
   */
  private static String write(List<Map.Entry<String, String>> ps, int writing) {
    String q =
        ps.stream()
            .map(
                e ->
                    writing == 1 && e.getValue().isEmpty()
                        ? enc(e.getKey())
                        : enc(e.getKey()) + "=" + enc(e.getValue()))
            .collect(Collectors.joining("&"));
    return switch (writing) {
      case 2 -> "&" + q + "&&";
      case 3 -> q + "&=";
      default -> q;
    };
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Property(seed = FuzzFigures.SEED, shrinking = ShrinkingMode.BOUNDED)
  void anyQueryStringIsAnsweredOrRefusedWithACodeNever5xx(@ForAll("queries") Query q)
      throws Exception {
    log.next(); // what an earlier (failed) case left in the log is not this case's
    long t0 = System.nanoTime();
    HttpResponse<String> r = get(q.raw(), auditorToken());
    long ms = (System.nanoTime() - t0) / 1_000_000;

    FIGURES.answered(r.statusCode(), ms, q);
    assertTrue(r.statusCode() < 500, r.statusCode() + " for " + q + ": " + r.body());
    if (r.statusCode() == 200) {
      String type = r.headers().firstValue("Content-Type").orElse("");
      if (type.startsWith("text/csv")) {
        assertTrue(r.body().startsWith("report,status,issued,patient,"), r.body());
      } else {
        assertTrue(JSON.readTree(r.body()).path("records").isArray(), r.body());
      }
    } else {
      JsonNode answer = JSON.readTree(r.body());
      assertEquals("OperationOutcome", answer.path("resourceType").asText(), r.body());
      assertFalse(answer.path("issue").isEmpty(), r.body());
      for (JsonNode issue : answer.path("issue")) {
        String code = issue.path("details").path("coding").path(0).path("code").asText();
        assertTrue(code.matches("FCDS-\\d{4}"), r.body());
        FIGURES.coded(code);
      }
    }
    String sent = java.net.URLDecoder.decode(q.raw().replace("+", "%2B"), StandardCharsets.UTF_8);
    for (String internal : INTERNALS) {
      assertTrue(
          sent.contains(internal) || !r.body().contains(internal),
          "'" + internal + "' in the answer to " + q + ": " + r.body());
    }
    String logged = log.next();
    assertFalse(logged.contains(" ERROR "), "logged at ERROR for " + q + ":\n" + logged);
    assertEquals(List.of(), data.phiIn(logged), "PHI logged for " + q);
  }

  /** A token of the auditor client, fetched again after a minute (Keycloak's last 5). */
  private static synchronized String auditorToken() {
    if (token == null || System.nanoTime() - tokenAt > Duration.ofMinutes(1).toNanos()) {
      token = keycloak.clientToken("compliance-officer", SECRET);
      tokenAt = System.nanoTime();
    }
    return token;
  }

  private static HttpResponse<String> get(String query, String bearer) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(audit + "?" + query))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + bearer)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
