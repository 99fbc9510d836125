package org.fusioncds.smart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import java.io.File;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fusioncds.app.FusionCdsApp;
import org.fusioncds.flow.Profiles;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.sandbox.SandboxEhr;
import org.fusioncds.sandbox.SandboxHookCalls;
import org.fusioncds.sandbox.SandboxServers;
import org.fusioncds.sandbox.SandboxSettings;
import org.fusioncds.sandbox.cohort.CohortGenerator;
import org.fusioncds.sandbox.cohort.CohortLoader;
import org.fusioncds.sandbox.cohort.SandboxChestCts;
import org.fusioncds.sandbox.cohort.VisitFrame;
import org.fusioncds.testing.KeycloakServer;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The SMART app in a real browser (Debian's Chromium, headless, driven by Selenium through Debian's
 * chromedriver; nothing downloaded): the card's {@code smart} link launched as the EHR launches it,
 * the sign-in at the realm's Keycloak, the page a clinician sees, read from the sandbox FHIR server
 * with the user's token only (the server refuses any other once the report is written), the
 * feedback stored, axe-core's accessibility check; and every refusal, coded.
 */
class SmartAppIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private static final Path SHOTS = Path.of("fusion-cds-dist/target/screenshots");
  private static final Path AXE = Path.of("target/npm/node_modules/axe-core/axe.min.js");
  private static final String SECRET = "dev-only-fusion-cds-app-secret-replace-me";
  private static final String MODULE_SECRET = "dev-only-fusion-cds-secret-replace-me";

  private static KeycloakServer keycloak;
  private static SandboxServers servers;
  private static SandboxEhr ehr;
  private static FusionCdsApp app;
  private static Path work;
  private static String base;
  private static String fhirBase;
  private static String patient;
  private static JsonNode smartLink;
  private static String cardUuid;
  private static String ctPatient;
  private static JsonNode ctSmartLink;
  private static String ctCardUuid;

  @BeforeAll
  static void startEverythingAndIssueACard() throws Exception {
    CompletableFuture<KeycloakServer> kc = CompletableFuture.supplyAsync(KeycloakServer::shared);
    work = Files.createTempDirectory("smart-app");
    Path cohort = work.resolve("cohort");
    CohortGenerator.generate(6, 2026L, cohort, VisitFrame.dayBefore(Instant.now()));
    Path chestCts = work.resolve("chest-ct");
    SandboxChestCts.generate(
        3, 2027L, chestCts, cohort.resolve("dicom"), VisitFrame.dayBefore(Instant.now()));
    servers = SandboxServers.start(cohort.resolve("dicom"));
    fhirBase = servers.fhir().baseUrl();
    FhirContext ctx = FhirContext.forR4();
    // the shared build machine may be loaded: no metadata call, and patience with the first reads
    ctx.getRestfulClientFactory()
        .setServerValidationMode(ca.uhn.fhir.rest.client.api.ServerValidationModeEnum.NEVER);
    ctx.getRestfulClientFactory().setSocketTimeout(120_000);
    IGenericClient fhir = ctx.newRestfulGenericClient(fhirBase);
    patient =
        CohortLoader.load(fhir, cohort).stream()
            .filter(p -> p.image() && p.labs())
            .min(java.util.Comparator.comparing(p -> !p.pneumonia()))
            .orElseThrow()
            .id();
    ctPatient =
        CohortLoader.load(fhir, chestCts).stream()
            .filter(p -> p.image() && p.labs())
            .findFirst()
            .orElseThrow()
            .id();
    keycloak = kc.get(150, TimeUnit.SECONDS);
    ehr = SandboxEhr.start();
    int port = FreePorts.find();
    base = "http://127.0.0.1:" + port;
    Map<String, String> s =
        SandboxSettings.forApp(port, ehr, work, fhirBase, servers.dicomWeb().baseUrl());
    s.put("dicomweb.base-url", servers.dicomWeb().baseUrl());
    s.put("cds.time-budget-ms", "20000");
    s.put("smart.auth-issuer", keycloak.issuer());
    s.put("smart.client-secret", SECRET);
    s.put("smart.scope", "openid");
    s.put("models.additional", "nodule-ct");
    // the module's own calls (the review Provenance of a feedback) with a realm token
    s.put("security.outbound.auth", "client-secret");
    s.put("security.outbound.token-url", keycloak.tokenEndpoint().toString());
    s.put("security.outbound.client-id", "fusion-cds");
    s.put("security.outbound.client-secret", MODULE_SECRET);
    app = FusionCdsApp.start(s);
    JsonNode card = resultCard("imaging-fusion", patient);
    cardUuid = card.path("uuid").asText();
    smartLink = smartLinkOf(card);
    JsonNode ctCard = resultCard("nodule-ct", ctPatient);
    ctCardUuid = ctCard.path("uuid").asText();
    ctSmartLink = smartLinkOf(ctCard);
    pdfFirstPage(fhir, card);
    // from now on the FHIR server answers only tokens the realm issued for it (the user's)
    servers.fhir().requireBearer(SmartAppIT::isRealmTokenForTheFhirServer);
  }

  /** The result card a signed patient-view hook of {@code service} answers for {@code who}. */
  private static JsonNode resultCard(String service, String who) throws Exception {
    String hook = base + "/cds-services/" + service;
    HttpResponse<String> r =
        SandboxHookCalls.post(
            hook,
            SandboxHookCalls.patientView(fhirBase, who, "Practitioner/demo-clinician"),
            ehr.sign(hook));
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body()).path("cards").path(0);
  }

  private static JsonNode smartLinkOf(JsonNode card) {
    for (JsonNode l : card.path("links")) {
      if ("smart".equals(l.path("type").asText())) {
        return l;
      }
    }
    throw new AssertionError("the result card has a smart link: " + card);
  }

  private static boolean isRealmTokenForTheFhirServer(String token) {
    try {
      var claims = SignedJWT.parse(token).getJWTClaimsSet();
      return keycloak.issuer().equals(claims.getIssuer())
          && claims.getAudience().contains("fhir-server");
    } catch (java.text.ParseException e) {
      return false;
    }
  }

  /** The report's PDF form, its first page as PNG for a reviewer (pdftoppm, 60 dpi). */
  private static void pdfFirstPage(IGenericClient fhir, JsonNode card) throws Exception {
    String reportUrl = card.path("links").path(0).path("url").asText();
    // the card comes before its report (cds.card-timing=before-report): the first PDF of a cold
    // JVM takes seconds to render
    DiagnosticReport report =
        org.fusioncds.testing.ReportsWritten.read(fhir, reportUrl, Duration.ofSeconds(30));
    String pdfUrl =
        report.getPresentedForm().stream()
            .filter(a -> "application/pdf".equals(a.getContentType()))
            .findFirst()
            .orElseThrow()
            .getUrl();
    byte[] pdf = fhir.read().resource(Binary.class).withUrl(pdfUrl).execute().getContent();
    Files.createDirectories(SHOTS);
    Path file = SHOTS.resolve("report.pdf");
    Files.write(file, pdf);
    Process p =
        new ProcessBuilder(
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "1",
                file.toString(),
                SHOTS.resolve("report-pdf-page").toString())
            .inheritIO()
            .start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "pdftoppm ran");
  }

  @AfterAll
  static void stopAll() {
    if (app != null) {
      app.close();
    }
    if (ehr != null) {
      ehr.close();
    }
    if (servers != null) {
      servers.close();
    }
  }

  private static String launchUrl(String launch) {
    return smartLink.path("url").asText() + "?iss=" + enc(fhirBase) + "&launch=" + enc(launch);
  }

  private static String launch() {
    return ehr.launch(
        smartLink.path("url").asText(), patient, fhirBase, smartLink.path("appContext").asText());
  }

  @Test
  void clinicianLaunchesFromTheCardSeesTheReportAndLeavesFeedbackOnce() throws Exception {
    WebDriver driver = chrome();
    try {
      long t0 = System.nanoTime();
      driver.get(launchUrl(launch()));
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
      wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
      long toLogin = System.nanoTime();
      driver.findElement(By.id("username")).sendKeys("clinician");
      driver.findElement(By.id("password")).sendKeys("dev-only-clinician-password");
      long t1 = System.nanoTime();
      driver.findElement(By.id("kc-login")).click();
      wait.until(ExpectedConditions.presenceOfElementLocated(By.id("feedback")));
      long t2 = System.nanoTime();
      String html = driver.getPageSource();
      System.out.printf(
          "SMART launch: to the login page %.0f ms, login to the report page %.0f ms; page %d"
              + " characters%n",
          (toLogin - t0) / 1e6, (t2 - t1) / 1e6, html.length());
      assertTrue(driver.getCurrentUrl().startsWith(base + "/app/report"), driver.getCurrentUrl());

      String text = driver.findElement(By.tagName("body")).getText();
      assertTrue(text.contains("AI-generated · PRELIMINARY"), text);
      assertTrue(text.matches("(?s).*probability 0\\.\\d\\d \\(decision threshold 0\\.\\d+\\).*"));
      assertTrue(text.contains("Inputs the model used"), text);
      assertTrue(text.contains("wbc"), text);
      assertTrue(driver.findElements(By.cssSelector("#missing")).size() == 1, text);
      assertTrue(text.contains("Labs and vitals over the model's window"), text);
      assertTrue(driver.findElements(By.cssSelector("svg.spark")).size() >= 3);
      assertTrue(
          driver.findElement(By.id("model-card")).getAttribute("href").endsWith("/model-card"));

      JavascriptExecutor js = (JavascriptExecutor) driver;
      long width =
          (Long) js.executeScript("return document.getElementById('key-image').naturalWidth");
      long overlayWidth =
          (Long) js.executeScript("return document.getElementById('key-overlay').naturalWidth");
      assertTrue(width > 0 && overlayWidth > 0, width + " / " + overlayWidth);
      WebElement overlay = driver.findElement(By.id("key-overlay"));
      assertFalse(overlay.isDisplayed());
      focusByTab(driver, "overlay-toggle");
      new Actions(driver).sendKeys(Keys.ENTER).perform();
      assertTrue(overlay.isDisplayed(), "Enter on the focused button shows the overlay");
      assertFalse(driver.findElement(By.id("key-image")).isDisplayed());
      assertEquals(
          "true", driver.findElement(By.id("overlay-toggle")).getAttribute("aria-pressed"));
      screenshot(driver, "smart-app-overlay.png");
      new Actions(driver).sendKeys(Keys.ENTER).perform();
      assertFalse(overlay.isDisplayed(), "Enter again hides it");
      screenshot(driver, "smart-app.png");

      accessibility(driver);

      String cookie = "fcds_app=" + driver.manage().getCookieNamed("fcds_app").getValue();
      refusesFormsWithoutTheirCsrfToken(cookie);
      refusesAnotherPatient(cookie);

      driver.findElement(By.cssSelector("label[for=outcome-disagree]")).click();
      new Select(driver.findElement(By.id("reason"))).selectByValue("image-reading");
      driver.findElement(By.id("comment")).sendKeys("Consolidation not convincing on my read.");
      driver.findElement(By.id("send-feedback")).click();
      wait.until(ExpectedConditions.presenceOfElementLocated(By.id("notice")));
      screenshot(driver, "smart-app-feedback-stored.png");
      List<JsonNode> lines = feedbackOn(cardUuid);
      assertEquals(1, lines.size(), "exactly one feedback entry: " + lines);
      JsonNode entry = lines.get(0);
      assertEquals(cardUuid, entry.path("card").asText());
      assertEquals("overridden", entry.path("outcome").asText());
      assertEquals(
          "image-reading", entry.path("overrideReason").path("reason").path("code").asText());
      assertTrue(
          entry.path("modelVersion").isTextual() && !entry.path("modelVersion").asText().isBlank());
      assertEquals(
          "Consolidation not convincing on my read.",
          entry.path("overrideReason").path("userComment").asText());
      assertReviewedBySignedInClinician(entry);

      refusesACodeExchangedWithAnotherSessionsVerifier(driver);
    } finally {
      driver.quit();
    }
  }

  @Test
  void theSecondModelsCardOpensTheAppOnItsOwnReportLabsAndModelCard() throws Exception {
    WebDriver driver = chrome();
    try {
      String launch =
          ehr.launch(
              ctSmartLink.path("url").asText(),
              ctPatient,
              fhirBase,
              ctSmartLink.path("appContext").asText());
      assertEquals(
          "nodule-ct",
          JSON.readTree(ctSmartLink.path("appContext").asText()).path("model").asText());
      driver.get(
          ctSmartLink.path("url").asText() + "?iss=" + enc(fhirBase) + "&launch=" + enc(launch));
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
      wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
      driver.findElement(By.id("username")).sendKeys("clinician");
      driver.findElement(By.id("password")).sendKeys("dev-only-clinician-password");
      driver.findElement(By.id("kc-login")).click();
      wait.until(ExpectedConditions.presenceOfElementLocated(By.id("feedback")));

      String text = driver.findElement(By.tagName("body")).getText();
      assertTrue(text.contains("AI-generated · PRELIMINARY"), text);
      assertTrue(text.contains("alignant"), "the nodule model's finding: " + text);
      assertTrue(text.contains("cea"), "the nodule model's lab: " + text);
      assertFalse(text.contains("wbc"), "not the radiograph model's labs: " + text);
      assertTrue(driver.findElements(By.cssSelector("svg.spark")).size() >= 1, text);
      assertTrue(
          driver
              .findElement(By.id("model-card"))
              .getAttribute("href")
              .endsWith("/models/nodule-ct/model-card"));
      screenshot(driver, "smart-app-nodule-ct.png");
      accessibility(driver);

      driver.findElement(By.cssSelector("label[for=outcome-disagree]")).click();
      new Select(driver.findElement(By.id("reason"))).selectByValue("clinical-picture");
      driver.findElement(By.id("send-feedback")).click();
      wait.until(ExpectedConditions.presenceOfElementLocated(By.id("notice")));
      List<JsonNode> lines = feedbackOn(ctCardUuid);
      assertEquals(1, lines.size(), "one feedback entry on the nodule-ct card: " + lines);
      assertEquals(
          "clinical-picture",
          lines.get(0).path("overrideReason").path("reason").path("code").asText());
    } finally {
      driver.quit();
    }
  }

  private static List<JsonNode> feedbackOn(String card) throws Exception {
    List<JsonNode> out = new java.util.ArrayList<>();
    Path file = work.resolve("feedback/feedback.jsonl");
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file)) {
        JsonNode n = JSON.readTree(line);
        if (card.equals(n.path("card").asText())) {
          out.add(n);
        }
      }
    }
    return out;
  }

  /**
   * The feedback is on the FHIR server as the clinician's review of the report: one Provenance with
   * a verifier agent naming the signed-in user (Keycloak gives no {@code fhirUser}: the issuer and
   * the ID token's subject), written with the module's own realm token.
   */
  private static void assertReviewedBySignedInClinician(JsonNode entry) {
    FhirContext ctx = FhirContext.forR4Cached();
    IGenericClient fhir = ctx.newRestfulGenericClient(fhirBase);
    fhir.registerInterceptor(
        new ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor(
            keycloak.clientToken("fusion-cds", MODULE_SECRET)));
    String reportId = new org.hl7.fhir.r4.model.IdType(entry.path("report").asText()).getIdPart();
    List<org.hl7.fhir.r4.model.Provenance> reviews =
        fhir
            .search()
            .forResource(org.hl7.fhir.r4.model.Provenance.class)
            .where(org.hl7.fhir.r4.model.Provenance.TARGET.hasId("DiagnosticReport/" + reportId))
            // the page made the same search a moment ago: HAPI would answer from its cache
            .cacheControl(new ca.uhn.fhir.rest.api.CacheControlDirective().setNoCache(true))
            .returnBundle(org.hl7.fhir.r4.model.Bundle.class)
            .execute()
            .getEntry()
            .stream()
            .map(e -> (org.hl7.fhir.r4.model.Provenance) e.getResource())
            .filter(p -> p.getMeta().hasProfile(Profiles.PROFILE_REVIEW))
            .toList();
    assertEquals(1, reviews.size(), "one review of the report");
    var agent = reviews.get(0).getAgentFirstRep();
    assertEquals("verifier", agent.getType().getCodingFirstRep().getCode());
    assertEquals(keycloak.issuer(), agent.getWho().getIdentifier().getSystem());
    assertTrue(
        agent.getWho().getIdentifier().getValue().matches("[0-9a-f-]{36}"),
        "the clinician's subject at Keycloak: " + agent.getWho().getIdentifier().getValue());
    assertEquals(
        agent.getWho().getIdentifier().getValue(), entry.path("reviewer").path("value").asText());
    assertEquals("overridden", reviews.get(0).getActivity().getCodingFirstRep().getCode());
    String subject = agent.getWho().getIdentifier().getValue();
    List<org.hl7.fhir.r4.model.AuditEvent> reads =
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(250))
            .until(
                () -> readsBy(fhir, subject),
                l ->
                    l.stream()
                        .anyMatch(
                            e ->
                                e.getEntity().stream()
                                    .anyMatch(
                                        x ->
                                            ("DiagnosticReport/" + reportId)
                                                .equals(x.getWhat().getReference()))));
    // the report, its Media, its Observation, its Provenance, its HTML form, one search per lab
    assertTrue(reads.size() >= 6, "the app's reads, audited: " + reads.size());
    System.out.println("SMART app reads audited with the user as agent: " + reads.size());
  }

  /**
   * AuditEvents of reads (BALP Read / Query) whose requestor is the user at Keycloak, via our app.
   */
  private static List<org.hl7.fhir.r4.model.AuditEvent> readsBy(IGenericClient fhir, String sub) {
    return newestAuditEvents(fhir, "action=R,E&_count=500").stream()
        .filter(
            e ->
                e.getAgent().stream()
                    .anyMatch(
                        a ->
                            a.getRequestor()
                                && sub.equals(a.getWho().getIdentifier().getValue())
                                && keycloak.issuer().equals(a.getWho().getIdentifier().getSystem())
                                && "fusion-cds-app".equals(a.getAltId())))
        .toList();
  }

  /** The repository's AuditEvents that match {@code params}, the newest first (one page). */
  private static List<org.hl7.fhir.r4.model.AuditEvent> newestAuditEvents(
      IGenericClient fhir, String params) {
    return fhir
        .search()
        .byUrl("AuditEvent?_sort=-date&" + params)
        .cacheControl(new ca.uhn.fhir.rest.api.CacheControlDirective().setNoCache(true))
        .returnBundle(org.hl7.fhir.r4.model.Bundle.class)
        .execute()
        .getEntry()
        .stream()
        .map(e -> (org.hl7.fhir.r4.model.AuditEvent) e.getResource())
        .toList();
  }

  private static void refusesFormsWithoutTheirCsrfToken(String cookie) throws Exception {
    HttpResponse<String> none = post("/app/feedback", cookie, "outcome=agree");
    assertCoded(403, "FCDS-1207", none);
    HttpResponse<String> wrong =
        post("/app/feedback", cookie, "outcome=agree&csrf=" + enc("not-this-sessions"));
    assertCoded(403, "FCDS-1207", wrong);
    assertEquals(List.of(), feedbackOn(cardUuid), "a refused form stores nothing");
  }

  private static void refusesAnotherPatient(String cookie) throws Exception {
    HttpResponse<String> other = get(base + "/app/report?patient=someone-else", cookie);
    assertCoded(403, "FCDS-1205", other);
  }

  /**
   * A code issued for one session's PKCE challenge, brought back with another session's state: the
   * authorization server refuses it (the verifier does not match), and so does the app.
   */
  private static void refusesACodeExchangedWithAnotherSessionsVerifier(WebDriver driver)
      throws Exception {
    HttpResponse<String> a = get(launchUrl(launch()), null);
    assertEquals(303, a.statusCode(), a.body());
    String authorize = a.headers().firstValue("Location").orElseThrow();
    driver.get(authorize); // signed in already: Keycloak answers with a code at once
    new WebDriverWait(driver, Duration.ofSeconds(20))
        .until(d -> d.getCurrentUrl().contains("/app/callback"));
    assertTrue(
        driver.getPageSource().contains("FCDS-1203"), "the browser's session has no such state");
    String code = query(driver.getCurrentUrl(), "code");
    HttpResponse<String> b = get(launchUrl(launch()), null);
    String cookieB = b.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    String stateB = query(b.headers().firstValue("Location").orElseThrow(), "state");
    HttpResponse<String> swapped =
        get(base + "/app/callback?code=" + enc(code) + "&state=" + enc(stateB), cookieB);
    assertCoded(401, "FCDS-1204", swapped);
  }

  @Test
  void refusesLaunchesItCannotTrust() throws Exception {
    String url = smartLink.path("url").asText();
    assertCoded(400, "FCDS-1200", get(url, null));
    assertCoded(400, "FCDS-1200", get(url + "?launch=" + enc(launch()), null));
    String expired =
        ehr.launch(
            url,
            patient,
            fhirBase,
            smartLink.path("appContext").asText(),
            Instant.now().minusSeconds(600));
    assertCoded(401, "FCDS-1201", get(launchUrl(expired), null));
    try (SandboxEhr stranger = SandboxEhr.start()) {
      String forged =
          stranger.launch(url, patient, fhirBase, smartLink.path("appContext").asText());
      assertCoded(401, "FCDS-1201", get(launchUrl(forged), null));
    }
    String unservedModel =
        smartLink.path("appContext").asText().replace("\"cap-fusion\"", "\"<b>x</b>\"");
    assertTrue(unservedModel.contains("<b>x</b>"), unservedModel);
    String otherModel = ehr.launch(url, patient, fhirBase, unservedModel);
    HttpResponse<String> unknownModel = get(launchUrl(otherModel), null);
    assertCoded(401, "FCDS-1201", unknownModel);
    assertFalse(unknownModel.body().contains("<b>x</b>"), "the launch's text is escaped");
    String once = launch();
    assertEquals(303, get(launchUrl(once), null).statusCode());
    assertCoded(401, "FCDS-1201", get(launchUrl(once), null));
    String elsewhere = url + "?iss=" + enc("http://127.0.0.1:1/fhir") + "&launch=" + enc(launch());
    assertCoded(400, "FCDS-1202", get(elsewhere, null));
    assertCoded(400, "FCDS-1203", get(base + "/app/callback?code=x&state=y", null));
    HttpResponse<String> started = get(launchUrl(launch()), null);
    String cookie = started.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), cookie);
    assertCoded(
        400,
        "FCDS-1203",
        get(base + "/app/callback?code=x&state=not-its-state", cookie.split(";")[0]));
    assertCoded(401, "FCDS-1206", get(base + "/app/report", null));
    assertCoded(401, "FCDS-1206", get(base + "/app/report", cookie.split(";")[0]));
    keepsNoCodeOrLaunchInTheAuditTrail();
  }

  /**
   * The authorization code, state and launch token of the app's calls are secrets: their
   * AuditEvents keep the parameters' names, not their values.
   */
  private static void keepsNoCodeOrLaunchInTheAuditTrail() throws Exception {
    String secret = "secret-" + java.util.UUID.randomUUID();
    String requestId = "it-callback-" + java.util.UUID.randomUUID();
    HTTP.send(
        HttpRequest.newBuilder(
                URI.create(base + "/app/callback?code=" + secret + "&state=" + secret))
            .header("X-Request-Id", requestId)
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    IGenericClient fhir = FhirContext.forR4Cached().newRestfulGenericClient(fhirBase);
    fhir.registerInterceptor(
        new ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor(
            keycloak.clientToken("fusion-cds", MODULE_SECRET)));
    org.hl7.fhir.r4.model.AuditEvent event =
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(250))
            .until(
                () ->
                    newestAuditEvents(fhir, "_count=200").stream()
                        .filter(
                            e -> requestId.equals(org.fusioncds.testing.TrailFixture.requestId(e)))
                        .findFirst(),
                java.util.Optional::isPresent)
            .orElseThrow();
    String kept = FhirContext.forR4Cached().newJsonParser().encodeResourceToString(event);
    String query =
        event.getEntity().stream()
            .filter(x -> x.hasQuery())
            .map(x -> new String(x.getQuery(), java.nio.charset.StandardCharsets.UTF_8))
            .findFirst()
            .orElseThrow();
    assertEquals("/app/callback?code=redacted&state=redacted", query);
    assertFalse(kept.contains(secret), kept);
  }

  private static void accessibility(WebDriver driver) throws Exception {
    assertTrue(Files.isRegularFile(AXE), "axe-core from npm (.ci/run installs it): " + AXE);
    JavascriptExecutor js = (JavascriptExecutor) driver;
    js.executeScript(Files.readString(AXE));
    Object result =
        js.executeAsyncScript(
            "var done = arguments[arguments.length - 1];"
                + "axe.run(document).then(function (r) {"
                + " done(JSON.stringify({violations: r.violations.map(function (v) {"
                + " return {id: v.id, impact: v.impact, nodes: v.nodes.length}; }),"
                + " passes: r.passes.length})); });");
    JsonNode axe = JSON.readTree(String.valueOf(result));
    System.out.println("axe-core: " + axe);
    for (JsonNode v : axe.path("violations")) {
      String impact = v.path("impact").asText();
      assertFalse(impact.equals("serious") || impact.equals("critical"), "axe violation: " + v);
    }
    assertEquals("en", driver.findElement(By.tagName("html")).getAttribute("lang"));
    for (WebElement img : driver.findElements(By.tagName("img"))) {
      assertFalse(img.getAttribute("alt").isBlank(), "alt text on every image");
    }
    for (WebElement field : driver.findElements(By.cssSelector("select, textarea, input"))) {
      if (!"hidden".equals(field.getAttribute("type"))) {
        String id = field.getAttribute("id");
        assertEquals(1, driver.findElements(By.cssSelector("label[for='" + id + "']")).size(), id);
      }
    }
    focusByTab(driver, "send-feedback");
  }

  /** Tabs from the top of the page until the element has the keyboard focus. */
  private static void focusByTab(WebDriver driver, String id) {
    ((JavascriptExecutor) driver)
        .executeScript("document.activeElement.blur(); window.scrollTo(0, 0);");
    for (int i = 0; i < 40; i++) {
      new Actions(driver).sendKeys(Keys.TAB).perform();
      if (id.equals(driver.switchTo().activeElement().getAttribute("id"))) {
        return;
      }
    }
    throw new AssertionError(id + " is not reached by the keyboard within 40 tabs");
  }

  private static WebDriver chrome() {
    System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
    ChromeOptions o = new ChromeOptions();
    o.setBinary("/usr/bin/chromium");
    o.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1100,3400");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File("/usr/bin/chromedriver"))
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, o);
  }

  private static void screenshot(WebDriver driver, String name) throws Exception {
    Files.createDirectories(SHOTS);
    Files.write(SHOTS.resolve(name), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
  }

  private static void assertCoded(int status, String code, HttpResponse<String> r) {
    assertEquals(status, r.statusCode(), r.body());
    assertTrue(r.body().contains(code), code + " in " + r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
  }

  private static HttpResponse<String> get(String url, String cookie) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String path, String cookie, String form)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .header("Cookie", cookie)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String query(String url, String name) {
    return SmartApp.parse(URI.create(url).getRawQuery()).get(name);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
