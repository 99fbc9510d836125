package org.fusioncds.cdshooks;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fusioncds.app.FusionCdsApp;
import org.fusioncds.audit.AuditSpool;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.sandbox.SandboxEhr;
import org.fusioncds.sandbox.SandboxSettings;
import org.fusioncds.testing.SecuredApp;
import org.fusioncds.testing.TestData;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The CDS Hooks endpoints of the running application, called over HTTP as an EHR calls them. */
class CdsHooksRequestIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static FusionCdsApp app;
  private static SandboxEhr ehr;
  private static String base;
  private static String closedFhirServer;

  @BeforeAll
  static void startTheApplication() {
    int port = FreePorts.find();
    ehr = SandboxEhr.start();
    closedFhirServer = "http://127.0.0.1:" + FreePorts.find() + "/fhir"; // nothing listens there
    Map<String, String> settings =
        SandboxSettings.forApp(
            port,
            ehr,
            tempFolder("cds-requests"),
            "https://fhir.example.invalid/fhir," + closedFhirServer,
            "https://pacs.example.invalid/dicom-web");
    settings.put("audit.fhir-base-url", ""); // no repository: the events stay in the spool
    app = FusionCdsApp.start(settings);
    base = "http://127.0.0.1:" + port + "/cds-services";
  }

  private static java.nio.file.Path tempFolder(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterAll
  static void stop() {
    app.close();
    ehr.close();
  }

  @Test
  void discoveryListsThePatientViewServiceWithItsPrefetch() throws Exception {
    HttpResponse<String> r =
        HTTP.send(SecuredApp.signed(ehr, base).GET().build(), HttpResponse.BodyHandlers.ofString());

    assertEquals(200, r.statusCode());
    JsonNode service = JSON.readTree(r.body()).path("services").path(0);
    assertEquals("imaging-fusion", service.path("id").asText());
    assertEquals("patient-view", service.path("hook").asText());
    assertEquals(
        "Patient/{{context.patientId}}", service.path("prefetch").path("patient").asText());
    // the studies the gather reads, not only those with status available: a prefetch narrower
    // than the gather's search never equals what the cached path remembers
    assertEquals(
        "ImagingStudy?patient={{context.patientId}}&_count=50",
        service.path("prefetch").path("studies").asText());
    assertTrue(service.has("usageRequirements"));
  }

  @Test
  void validatorsBadPatientViewRequestIsRefusedWithEveryProblem() throws Exception {
    byte[] bad =
        Files.readAllBytes(
            TestData.path("cds-hooks/validator-cases/cdshooks-request-patient-view-bad.json"));

    HttpResponse<String> r = post("/imaging-fusion", bad);

    assertEquals(400, r.statusCode());
    assertEquals(List.of("FCDS-1006", "FCDS-1008", "FCDS-1012", "FCDS-1012"), codes(r));
  }

  @Test
  void malformedJsonIsA400WithItsCode() throws Exception {
    HttpResponse<String> r = post("/imaging-fusion", "{\"hook\": ".getBytes());

    assertEquals(400, r.statusCode());
    assertEquals(List.of("FCDS-1001"), codes(r));
  }

  @Test
  void missingHookAndHookInstanceAndPatientAreEachNamed() throws Exception {
    HttpResponse<String> r =
        post("/imaging-fusion", "{\"context\":{\"userId\":\"Practitioner/1\"}}".getBytes());

    assertEquals(400, r.statusCode());
    assertEquals(List.of("FCDS-1002", "FCDS-1004", "FCDS-1006"), codes(r));
  }

  @Test
  void wrongJsonTypesAreEachNamedWithTheirFieldInOneAnswer() throws Exception {
    String body =
        "{\"hook\":null,\"hookInstance\":7,\"fhirServer\":\"https://fhir.example.invalid/fhir\","
            + "\"fhirAuthorization\":{\"access_token\":\"t\",\"token_type\":\"MAC\","
            + "\"expires_in\":\"300\",\"scope\":\"patient/*.read\",\"subject\":[]},"
            + "\"context\":{\"patientId\":\"\",\"userId\":{}},\"prefetch\":{\"patient\":"
            + "{\"resourceType\":\"Bundle\"}}}";

    HttpResponse<String> r = post("/imaging-fusion", body.getBytes());

    assertEquals(400, r.statusCode(), r.body());
    assertEquals(
        List.of(
            "hook",
            "hookInstance",
            "context.patientId",
            "context.userId",
            "fhirAuthorization.token_type",
            "fhirAuthorization.expires_in",
            "fhirAuthorization.subject",
            "prefetch.patient"),
        expressions(r));
    assertEquals(
        List.of(
            "FCDS-1002",
            "FCDS-1004",
            "FCDS-1006",
            "FCDS-1007",
            "FCDS-1010",
            "FCDS-1010",
            "FCDS-1010",
            "FCDS-1012"),
        codes(r));
  }

  @Test
  void aContextThatIsAStringIsA400NotA500() throws Exception {
    String body = "{\"hook\":\"patient-view\",\"hookInstance\":\"h-1\",\"context\":\"AAAA\"}";

    HttpResponse<String> r = post("/imaging-fusion", body.getBytes());

    assertEquals(400, r.statusCode(), r.body());
    assertEquals(List.of("FCDS-1005"), codes(r));
  }

  @Test
  void anAccessTokenThatCannotGoIntoAnAuthorizationHeaderIsA400() throws Exception {
    for (String token : List.of("x".repeat(7903), "has spaces and é")) {
      String body =
          "{\"hook\":\"patient-view\",\"hookInstance\":\"h-1\","
              + "\"fhirServer\":\"http://127.0.0.1:1/fhir\",\"fhirAuthorization\":"
              + "{\"access_token\":\""
              + token
              + "\",\"token_type\":\"Bearer\",\"expires_in\":300,\"scope\":\"patient/*.read\","
              + "\"subject\":\"cds\"},\"context\":{\"patientId\":\"p-1\"}}";

      HttpResponse<String> r =
          post("/imaging-fusion", body.getBytes(java.nio.charset.StandardCharsets.UTF_8));

      assertEquals(400, r.statusCode(), r.body());
      assertTrue(codes(r).contains("FCDS-1010"), r.body());
      assertTrue(r.body().contains("fhirAuthorization.access_token"), r.body());
    }
  }

  @Test
  void aBodyOverTheByteLimitIsA413WithItsCode() throws Exception {
    byte[] big = new byte[2 * 1024 * 1024 + 1]; // over the hook limit, under edge.max-body-bytes
    java.util.Arrays.fill(big, (byte) ' ');

    HttpResponse<String> r = post("/imaging-fusion", big);

    assertEquals(413, r.statusCode(), r.body());
    assertEquals(List.of("FCDS-1015"), codes(r));
  }

  @Test
  void nestingDeeperThanTheLimitIsRefusedBeforeTheFieldsAreRead() throws Exception {
    String deep = "[".repeat(100) + "]".repeat(100);
    String body = "{\"hook\":\"patient-view\",\"extension\":" + deep + "}";

    HttpResponse<String> r = post("/imaging-fusion", body.getBytes());

    assertEquals(400, r.statusCode(), r.body());
    assertEquals(List.of("FCDS-1016"), codes(r));
  }

  @Test
  void aDuplicateFieldIsRefusedAsInvalidJson() throws Exception {
    String body = "{\"hook\":\"patient-view\",\"hook\":\"order-sign\"}";

    HttpResponse<String> r = post("/imaging-fusion", body.getBytes());

    assertEquals(400, r.statusCode(), r.body());
    assertEquals(List.of("FCDS-1001"), codes(r));
  }

  @Test
  void withoutFhirServerAndWithAnIncompletePrefetchTheAnswerIs412NamingWhatIsMissing()
      throws Exception {
    String body =
        "{\"hook\":\"patient-view\",\"hookInstance\":\"d1577c69-dfbe-44ad-ba6d-3e05e953b2eb\","
            + "\"context\":{\"userId\":\"Practitioner/1\",\"patientId\":\"p-1\"},"
            + "\"prefetch\":{\"patient\":{\"resourceType\":\"Patient\",\"id\":\"p-1\"}}}";

    HttpResponse<String> r = post("/imaging-fusion", body.getBytes());

    assertEquals(412, r.statusCode(), r.body());
    assertEquals(List.of("FCDS-3006"), codes(r));
    assertTrue(r.body().contains("the prefetch lacks studies, observations, conditions"), r.body());
  }

  @Test
  void wrongHookIsRefused() throws Exception {
    byte[] orderSign =
        Files.readAllBytes(
            TestData.path("cds-hooks/validator-cases/cdshooks-request-order-sign-good.json"));

    HttpResponse<String> r = post("/imaging-fusion", orderSign);

    assertEquals(400, r.statusCode());
    assertTrue(codes(r).contains("FCDS-1003"), r.body());
  }

  @Test
  void unknownServiceIsA404WithItsCode() throws Exception {
    byte[] good =
        Files.readAllBytes(
            TestData.path("cds-hooks/validator-cases/cdshooks-request-patient-view-good.json"));

    HttpResponse<String> r = post("/no-such-service", good);

    assertEquals(404, r.statusCode());
    assertEquals(List.of("FCDS-1013"), codes(r));
    assertEquals("OperationOutcome", JSON.readTree(r.body()).path("resourceType").asText());
  }

  @Test
  void anUnsignedCallIs401AndItsRefusalWaitsInTheAuditSpool() throws Exception {
    AuditSpool spool =
        app.camelContext().getRegistry().lookupByNameAndType("auditSpool", AuditSpool.class);
    int before = spool.size();

    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base)).GET().build(),
            HttpResponse.BodyHandlers.ofString());

    assertEquals(401, r.statusCode());
    assertEquals(List.of("FCDS-7001"), codes(r));
    List<AuditSpool.Entry> waiting = spool.oldest(before + 10);
    assertEquals(before + 1, waiting.size());
    assertEquals("FCDS-7001", waiting.get(waiting.size() - 1).event().getOutcomeDesc());
  }

  @Test
  void aFhirReadThatGetsNoAnswerIsAuditedAndTheHookAnswersWithItsCode() throws Exception {
    AuditSpool spool =
        app.camelContext().getRegistry().lookupByNameAndType("auditSpool", AuditSpool.class);
    int before = spool.size();
    String body =
        "{\"hook\":\"patient-view\",\"hookInstance\":\"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea\","
            + "\"fhirServer\":\""
            + closedFhirServer
            + "\",\"context\":{\"userId\":\"Practitioner/1\",\"patientId\":\"p-1\"}}";

    HttpResponse<String> r = post("/imaging-fusion", body.getBytes());

    assertEquals(502, r.statusCode(), r.body()); // the upstream failed: Bad Gateway, not 500
    assertEquals(List.of("FCDS-3001"), codes(r));
    List<AuditSpool.Entry> added = spool.oldest(before + 10).subList(before, spool.size());
    AuditEvent read =
        added.stream()
            .map(AuditSpool.Entry::event)
            .filter(e -> "read".equals(e.getSubtypeFirstRep().getCode()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no read among " + added.size() + " events"));
    assertEquals(AuditEvent.AuditEventOutcome._8, read.getOutcome());
    assertEquals("no answer", read.getOutcomeDesc());
    assertEquals(
        "Patient/p-1",
        read.getEntity().stream()
            .map(x -> x.getWhat().getReference())
            .filter(ref -> ref != null && ref.startsWith("Patient/"))
            .findFirst()
            .orElseThrow());
  }

  @Test
  void aTokenInTheQueryStringIsNeverTakenForTheAuthorizationHeader() throws Exception {
    // tokens in URLs end up in proxy and browser logs (RFC 6750 §2.3 discourages them; we take
    // none): a query parameter named Authorization neither authenticates nor spoils a real header
    String token = ehr.sign(base);
    String asParameter = "Authorization=" + java.net.URLEncoder.encode("Bearer " + token, UTF_8);

    HttpResponse<String> onlyInQuery =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "?" + asParameter)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> headerAndJunkParameter =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "?Authorization=junk"))
                .header("Authorization", "Bearer " + ehr.sign(base))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertEquals(401, onlyInQuery.statusCode(), onlyInQuery.body());
    assertEquals(200, headerAndJunkParameter.statusCode(), headerAndJunkParameter.body());
  }

  @Test
  void theAnswerCarriesOnlyItsOwnHeadersNeverTheRequestsOrItsQueryParameters() throws Exception {
    // Camel maps request headers and query parameters into message headers; what goes back to
    // the client is only what the service sets (a reflected Set-Cookie or Content-Type would let
    // a link plant a cookie or turn the answer into a page; a reflected token leaks it)
    String token = ehr.sign(base + "/imaging-fusion");
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        base
                            + "/imaging-fusion?Set-Cookie=planted%3D1&X-Frame-Options=ALLOWALL"
                            + "&Content-Type=text%2Fhtml&x%3Ay=1&X-Request-Id=planted-id"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .header("X-Forwarded-Host", "evil.example")
                .header("Cookie", "session=secret-cookie")
                .POST(HttpRequest.BodyPublishers.ofString("{\"hook\": 1}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertEquals(400, r.statusCode(), r.body());
    assertEquals("application/fhir+json", r.headers().firstValue("Content-Type").orElse(""));
    java.util.Set<String> names = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    names.addAll(r.headers().map().keySet());
    for (String reflected :
        List.of("Set-Cookie", "X-Frame-Options", "Authorization", "X-Forwarded-Host", "Cookie")) {
      assertTrue(!names.contains(reflected), reflected + " in the answer: " + r.headers().map());
    }
    assertTrue(!r.headers().map().toString().contains(token), "the token came back");
    // the request id of the audit trail comes from a header or is ours, never from the URL
    String requestId = r.headers().firstValue("X-Request-Id").orElse("");
    assertTrue(requestId.matches("[0-9a-f-]{36}"), requestId);
  }

  private static HttpResponse<String> post(String path, byte[] body) throws Exception {
    return HTTP.send(
        SecuredApp.signed(ehr, base + path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> expressions(HttpResponse<String> r) throws Exception {
    List<String> out = new ArrayList<>();
    for (JsonNode issue : JSON.readTree(r.body()).path("issue")) {
      out.add(issue.path("expression").path(0).asText());
    }
    return out;
  }

  private static List<String> codes(HttpResponse<String> r) throws Exception {
    List<String> out = new ArrayList<>();
    for (JsonNode issue : JSON.readTree(r.body()).path("issue")) {
      out.add(issue.path("details").path("coding").path(0).path("code").asText());
    }
    return out;
  }
}
