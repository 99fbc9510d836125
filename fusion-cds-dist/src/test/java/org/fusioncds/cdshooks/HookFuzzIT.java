package org.fusioncds.cdshooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.fusioncds.app.FusionCdsApp;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.sandbox.SandboxEhr;
import org.fusioncds.sandbox.SandboxServers;
import org.fusioncds.sandbox.SandboxSettings;
import org.fusioncds.testing.FuzzFigures;
import org.fusioncds.testing.JsonMutations;
import org.fusioncds.testing.LogTail;
import org.fusioncds.testing.ReportsWritten;
import org.fusioncds.testing.SecuredApp;
import org.fusioncds.testing.TrailFixture;

/**
 * Issue #12: hook and feedback bodies mutated structurally (jqwik), each correctly signed by the
 * trusted EHR, sent over HTTP to the real application on the sandbox servers. For every case: no
 * 5xx; a 200 with cards (feedback: {@code {}}), or a coded OperationOutcome; no stack trace or Java
 * class name in the body; nothing logged at ERROR and no PHI in the log. Tries: jqwik's default,
 * {@code jqwik.tries.default} (1,000 in {@code mvn verify}, 10,000 with {@code -Pfuzz}). Figures go
 * to {@code target/fuzz/}.
 */
class HookFuzzIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final List<String> HOOK_PATHS =
      List.of(
          "",
          "hook",
          "hookInstance",
          "fhirServer",
          "fhirAuthorization",
          "fhirAuthorization.access_token",
          "fhirAuthorization.token_type",
          "fhirAuthorization.expires_in",
          "fhirAuthorization.scope",
          "fhirAuthorization.subject",
          "context",
          "context.patientId",
          "context.userId",
          "context.encounterId",
          "prefetch",
          "prefetch.patient",
          "prefetch.studies",
          "prefetch.observations",
          "prefetch.conditions",
          "prefetch.other",
          "extension");
  private static final List<String> FEEDBACK_PATHS =
      List.of(
          "",
          "feedback",
          "feedback.card",
          "feedback.outcome",
          "feedback.outcomeTimestamp",
          "feedback.overrideReason",
          "feedback.acceptedSuggestions");
  private static final List<String> INTERNALS = List.of("org.", "java.", "Exception", "\tat ");

  private static TrailFixture data;
  private static SandboxServers servers;
  private static SandboxEhr ehr;
  private static FusionCdsApp app;
  private static String hooks;
  private static ObjectNode validHook;
  private static ObjectNode validFeedback;
  private static LogTail log;
  private static final FuzzFigures HOOK = new FuzzFigures();
  private static final FuzzFigures FEEDBACK = new FuzzFigures();

  @BeforeContainer
  static void startTheApplicationOnTheSandbox() throws Exception {
    Path work = Files.createTempDirectory("hook-fuzz");
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
    s.put("audit.fhir-base-url", ""); // the events stay in the spool
    s.put("cds.time-budget-ms", "60000");
    // small limits, so that the size mutations reach them at little cost
    s.put("cds.request.max-body-bytes", "262144");
    s.put("cds.request.max-depth", "32");
    s.put("cds.request.max-string-length", "16384");
    s.put("cds.request.max-array-length", "1000");
    app = FusionCdsApp.start(s);
    hooks = "http://127.0.0.1:" + port + "/cds-services/imaging-fusion";
    validHook = JSON.createObjectNode();
    validHook.put("hook", "patient-view").put("hookInstance", UUID.randomUUID().toString());
    validHook.put("fhirServer", servers.fhir().baseUrl());
    validHook
        .putObject("fhirAuthorization")
        .put("access_token", "fuzz-token")
        .put("token_type", "Bearer")
        .put("expires_in", 300)
        .put("scope", "patient/*.read")
        .put("subject", "fuzz-ehr");
    validHook
        .putObject("context")
        .put("userId", "Practitioner/fuzz-1")
        .put("patientId", data.withImageAndLabs(0));
    // the valid hook once (its report is written; later valid cases take the cached path)
    HttpResponse<String> first = post(hooks, validHook.toString().getBytes(StandardCharsets.UTF_8));
    assertEquals(200, first.statusCode(), first.body());
    String card = JSON.readTree(first.body()).path("cards").path(0).path("uuid").asText();
    validFeedback = JSON.createObjectNode();
    validFeedback
        .putObject("feedback")
        .put("card", card)
        .put("outcome", "accepted")
        .put("outcomeTimestamp", "2026-11-28T10:00:00Z");
    // its report is written behind the card (cds.card-timing=before-report): before the cases
    ReportsWritten.await(app, Duration.ofSeconds(60));
    log = LogTail.fromNow();
  }

  @AfterContainer
  static void stopAndWriteTheFigures() throws Exception {
    try {
      String figures = HOOK.summary("hook") + "\n" + FEEDBACK.summary("feedback") + "\n";
      System.out.print(figures);
      Files.createDirectories(Path.of("target/fuzz"));
      // getBytes replaces what UTF-8 cannot encode (generated lone surrogates) instead of throwing
      Files.write(
          Path.of("target/fuzz/HookFuzzIT.txt"),
          figures.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } finally {
      for (AutoCloseable c : new AutoCloseable[] {app, ehr, servers}) {
        if (c != null) {
          c.close();
        }
      }
    }
  }

  @Provide
  Arbitrary<JsonMutations.Case> hookCases() {
    return JsonMutations.cases(HOOK_PATHS);
  }

  @Provide
  Arbitrary<JsonMutations.Case> feedbackCases() {
    return JsonMutations.cases(FEEDBACK_PATHS);
  }

  @Property(seed = FuzzFigures.SEED, shrinking = net.jqwik.api.ShrinkingMode.BOUNDED)
  void aMutatedHookIsAnsweredWithCardsOrACodedOutcomeNever5xx(
      @ForAll("hookCases") JsonMutations.Case c) throws Exception {
    byte[] body = c.apply(validHook);
    log.next(); // what an earlier (failed) case left in the log is not this case's

    long t0 = System.nanoTime();
    HttpResponse<String> r = post(hooks, body);
    long ms = (System.nanoTime() - t0) / 1_000_000;

    checkAnswer(HOOK, c, body, r, ms, "cards");
  }

  @Property(seed = FuzzFigures.SEED, shrinking = net.jqwik.api.ShrinkingMode.BOUNDED)
  void mutatedFeedbackIsStoredOrAnsweredWithACodedOutcomeNever5xx(
      @ForAll("feedbackCases") JsonMutations.Case c) throws Exception {
    // the CDS Hooks feedback is an array of items: the mutations apply to its first item
    ObjectNode shaped = validFeedback.deepCopy();
    byte[] body = feedbackBody(c.apply(shaped));
    log.next();

    long t0 = System.nanoTime();
    HttpResponse<String> r = post(hooks + "/feedback", body);
    long ms = (System.nanoTime() - t0) / 1_000_000;

    checkAnswer(FEEDBACK, c, body, r, ms, null);
  }

  /**
   * Found by the 10,000-case run: a fhirAuthorization that expires within the 5 s margin failed
   * inside the FHIR client's interceptor (a 500, logged at ERROR by HAPI).
   */
  @Example
  void aFhirAuthorizationExpiringInTwoSecondsIsA412BeforeAnyFhirCall() throws Exception {
    ObjectNode hook = validHook.deepCopy();
    hook.put("hookInstance", UUID.randomUUID().toString());
    ((ObjectNode) hook.get("fhirAuthorization")).put("expires_in", 2);
    log.next();

    HttpResponse<String> r = post(hooks, hook.toString().getBytes(StandardCharsets.UTF_8));

    assertEquals(412, r.statusCode(), r.body());
    assertTrue(r.body().contains("FCDS-7054"), r.body());
    assertFalse(log.next().contains(" ERROR "));
  }

  /** Found by the 10,000-case run: HAPI's parser threw a NullPointerException on it (a 500). */
  @Example
  void aPrefetchedBundleWhoseEntryResourceIsAStringIsA400OfThePrefetch() throws Exception {
    ObjectNode hook = validHook.deepCopy();
    hook.put("hookInstance", UUID.randomUUID().toString());
    hook.putObject("prefetch")
        .set(
            "conditions",
            JSON.readTree(
                "{\"resourceType\":\"Bundle\",\"type\":\"searchset\","
                    + "\"entry\":[{\"resource\":\"not a resource\"}]}"));
    log.next();

    HttpResponse<String> r = post(hooks, hook.toString().getBytes(StandardCharsets.UTF_8));

    assertEquals(400, r.statusCode(), r.body());
    assertEquals(
        "FCDS-3005",
        JSON.readTree(r.body())
            .path("issue")
            .path(0)
            .path("details")
            .path("coding")
            .path(0)
            .path("code")
            .asText(),
        r.body());
    assertFalse(log.next().contains(" ERROR "));
  }

  /** {@code {"feedback": {item}}} as generated becomes {@code {"feedback": [item]}}. */
  private static byte[] feedbackBody(byte[] mutated) {
    try {
      if (JSON.readTree(mutated) instanceof ObjectNode o && o.path("feedback").isObject()) {
        JsonNode item = o.get("feedback");
        o.putArray("feedback").add(item);
        return o.toString().getBytes(StandardCharsets.UTF_8);
      }
    } catch (java.io.IOException brokenOnPurpose) {
      // a broken body stays as it is
    }
    return mutated;
  }

  private static void checkAnswer(
      FuzzFigures f,
      JsonMutations.Case c,
      byte[] body,
      HttpResponse<String> r,
      long ms,
      String okField)
      throws Exception {
    f.answered(r.statusCode(), ms, c);
    String sent = new String(body, StandardCharsets.UTF_8);
    assertTrue(r.statusCode() < 500, r.statusCode() + " for " + c + ": " + r.body());
    JsonNode answer = JSON.readTree(r.body());
    if (r.statusCode() == 200) {
      assertTrue(okField == null || answer.path(okField).isArray(), r.body());
    } else {
      assertEquals("OperationOutcome", answer.path("resourceType").asText(), r.body());
      assertFalse(answer.path("issue").isEmpty(), r.body());
      for (JsonNode issue : answer.path("issue")) {
        String code = issue.path("details").path("coding").path(0).path("code").asText();
        assertTrue(code.matches("FCDS-\\d{4}"), r.body());
        f.coded(code);
      }
    }
    for (String internal : INTERNALS) {
      assertTrue(
          sent.contains(internal) || !r.body().contains(internal),
          "'" + internal + "' in the answer to " + c + ": " + r.body());
    }
    String logged = log.next();
    assertFalse(logged.contains(" ERROR "), "logged at ERROR for " + c + ":\n" + logged);
    assertEquals(List.of(), data.phiIn(logged), "PHI logged for " + c);
  }

  private static HttpResponse<String> post(String url, byte[] body) throws Exception {
    return HTTP.send(
        SecuredApp.signed(ehr, url)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
