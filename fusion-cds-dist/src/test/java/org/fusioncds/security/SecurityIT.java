package org.fusioncds.security;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.fusioncds.app.FusionCdsApp;
import org.fusioncds.audit.AuditShipper;
import org.fusioncds.audit.AuditSpool;
import org.fusioncds.sandbox.BearerCheck;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.sandbox.SandboxEhr;
import org.fusioncds.sandbox.SandboxFhirServer;
import org.fusioncds.sandbox.SandboxServers;
import org.fusioncds.sandbox.SandboxSettings;
import org.fusioncds.testing.ConnectionCounter;
import org.fusioncds.testing.KeycloakServer;
import org.fusioncds.testing.ReportsWritten;
import org.fusioncds.testing.TrailFixture;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #5 on real servers: a real Keycloak (realm {@code deploy/keycloak}), the sandbox FHIR
 * server demanding Keycloak-issued tokens, the sandbox DICOMweb server, a separate FHIR server as
 * the audit repository, the sandbox EHR signing hook calls from its own JWKS, and the real
 * application. Every refusal is a real request; "no outbound connection" is read off the FHIR
 * server's token check and off a loopback listener that counts connections.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String SECRET = "dev-only-fusion-cds-secret-replace-me";

  /** The kinds of the event a request's call itself leaves (recorded when its exchange is done). */
  private static final Set<String> CALL_KINDS =
      Set.of("hook-call", "authentication", "operation", "search");

  private static KeycloakServer keycloak;
  private static TrailFixture data;
  private static SandboxServers clinical;
  private static BearerCheck fhirCheck;
  private static SandboxFhirServer auditRepository;
  private static int auditPort;
  private static SandboxEhr ehr;
  private static FusionCdsApp app;
  private static String base;
  private static String hooks;

  @BeforeAll
  static void startEverything() throws Exception {
    keycloak = KeycloakServer.shared();
    Path work = Files.createTempDirectory("security-it");
    data = TrailFixture.generate(work.resolve("cohort"), 14, 515151L);
    clinical = SandboxServers.start(data.dicomFolder());
    data.load(clinical.fhir().baseUrl());
    TokenVerifier keycloakTokens =
        Verifiers.forApi(
            List.of(TrustedIssuer.of(keycloak.issuer(), keycloak.jwksUrl())), Clock.systemUTC());
    fhirCheck = clinical.fhir().requireBearer(t -> accepts(keycloakTokens, t));
    auditPort = FreePorts.find();
    auditRepository =
        SandboxFhirServer.start(SandboxFhirServer.Settings.auditRepository(auditPort));
    ehr = SandboxEhr.start();
    int port = FreePorts.find();
    Map<String, String> s =
        SandboxSettings.forApp(
            port, ehr, work, clinical.fhir().baseUrl(), clinical.dicomWeb().baseUrl());
    s.put("dicomweb.base-url", clinical.dicomWeb().baseUrl());
    s.put("fhir.base-url", clinical.fhir().baseUrl());
    s.put("audit.fhir-base-url", auditRepository.baseUrl());
    s.put("security.outbound.auth", "client-secret");
    s.put("security.outbound.token-url", keycloak.tokenEndpoint().toString());
    s.put("security.outbound.client-id", "fusion-cds");
    s.put("security.outbound.client-secret", SECRET);
    s.put("security.api.issuer", keycloak.issuer());
    s.put("cds.time-budget-ms", "60000");
    app = FusionCdsApp.start(s);
    base = "http://127.0.0.1:" + port;
    hooks = base + "/cds-services/imaging-fusion";
  }

  @AfterAll
  static void stopEverything() {
    for (AutoCloseable c : new AutoCloseable[] {app, ehr, auditRepository, clinical}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // stopping is best effort
      }
    }
  }

  private static boolean accepts(TokenVerifier verifier, String token) {
    try {
      verifier.verify("Bearer " + token, java.util.Set.of("fhir-server"));
      return true;
    } catch (AuthenticationException e) {
      return false;
    }
  }

  @Test
  @Order(1)
  void acceptedHookReadsWithOurKeycloakTokenAndLeavesOneAuditEventPerStep() throws Exception {
    int accepted = fhirCheck.accepted();
    int refused = fhirCheck.refused();
    String requestId = "it-accepted-" + UUID.randomUUID();

    HttpResponse<String> r = hook(data.withImageAndLabs(0), ehr.sign(hooks), requestId, null);

    assertEquals(200, r.statusCode(), r.body());
    assertTrue(
        JSON.readTree(r.body())
            .path("cards")
            .path(0)
            .path("links")
            .path(0)
            .path("url")
            .asText()
            .contains("/DiagnosticReport/"),
        r.body());
    assertEquals(requestId, r.headers().firstValue("X-Request-Id").orElse(null));
    assertTrue(fhirCheck.accepted() > accepted, "the FHIR server saw our Keycloak token");
    assertEquals(refused, fhirCheck.refused());
    List<AuditEvent> trail = trail(requestId, "transaction");
    assertEquals(
        Map.of(
            "hook-call", 1L,
            "read", 1L,
            "search-type", 4L,
            "dicom-read", 1L,
            "transaction", 1L),
        trail.stream().collect(Collectors.groupingBy(TrailFixture::kind, Collectors.counting())),
        "one AuditEvent per hook call, FHIR read or search, DICOMweb retrieval and write");
    for (AuditEvent e : trail) {
      assertEquals(ehr.issuer(), TrailFixture.callerIssuer(e), TrailFixture.kind(e));
      assertEquals(
          "Patient/" + data.withImageAndLabs(0), TrailFixture.patient(e), TrailFixture.kind(e));
    }
  }

  @Test
  @Order(2)
  void theHooksOwnTokenIsSentToTheFhirServerWhileItIsValid() throws Exception {
    int refused = fhirCheck.refused();

    HttpResponse<String> r =
        hook(
            data.withImageAndLabs(1),
            ehr.sign(hooks),
            "it-ehr-token",
            fhirAuthorization("an-ehr-token-the-fhir-server-refuses", 300));

    assertEquals(502, r.statusCode(), r.body()); // the FHIR server refused: Bad Gateway
    assertTrue(r.body().contains("FCDS-3002"), r.body());
    // the Patient read and the studies search go out side by side, each with the EHR's token
    assertEquals(refused + 2, fhirCheck.refused(), "the EHR's token went to the FHIR server");
  }

  @Test
  @Order(3)
  void anExpiredHookTokenGivesWayToOurOwn() throws Exception {
    HttpResponse<String> r =
        hook(
            data.withImageAndLabs(1),
            ehr.sign(hooks),
            "it-expired-ehr-token",
            fhirAuthorization("an-ehr-token-that-expires-now", 1));

    assertEquals(200, r.statusCode(), r.body());
  }

  static Stream<Arguments> refusedTokens() {
    return Stream.of(
        Arguments.of("missing", (Function<String, String>) url -> null, 7001),
        Arguments.of("alg-none", (Function<String, String>) SecurityIT::unsigned, 7003),
        Arguments.of(
            "hs256-public-key", (Function<String, String>) SecurityIT::hmacWithPublicKey, 7003),
        Arguments.of("unknown-kid", (Function<String, String>) SecurityIT::unknownKey, 7005),
        Arguments.of("jku-elsewhere", (Function<String, String>) SecurityIT::foreignJku, 7006),
        Arguments.of("tampered", (Function<String, String>) SecurityIT::tampered, 7007),
        Arguments.of(
            "wrong-aud",
            (Function<String, String>)
                url -> ehr.sign(claims("https://cds.example.invalid/cds-services/x", 0, 300)),
            7008),
        Arguments.of(
            "expired", (Function<String, String>) url -> ehr.sign(claims(url, -600, -300)), 7009),
        Arguments.of(
            "not-yet-valid",
            (Function<String, String>) url -> ehr.sign(claims(url, 300, 540)),
            7010));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedTokens")
  @Order(10)
  void eachRefusedTokenIs401WithItsCodeNoOutboundCallAndAnAuditEvent(
      String name, Function<String, String> token, int code) throws Exception {
    // the reports of earlier cards written first (before-report): their calls are not this one's
    ReportsWritten.await(app, Duration.ofSeconds(30));
    int seen = fhirCheck.accepted() + fhirCheck.refused();
    String requestId = "it-refused-" + name + "-" + UUID.randomUUID();

    HttpResponse<String> r = hook(data.withImageAndLabs(2), token.apply(hooks), requestId, null);

    assertEquals(401, r.statusCode(), r.body());
    assertEquals(List.of("FCDS-" + code), codes(r));
    assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
    assertEquals(seen, fhirCheck.accepted() + fhirCheck.refused(), "no call to the FHIR server");
    AuditEvent e = only(trail(requestId), AuditEvent.AuditEventOutcome._4, "FCDS-" + code);
    assertEquals("110114", e.getType().getCode(), "DICOM 'User Authenticated'");
  }

  @Test
  @Order(11)
  void aReplayedTokenIsRefusedTheSecondTime() throws Exception {
    String discovery = base + "/cds-services";
    String token = ehr.sign(discovery);

    HttpResponse<String> first = get(discovery, token, "it-replay-1");
    HttpResponse<String> second = get(discovery, token, "it-replay-2");

    assertEquals(200, first.statusCode(), first.body());
    assertEquals(401, second.statusCode(), second.body());
    assertEquals(List.of("FCDS-7011"), codes(second));
    AuditEvent e = only(trail("it-replay-2"), AuditEvent.AuditEventOutcome._4, "FCDS-7011");
    assertEquals("110114", e.getType().getCode(), "DICOM 'User Authenticated'");
  }

  static Stream<Arguments> refusedFhirServers() {
    return Stream.of(
        Arguments.of("https://fhir.attacker.invalid/fhir", 7031),
        Arguments.of("http://127.0.0.1:{listener}/fhir", 7031),
        Arguments.of("http://169.254.169.254/latest/meta-data", 7034),
        Arguments.of("{clinical}/../admin", 7035),
        Arguments.of("file:///etc/passwd", 1009)); // the request parser refuses it first
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedFhirServers")
  @Order(12)
  void aFhirServerOffTheAllowlistIs400BeforeAnyConnection(String fhirServer, int code)
      throws Exception {
    int seen = fhirCheck.accepted() + fhirCheck.refused();
    String requestId = "it-fhir-server-" + UUID.randomUUID();
    try (ConnectionCounter listener = ConnectionCounter.open()) {
      String url =
          fhirServer
              .replace("{listener}", String.valueOf(listener.port()))
              .replace("{clinical}", clinical.fhir().baseUrl());

      HttpResponse<String> r =
          hook(data.withImageAndLabs(2), ehr.sign(hooks), requestId, null, url);

      assertEquals(400, r.statusCode(), r.body());
      assertEquals(List.of("FCDS-" + code), codes(r));
      assertEquals(0, listener.accepted(), "nothing connected to the unlisted port");
    }
    assertEquals(seen, fhirCheck.accepted() + fhirCheck.refused(), "no call to the FHIR server");
    AuditEvent e = only(trail(requestId), AuditEvent.AuditEventOutcome._4, "FCDS-" + code);
    assertEquals(ehr.issuer(), TrailFixture.callerIssuer(e), "the verified caller is named");
  }

  @Test
  @Order(13)
  void aDicomWebEndpointOffTheAllowlistIsNeverCalledAndTheImageIsDisclosedMissing()
      throws Exception {
    String patient = data.withImageAndLabs(4);
    String requestId = "it-pacs-" + UUID.randomUUID();
    IGenericClient fhir =
        FhirContext.forR4Cached().newRestfulGenericClient(clinical.fhir().baseUrl());
    fhir.registerInterceptor(
        new BearerTokenAuthInterceptor(keycloak.clientToken("fusion-cds", SECRET)));
    try (ConnectionCounter pacs = ConnectionCounter.open()) {
      Endpoint endpoint = new Endpoint();
      endpoint.setStatus(Endpoint.EndpointStatus.ACTIVE);
      endpoint.setConnectionType(
          new Coding(
              "http://terminology.hl7.org/CodeSystem/endpoint-connection-type",
              "dicom-wado-rs",
              "DICOM WADO-RS"));
      endpoint.addPayloadType().setText("DICOM");
      endpoint.setAddress("http://127.0.0.1:" + pacs.port() + "/dicom-web");
      String id =
          fhir.create().resource(endpoint).execute().getId().toUnqualifiedVersionless().getValue();
      ImagingStudy study =
          (ImagingStudy)
              fhir.search()
                  .byUrl("ImagingStudy?patient=" + patient)
                  .returnBundle(Bundle.class)
                  .execute()
                  .getEntryFirstRep()
                  .getResource();
      fhir.update().resource(study.addEndpoint(new Reference(id))).execute();

      HttpResponse<String> r = hook(patient, ehr.sign(hooks), requestId, null);

      assertEquals(200, r.statusCode(), r.body());
      String detail = JSON.readTree(r.body()).path("cards").path(0).path("detail").asText();
      assertTrue(
          java.util.regex.Pattern.compile("\\*\\*missing\\*\\*: [^\\n]*\\bimage\\b")
              .matcher(detail)
              .find(),
          "the card says the image is missing: " + detail);
      assertEquals(0, pacs.accepted(), "nothing connected to the unlisted PACS");
    }
    AuditEvent retrieval =
        only(
            trail(requestId).stream()
                .filter(e -> TrailFixture.kind(e).equals("dicom-read"))
                .toList(),
            AuditEvent.AuditEventOutcome._8,
            "FCDS-7031");
    assertEquals("Patient/" + patient, TrailFixture.patient(retrieval));
  }

  @Test
  @Order(20)
  void onlyAuditorsRunTheComplianceQuery() throws Exception {
    String audit = base + "/admin/audit?patient=" + data.withImageAndLabs(0);
    String auditor = keycloak.clientToken("compliance-officer", secretOf("compliance-officer"));
    String operator = keycloak.clientToken("cds-operator", secretOf("cds-operator"));
    String nobody = keycloak.clientToken("no-role-client", secretOf("no-role-client"));
    shipper().flush(Duration.ofSeconds(30));

    HttpResponse<String> anonymous = get(audit, null, "it-admin-1");
    HttpResponse<String> noRole = get(audit, nobody, "it-admin-2");
    HttpResponse<String> wrongRole = get(audit, operator, "it-admin-3");
    HttpResponse<String> json = get(audit, auditor, "it-admin-4");
    HttpResponse<String> csv = get(audit + "&format=csv", auditor, "it-admin-5");
    HttpResponse<String> badDate = get(audit + "&from=yesterday", auditor, "it-admin-6");
    HttpResponse<String> status = get(base + "/admin/status", operator, "it-admin-7");

    assertEquals(401, anonymous.statusCode());
    assertEquals(List.of("FCDS-7001"), codes(anonymous));
    assertEquals(403, noRole.statusCode());
    assertEquals(List.of("FCDS-7021"), codes(noRole));
    assertEquals(403, wrongRole.statusCode());
    assertEquals(200, json.statusCode(), json.body());
    JsonNode record = JSON.readTree(json.body()).path("records").path(0);
    assertEquals("Patient/" + data.withImageAndLabs(0), record.path("patient").asText());
    assertEquals("cap-fusion", record.path("model").path("id").asText());
    assertEquals(64, record.path("model").path("sha256").asText().length());
    assertTrue(record.path("inputs").toString().contains("/_history/"), record.toString());
    assertEquals("audit-event", record.path("callerSource").asText(), record.toString());
    assertEquals(ehr.issuer(), record.path("caller").path("iss").asText());
    assertEquals(200, csv.statusCode());
    assertTrue(csv.body().startsWith("report,status,issued,patient,"), csv.body());
    assertEquals(2, csv.body().strip().split("\r\n").length, csv.body());
    assertEquals(400, badDate.statusCode());
    assertEquals(List.of("FCDS-7091"), codes(badDate));
    assertEquals(200, status.statusCode(), status.body());
    assertEquals("cap-fusion", JSON.readTree(status.body()).path("model").path("id").asText());
  }

  @Test
  @Order(30)
  void auditEventsWaitWhileTheRepositoryIsDownAndArriveExactlyOnce() throws Exception {
    assertTrue(shipper().flush(Duration.ofSeconds(30)));
    auditRepository.close();
    long failuresBefore = shippingFailuresLogged();

    assertEquals(
        200, hook(data.withImageAndLabs(3), ehr.sign(hooks), "it-down-1", null).statusCode());
    assertEquals(
        200, hook(data.withImageAndLabs(0), ehr.sign(hooks), "it-down-2", null).statusCode());
    await() // both calls' own events spooled, and the shipper tried and failed meanwhile
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                spooledHookCalls().containsAll(List.of("it-down-1", "it-down-2"))
                    && shippingFailuresLogged() > failuresBefore);
    int waiting = spool().size();
    auditRepository =
        SandboxFhirServer.start(SandboxFhirServer.Settings.auditRepository(auditPort));

    assertTrue(waiting >= 10, "events spooled while the repository was down: " + waiting);
    assertTrue(shipper().flush(Duration.ofSeconds(60)), "the spool drained");
    List<AuditEvent> arrived = TrailFixture.all(auditRepository.baseUrl());
    assertEquals(waiting, arrived.size());
    assertEquals(
        waiting,
        new HashSet<>(arrived.stream().map(e -> e.getIdElement().getIdPart()).toList()).size());
  }

  @Test
  @Order(40)
  void theLogsOfTheWholeRunNameNoPatient() throws Exception {
    for (String synthea : data.syntheaPatients()) {
      HttpResponse<String> r = hook(synthea, ehr.sign(hooks), "it-synthea", null);
      assertEquals(200, r.statusCode(), r.body());
    }

    List<String> found = data.phiIn(TrailFixture.capturedLog());

    assertFalse(data.phi().isEmpty());
    assertEquals(List.of(), found, "patient names, identifiers or birth dates in the logs");
  }

  // --- the EHR's side ---

  private static HttpResponse<String> hook(
      String patient, String token, String requestId, ObjectNode fhirAuthorization)
      throws Exception {
    return hook(patient, token, requestId, fhirAuthorization, clinical.fhir().baseUrl());
  }

  private static HttpResponse<String> hook(
      String patient, String token, String requestId, ObjectNode authorization, String fhirServer)
      throws Exception {
    ObjectNode body = JSON.createObjectNode();
    body.put("hook", "patient-view");
    body.put("hookInstance", UUID.randomUUID().toString());
    body.put("fhirServer", fhirServer);
    if (authorization != null) {
      body.set("fhirAuthorization", authorization);
    }
    body.putObject("context").put("userId", "Practitioner/it-clinician").put("patientId", patient);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(hooks))
            .header("Content-Type", "application/json")
            .header("X-Request-Id", requestId)
            .timeout(Duration.ofSeconds(120))
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String url, String token, String requestId)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).header("X-Request-Id", requestId).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static ObjectNode fhirAuthorization(String token, int expiresIn) {
    ObjectNode a = JSON.createObjectNode();
    a.put("access_token", token);
    a.put("token_type", "Bearer");
    a.put("expires_in", expiresIn);
    a.put("scope", "patient/*.read");
    a.put("subject", "it-ehr-client");
    return a;
  }

  private static JWTClaimsSet claims(String audience, int iatOffsetS, int expOffsetS) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(ehr.issuer())
        .subject(ehr.clientId())
        .audience(audience)
        .issueTime(Date.from(now.plusSeconds(iatOffsetS)))
        .expirationTime(Date.from(now.plusSeconds(expOffsetS)))
        .jwtID(UUID.randomUUID().toString())
        .build();
  }

  private static String unsigned(String url) {
    return new PlainJWT(claims(url, 0, 300)).serialize();
  }

  /** The classic confusion: the EHR's public key used as an HMAC secret. */
  private static String hmacWithPublicKey(String url) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims(url, 0, 300));
      jwt.sign(new MACSigner(ehr.publicKey().toRSAPublicKey().getEncoded()));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String unknownKey(String url) {
    try {
      RSAKey other = new RSAKeyGenerator(2048).keyID("not-in-the-ehr-jwks").generate();
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS384).keyID(other.getKeyID()).build(),
              claims(url, 0, 300));
      jwt.sign(new RSASSASigner(other));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String foreignJku(String url) {
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.RS384)
            .keyID(ehr.publicKey().getKeyID())
            .type(JOSEObjectType.JWT)
            .jwkURL(URI.create("http://127.0.0.1:" + FreePorts.find() + "/jwks.json"))
            .build();
    return ehr.sign(header, claims(url, 0, 300));
  }

  /**
   * A valid token whose payload is then changed (another subject): the signature no longer fits.
   */
  private static String tampered(String url) {
    String[] parts = ehr.sign(url).split("\\.");
    JWTClaimsSet changed =
        new JWTClaimsSet.Builder(claims(url, 0, 300)).subject("another-client").build();
    return parts[0] + "." + Base64URL.encode(changed.toString()) + "." + parts[2];
  }

  // --- reading results ---

  private static List<String> codes(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body()).path("issue").findValues("code").stream()
        .map(JsonNode::asText)
        .filter(c -> c.startsWith("FCDS-"))
        .toList();
  }

  /**
   * The AuditEvents of one request, once its call's own event (recorded when the exchange is done,
   * which may be just after the answer went out) has reached the repository, and events of the
   * {@code later} kinds too (the report's transaction is written behind the card:
   * cds.card-timing=before-report).
   */
  private static List<AuditEvent> trail(String requestId, String... later) {
    AtomicReference<List<AuditEvent>> events = new AtomicReference<>(List.of());
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              assertTrue(shipper().flush(Duration.ofSeconds(30)), "the audit spool drained");
              events.set(
                  TrailFixture.all(auditRepository.baseUrl()).stream()
                      .filter(e -> requestId.equals(TrailFixture.requestId(e)))
                      .toList());
              List<String> kinds = events.get().stream().map(TrailFixture::kind).toList();
              assertTrue(
                  kinds.stream().anyMatch(CALL_KINDS::contains),
                  "the call's own AuditEvent of " + requestId + " among " + kinds);
              assertTrue(kinds.containsAll(List.of(later)), "and " + List.of(later) + ": " + kinds);
            });
    return events.get();
  }

  /** The one AuditEvent of {@code events}, with the outcome and FCDS code it must carry. */
  private static AuditEvent only(
      List<AuditEvent> events, AuditEvent.AuditEventOutcome outcome, String code) {
    assertEquals(
        1, events.size(), "AuditEvents: " + events.stream().map(TrailFixture::kind).toList());
    AuditEvent e = events.get(0);
    assertEquals(outcome, e.getOutcome(), TrailFixture.kind(e));
    assertEquals(code, e.getOutcomeDesc(), TrailFixture.kind(e));
    return e;
  }

  /** The request ids of the hook-call AuditEvents waiting in the spool. */
  private static Set<String> spooledHookCalls() {
    return spool().oldest(Integer.MAX_VALUE).stream()
        .map(AuditSpool.Entry::event)
        .filter(e -> TrailFixture.kind(e).equals("hook-call"))
        .map(TrailFixture::requestId)
        .collect(Collectors.toSet());
  }

  /** How many times this JVM logged that the audit repository did not accept a batch. */
  private static long shippingFailuresLogged() throws Exception {
    return TrailFixture.capturedLog().lines().filter(l -> l.contains("FCDS-7073")).count();
  }

  private static AuditShipper shipper() {
    return app.camelContext().getRegistry().lookupByNameAndType("auditShipper", AuditShipper.class);
  }

  private static AuditSpool spool() {
    return app.camelContext().getRegistry().lookupByNameAndType("auditSpool", AuditSpool.class);
  }

  private static String secretOf(String clientId) {
    return "dev-only-" + clientId + "-secret-replace-me";
  }
}
