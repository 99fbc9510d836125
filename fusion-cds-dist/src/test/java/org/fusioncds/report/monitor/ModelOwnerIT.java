package org.fusioncds.report.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fusioncds.app.FusionCdsApp;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.sandbox.SandboxEhr;
import org.fusioncds.sandbox.SandboxServers;
import org.fusioncds.sandbox.SandboxSettings;
import org.fusioncds.testing.KeycloakServer;
import org.fusioncds.testing.LogTail;
import org.fusioncds.testing.SecuredApp;
import org.fusioncds.testing.TrailFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #13, the model owner's page on real servers: a real Keycloak (role {@code model-owner} of
 * the project's realm), the sandbox FHIR and DICOMweb servers, the sandbox EHR and the real
 * application. Three hooks and two feedback items, then {@code GET /admin/models/cap-fusion} as
 * JSON and HTML, the gauges on the management port's {@code /metrics}, and the refusals.
 */
class ModelOwnerIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String OVERRIDE = "https://fusion-cds.org/CodeSystem/override-reason";

  private static KeycloakServer keycloak;
  private static TrailFixture data;
  private static SandboxServers servers;
  private static SandboxEhr ehr;
  private static FusionCdsApp app;
  private static String base;
  private static String management;
  private static final List<JsonNode> cards = new ArrayList<>();

  @BeforeAll
  static void startAndIssueThreeCardsWithTwoFeedbackItems() throws Exception {
    keycloak = KeycloakServer.shared();
    Path work = Files.createTempDirectory("model-owner-it");
    data = TrailFixture.generate(work.resolve("cohort"), 10, 121212L);
    servers = SandboxServers.start(data.dicomFolder());
    data.load(servers.fhir().baseUrl());
    ehr = SandboxEhr.start();
    int port = FreePorts.find();
    Map<String, String> s =
        SandboxSettings.forApp(
            port, ehr, work, servers.fhir().baseUrl(), servers.dicomWeb().baseUrl());
    s.put("dicomweb.base-url", servers.dicomWeb().baseUrl());
    s.put("security.api.issuer", keycloak.issuer());
    s.put("cds.time-budget-ms", "60000");
    s.put("models.additional", "nodule-ct"); // its own page, its own figures
    int managementPort = FreePorts.find();
    s.put("camel.management.port", String.valueOf(managementPort));
    app = FusionCdsApp.start(s);
    base = "http://127.0.0.1:" + port;
    management = "http://127.0.0.1:" + managementPort;
    for (int patient : new int[] {0, 1, 0}) {
      cards.add(hook(data.withImageAndLabs(patient)));
    }
    feedback(
        "{\"feedback\":[{\"card\":\""
            + cards.get(0).path("uuid").asText()
            + "\",\"outcome\":\"overridden\",\"overrideReason\":{\"reason\":{\"system\":\""
            + OVERRIDE
            + "\",\"code\":\"image-reading\"},\"userComment\":\"consolidation not seen\"}},"
            + "{\"card\":\""
            + cards.get(1).path("uuid").asText()
            + "\",\"outcome\":\"accepted\"}]}");
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {app, ehr, servers}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void theCardReadsAsAPersonReadsItAndNamesNoReference() {
    String detail = cards.get(0).path("detail").asText();

    assertTrue(detail.contains("**Inputs**: "), detail);
    assertTrue(
        detail.matches("(?s).*\\((\\d+(\\.\\d)? (h|min) (before|after) |at )the image\\).*"),
        detail);
    assertTrue(detail.contains("; chest radiograph of "), detail);
    assertFalse(detail.contains("/_history/") || detail.contains("urn:oid:"), detail);
  }

  @Test
  void theModelOwnerReadsCardsFeedbackAgreementDistributionMissingnessAndLatency()
      throws Exception {
    HttpResponse<String> r = get("/admin/models/cap-fusion", ownerToken(), "application/json");

    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonNode v = JSON.readTree(r.body()).path("versions").path(0);
    assertEquals("0.1.0", v.path("version").asText());
    assertTrue(v.path("served").asBoolean());
    assertEquals(3, v.path("cards").path("last30Days").asLong(), v.toString());
    assertEquals(2, v.path("cards").path("withResult30Days").asLong(), "two result keys");
    assertEquals(2, v.path("feedback").path("last30Days").asLong());
    assertEquals(1, v.path("feedback").path("withComment").asLong());
    assertEquals(
        "My reading of the image differs",
        v.path("feedback").path("overrideReasons").path(0).path("display").asText());
    assertEquals(0.5, v.path("agreement").path("rate").asDouble(), 1e-9);
    assertEquals(MonitorMath.wilson(1, 2)[0], v.path("agreement").path("lower").asDouble(), 1e-9);
    assertEquals(0.6, v.path("agreement").path("floor").asDouble(), 1e-9);
    assertEquals(1000, v.path("distribution").path("reference").path("n").asInt(), v.toString());
    assertEquals(2, v.path("distribution").path("last7Days").path("n").asLong());
    assertTrue(v.path("distribution").path("last7Days").path("psi").isNumber());
    assertTrue(v.path("missingness").path("rates").has("image"), v.toString());
    assertEquals(3, v.path("latencyMs").path("n").asLong());
    assertTrue(v.path("latencyMs").path("p50").asDouble() > 0);
    assertFalse(r.body().contains("consolidation not seen"), "comments are counted, not shown");
    for (String patient : List.of(data.withImageAndLabs(0), data.withImageAndLabs(1))) {
      assertFalse(r.body().contains(patient), "no patient on the page");
    }
  }

  @Test
  void thePageIsHtmlWithSvgChartsAndNoScript() throws Exception {
    HttpResponse<String> r = get("/admin/models/cap-fusion", ownerToken(), "text/html");

    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertTrue(r.body().startsWith("<!DOCTYPE html>"), r.body());
    assertTrue(r.body().contains("<html lang=\"en\">"));
    assertEquals(2, r.body().split("<svg ", -1).length - 1, "distribution and missingness");
    assertTrue(r.body().contains("Version 0.1.0 (served)"));
    assertFalse(r.body().contains("<script") || r.body().contains("http://cdn"), "no JS, no CDN");
  }

  @Test
  void theSameFiguresAreGaugesOnTheManagementPort() throws Exception {
    get("/admin/models/cap-fusion", ownerToken(), "application/json");
    HttpResponse<String> m =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(management + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertEquals(200, m.statusCode());
    assertEquals(3.0, gauge(m.body(), "fcds_model_cards", "window=\"30d\""), m.body());
    assertEquals(2.0, gauge(m.body(), "fcds_model_feedback", "version=\"0.1.0\""));
    assertEquals(0.5, gauge(m.body(), "fcds_model_agreement", "bound=\"rate\""));
    assertEquals(0.0, gauge(m.body(), "fcds_model_drift_alarm", "version=\"0.1.0\""));
    assertTrue(m.body().contains("fcds_model_psi{"), "PSI gauges");
    assertTrue(m.body().contains("input=\"labs:crp\""), "missingness per input");
  }

  @Test
  void aSecondServedModelHasItsOwnPageAndNoneOfTheFirstModelsCards() throws Exception {
    HttpResponse<String> ct = get("/admin/models/nodule-ct", ownerToken(), "application/json");
    HttpResponse<String> radiograph =
        get("/admin/models/cap-fusion", ownerToken(), "application/json");

    assertEquals(200, ct.statusCode(), ct.body());
    JsonNode figures = JSON.readTree(ct.body());
    assertEquals("nodule-ct", figures.path("model").asText(), ct.body());
    assertEquals(0, figures.at("/versions/0/cards/last30Days").asLong(), ct.body());
    assertEquals(
        3,
        JSON.readTree(radiograph.body()).at("/versions/0/cards/last30Days").asLong(),
        radiograph.body());
  }

  @Test
  void refusalsCarryTheirCodes() throws Exception {
    LogTail log = LogTail.fromNow();
    String operator =
        keycloak.clientToken("cds-operator", "dev-only-cds-operator-secret-replace-me");

    HttpResponse<String> anonymous = get("/admin/models/cap-fusion", null, "application/json");
    HttpResponse<String> wrongRole = get("/admin/models/cap-fusion", operator, "application/json");
    HttpResponse<String> unknown =
        get("/admin/models/no-such-model", ownerToken(), "application/json");

    assertEquals(401, anonymous.statusCode());
    assertTrue(anonymous.body().contains("FCDS-7001"), anonymous.body());
    assertEquals(403, wrongRole.statusCode());
    assertTrue(wrongRole.body().contains("FCDS-7021"), wrongRole.body());
    assertEquals(404, unknown.statusCode(), unknown.body());
    assertTrue(unknown.body().contains("FCDS-6301"), unknown.body());
    assertFalse(log.next().contains(" ERROR "), "a refusal is not an error");
  }

  private static double gauge(String metrics, String name, String tag) {
    Matcher m = Pattern.compile("(?m)^" + name + "\\{([^}]*)\\} (\\S+)$").matcher(metrics);
    while (m.find()) {
      if (m.group(1).contains(tag) && m.group(1).contains("model=\"cap-fusion\"")) {
        return Double.parseDouble(m.group(2));
      }
    }
    throw new AssertionError(name + "{" + tag + "} not in /metrics");
  }

  private static String ownerToken() {
    return keycloak.clientToken("model-owner", "dev-only-model-owner-secret-replace-me");
  }

  private static HttpResponse<String> get(String path, String token, String accept)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).header("Accept", accept);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode hook(String patient) throws Exception {
    String url = base + "/cds-services/imaging-fusion";
    String body =
        "{\"hook\":\"patient-view\",\"hookInstance\":\""
            + UUID.randomUUID()
            + "\",\"fhirServer\":\""
            + servers.fhir().baseUrl()
            + "\",\"context\":{\"userId\":\"Practitioner/owner-it\",\"patientId\":\""
            + patient
            + "\"}}";
    HttpResponse<String> r =
        HTTP.send(
            SecuredApp.signed(ehr, url)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body()).path("cards").path(0);
  }

  private static void feedback(String body) throws Exception {
    String url = base + "/cds-services/imaging-fusion/feedback";
    HttpResponse<String> r =
        HTTP.send(
            SecuredApp.signed(ehr, url)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }
}
