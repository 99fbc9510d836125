package org.fusioncds.subscription;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.fusioncds.app.FusionCdsApp;
import org.fusioncds.fhir.GatherSteps;
import org.fusioncds.flow.EvaluationJob;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.ModelCards;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.sandbox.SandboxEhr;
import org.fusioncds.sandbox.SandboxServers;
import org.fusioncds.sandbox.SandboxSettings;
import org.fusioncds.sandbox.SandboxTopics;
import org.fusioncds.sandbox.cohort.CohortGenerator;
import org.fusioncds.sandbox.cohort.CohortLoader;
import org.fusioncds.sandbox.cohort.VisitFrame;
import org.fusioncds.testing.SecuredApp;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Subscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The FHIR Subscription trigger on real servers: the sandbox HAPI FHIR JPA server with R4 rest-hook
 * Subscriptions for the card's studies and labs (written by {@link NotifySubscriptions}) notifies
 * the real application, which queues evaluation jobs (seda transport) before any hook; the hook
 * then answers from the stored report. Notifications in the R4 Subscriptions Backport form
 * (handshake, heartbeat, event-notification with {@code events-since-subscription-start}) are sent
 * by the test as a FHIR server sends them, with and without the shared secret.
 */
class SubscriptionTriggerIT {

  private static final String SECRET = "s3cret-" + UUID.randomUUID();
  private static final String HEADER = "X-Fcds-Subscription-Secret";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final FhirContext FHIR = FhirContext.forR4Cached();

  private static SandboxServers servers;
  private static SandboxEhr ehr;
  private static FusionCdsApp app;
  private static IGenericClient fhir;
  private static String base;
  private static Path work;
  private static List<CohortLoader.LoadedPatient> loaded;

  @BeforeAll
  static void start() throws Exception {
    work = Files.createTempDirectory("subscriptions");
    Path cohort = work.resolve("cohort");
    CohortGenerator.generate(4, 20261204L, cohort, VisitFrame.dayBefore(Instant.now()));
    servers = SandboxServers.startWithSubscriptions(cohort.resolve("dicom"));
    fhir = FHIR.newRestfulGenericClient(servers.fhir().baseUrl());
    ehr = SandboxEhr.start();
    Map<String, String> settings = settings("service");
    app = FusionCdsApp.start(settings);
    base = "http://127.0.0.1:" + settings.get("camel.server.port");
    // the Subscriptions the card asks for, active on the FHIR server before any data arrives
    ModelCard card = ModelCards.load(Path.of("models/cap-fusion/model-card.yaml"));
    GatherSteps gather =
        app.camelContext().getRegistry().lookupByNameAndType("gather", GatherSteps.class);
    for (Subscription s :
        NotifySubscriptions.forCard(card, gather.loincCodes(), base, HEADER, SECRET)) {
      fhir.create().resource(s).execute();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> servers.fhir().refreshSubscriptions() == 2);
    loaded = CohortLoader.load(fhir, cohort);
  }

  private static Map<String, String> settings(String name) {
    Map<String, String> settings =
        SandboxSettings.forApp(
            FreePorts.find(),
            ehr,
            work.resolve(name),
            servers.fhir().baseUrl(),
            servers.dicomWeb().baseUrl());
    settings.put("dicomweb.base-url", servers.dicomWeb().baseUrl());
    settings.put("fhir.base-url", servers.fhir().baseUrl());
    settings.put("cds.time-budget-ms", "20000");
    settings.put("subscription.secret", SECRET);
    settings.put("subscription.catch-up-overlap-ms", "1000");
    settings.put("models.additional", "nodule-ct"); // a second model: a CT study is its job
    return settings;
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {app, servers, ehr}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void aNewStudyIsReportedBeforeAnyHookAndTheHookAnswersFromTheStoredReport() throws Exception {
    String patient =
        loaded.stream().filter(p -> p.image() && p.labs()).findFirst().orElseThrow().id();

    // no hook was called: the subscription's jobs wrote the report (a study and its labs arrive
    // one by one, each a job: wait until every queued job is done)
    await()
        .atMost(Duration.ofSeconds(180))
        .until(() -> !reports(patient).getEntry().isEmpty() && jobsIdle());
    int before = reports(patient).getEntry().size();

    long t0 = System.nanoTime();
    JsonNode answer = hook(patient);
    long ms = (System.nanoTime() - t0) / 1_000_000;

    String detail = answer.path("cards").path(0).path("detail").asText();
    assertTrue(detail.contains("Computed earlier"), "answered from the stored report: " + answer);
    assertTrue(detail.contains("the model was not run again"), detail);
    assertEquals(before, reports(patient).getEntry().size(), "no report written by the hook");
    long t1 = System.nanoTime();
    JsonNode again = hook(patient);
    long msAgain = (System.nanoTime() - t1) / 1_000_000;
    assertTrue(again.path("cards").path(0).path("detail").asText().contains("Computed earlier"));
    System.out.println(
        "SUBSCRIPTION-TRIGGER: the first hook after the subscription's report answered from it in "
            + ms
            + " ms (the application's first hook call), the next in "
            + msAgain
            + " ms");
  }

  @Test
  void aNotificationWithoutOrWithAWrongSecretIsRefusedAndQueuesNothing() throws Exception {
    String focus = study(loaded.get(0).id());
    String body = eventNotification("Subscription/refusals", 1, 1, focus);
    long queuedBefore = notifications().queued();

    HttpResponse<String> none = notify(body, null);
    HttpResponse<String> wrong = notify(body, "not-" + SECRET);

    assertEquals(401, none.statusCode(), none.body());
    assertTrue(none.body().contains("FCDS-1151"), none.body());
    assertTrue(none.body().contains("OperationOutcome"), none.body());
    assertEquals(401, wrong.statusCode(), wrong.body());
    assertTrue(wrong.body().contains("FCDS-1151"), wrong.body());
    assertEquals(queuedBefore, notifications().queued(), "no job queued by a refused call");
    // nothing was counted: the first accepted notification of that subscription is not a gap
    JsonNode accepted = JSON.readTree(notify(body, SECRET).body());
    assertEquals(1, accepted.path("jobs").asInt(), accepted.toString());
    assertEquals(false, accepted.path("caughtUp").asBoolean(), accepted.toString());
  }

  @Test
  void handshakeAndHeartbeatQueueNothing() throws Exception {
    long queuedBefore = notifications().queued();
    JsonNode handshake =
        JSON.readTree(notify(status("Subscription/quiet", "handshake", 0), SECRET).body());
    JsonNode heartbeat =
        JSON.readTree(notify(status("Subscription/quiet", "heartbeat", 0), SECRET).body());

    assertEquals("handshake", handshake.path("type").asText(), handshake.toString());
    assertEquals(0, handshake.path("jobs").asInt(), handshake.toString());
    assertEquals("heartbeat", heartbeat.path("type").asText(), heartbeat.toString());
    assertEquals(0, heartbeat.path("jobs").asInt(), heartbeat.toString());
    assertEquals(false, heartbeat.path("caughtUp").asBoolean(), heartbeat.toString());
    assertEquals(queuedBefore, notifications().queued(), "no job queued");

    // a FHIR client (HAPI posts a topic notification as a transaction) reads a Bundle back
    HttpResponse<String> asFhir =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/subscriptions/notify"))
                .header("Content-Type", "application/fhir+json")
                .header("Accept", "application/fhir+json")
                .header(HEADER, SECRET)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        status("Subscription/quiet", "heartbeat", 0)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, asFhir.statusCode(), asFhir.body());
    org.hl7.fhir.r4.model.Bundle answer =
        ca.uhn.fhir.context.FhirContext.forR4Cached()
            .newJsonParser()
            .parseResource(org.hl7.fhir.r4.model.Bundle.class, asFhir.body());
    assertEquals(org.hl7.fhir.r4.model.Bundle.BundleType.BATCHRESPONSE, answer.getType());
    assertTrue(
        ((org.hl7.fhir.r4.model.OperationOutcome)
                answer.getEntryFirstRep().getResponse().getOutcome())
            .getIssueFirstRep()
            .getDiagnostics()
            .startsWith("heartbeat of Subscription/quiet: 0 event(s)"),
        asFhir.body());
  }

  @Test
  void aGapInEventsSinceSubscriptionStartIsCaughtUpAndTheMissedPatientQueued() throws Exception {
    String a = loaded.get(0).id();
    String b = loaded.get(1).id();
    notify(status("Subscription/gappy", "handshake", 0), SECRET);
    JsonNode first =
        JSON.readTree(
            notify(eventNotification("Subscription/gappy", 1, 1, study(a)), SECRET).body());
    assertEquals(1, first.path("jobs").asInt(), "no gap, its own focus only: " + first);
    // event 2 (a new lab of patient b) never reaches the module
    fhir.create().resource(wbc(b, Instant.now().minus(Duration.ofHours(1)))).execute();

    JsonNode third =
        JSON.readTree(
            notify(eventNotification("Subscription/gappy", 3, 3, study(a)), SECRET).body());

    assertEquals(true, third.path("caughtUp").asBoolean(), third.toString());
    assertTrue(third.path("jobs").asInt() >= 2, "patient a and the missed patient b: " + third);
    assertEquals(3, third.path("eventsSinceSubscriptionStart").asInt(), third.toString());
  }

  /**
   * A gap caught up while the jobs queue refuses (full): the notification fails, and the server's
   * delivery of it again still finds the gap, so the missed patient is queued then. The second
   * application's jobs go to a queue nobody takes from, which the test fills, empties and reads.
   */
  @Test
  void aGapWhoseJobsCouldNotBeQueuedIsCaughtUpWhenTheNotificationComesAgain() throws Exception {
    Map<String, String> settings = settings("held");
    String held = "seda:held-jobs?size=100";
    settings.put("evaluation.seda.jobs-out", held);
    try (FusionCdsApp other = FusionCdsApp.start(settings)) {
      String otherBase = "http://127.0.0.1:" + settings.get("camel.server.port");
      String a = loaded.get(0).id();
      String b = loaded.get(3).id();
      org.apache.camel.component.seda.SedaEndpoint queue =
          other
              .camelContext()
              .getEndpoint(held, org.apache.camel.component.seda.SedaEndpoint.class);
      notify(otherBase, status("Subscription/held", "handshake", 0), SECRET);
      HttpResponse<String> one =
          notify(otherBase, eventNotification("Subscription/held", 1, 1, study(a)), SECRET);
      assertEquals(200, one.statusCode(), one.body());
      // event 2 (a new lab of patient b) never reaches the module
      fhir.create().resource(wbc(b, Instant.now().minus(Duration.ofHours(1)))).execute();
      try (org.apache.camel.ProducerTemplate fill = other.camelContext().createProducerTemplate()) {
        for (int free = queue.getQueue().remainingCapacity(); free > 0; free--) {
          fill.sendBody(held, "filler");
        }
      }
      String third = eventNotification("Subscription/held", 3, 3, study(a));

      HttpResponse<String> refused = notify(otherBase, third, SECRET);
      queue.getQueue().clear();
      HttpResponse<String> again = notify(otherBase, third, SECRET);

      assertTrue(refused.statusCode() >= 500, refused.statusCode() + " " + refused.body());
      assertEquals(200, again.statusCode(), again.body());
      assertTrue(JSON.readTree(again.body()).path("caughtUp").asBoolean(), again.body());
      List<String> queued =
          queue.getQueue().stream()
              .map(e -> EvaluationJob.fromJson(e.getMessage().getBody(String.class)).patientId())
              .toList();
      assertTrue(queued.contains(a) && queued.contains(b), "patients a and b: " + queued);
    }
  }

  @Test
  void eachFocusQueuesTheModelsThatReadIt() throws Exception {
    String patient =
        loaded.stream().filter(p -> p.image()).reduce((first, last) -> last).orElseThrow().id();
    ImagingStudy chestCt = new ImagingStudy();
    chestCt.setStatus(ImagingStudy.ImagingStudyStatus.AVAILABLE);
    chestCt.setSubject(new Reference("Patient/" + patient));
    chestCt.addModality(
        new org.hl7.fhir.r4.model.Coding(
            "http://dicom.nema.org/resources/ontology/DCM", "CT", null));
    String ct = "ImagingStudy/" + fhir.create().resource(chestCt).execute().getId().getIdPart();
    Observation cea = wbc(patient, Instant.now());
    cea.getCode().getCodingFirstRep().setCode("2039-6"); // CEA: the nodule model's tumour marker
    String ceaId = "Observation/" + fhir.create().resource(cea).execute().getId().getIdPart();
    long radiographBefore = notifications().queued("cap-fusion");
    long ctBefore = notifications().queued("nodule-ct");

    JsonNode ctStudy =
        JSON.readTree(notify(eventNotification("Subscription/ct", 1, 1, ct), SECRET).body());
    JsonNode marker =
        JSON.readTree(notify(eventNotification("Subscription/ct", 2, 2, ceaId), SECRET).body());
    JsonNode radiograph =
        JSON.readTree(
            notify(eventNotification("Subscription/ct", 3, 3, study(patient)), SECRET).body());

    assertEquals(1, ctStudy.path("jobs").asInt(), ctStudy.toString());
    assertEquals(1, marker.path("jobs").asInt(), marker.toString());
    assertEquals(1, radiograph.path("jobs").asInt(), radiograph.toString());
    assertEquals(ctBefore + 2, notifications().queued("nodule-ct"), "the CT study and the CEA");
    assertEquals(radiographBefore + 1, notifications().queued("cap-fusion"), "the radiograph");
  }

  @Test
  void anIdOnlyNotificationReadsItsFocusAndBadInputIsACodedError() throws Exception {
    String focus = study(loaded.get(2).id());
    JsonNode idOnly =
        JSON.readTree(notify(eventNotification("Subscription/ids", 1, 1, focus), SECRET).body());
    assertEquals(1, idOnly.path("jobs").asInt(), idOnly.toString());

    HttpResponse<String> notJson = notify("{\"resourceType\":\"Patient\"}", SECRET);
    assertEquals(400, notJson.statusCode(), notJson.body());
    assertTrue(notJson.body().contains("FCDS-1152"), notJson.body());
    HttpResponse<String> unknown = notify(status("Subscription/ids", "gossip", 1), SECRET);
    assertEquals(400, unknown.statusCode(), unknown.body());
    assertTrue(unknown.body().contains("FCDS-1153"), unknown.body());
    String patientFocus = "Patient/" + loaded.get(2).id();
    HttpResponse<String> wrongFocus =
        notify(eventNotification("Subscription/ids", 2, 2, patientFocus), SECRET);
    assertEquals(422, wrongFocus.statusCode(), wrongFocus.body());
    assertTrue(wrongFocus.body().contains("FCDS-1154"), wrongFocus.body());
  }

  @Test
  void aTopicBasedSubscriptionIsNotifiedByTheServerInTheBackportFormAndQueuesTheStudysPatient()
      throws Exception {
    // the server's own topics (SandboxTopics, R4 Backport: Basic), the card's filters on them
    ModelCard card = ModelCards.load(Path.of("models/cap-fusion/model-card.yaml"));
    GatherSteps gather =
        app.camelContext().getRegistry().lookupByNameAndType("gather", GatherSteps.class);
    List<String> ids = new java.util.ArrayList<>();
    for (Subscription s :
        NotifySubscriptions.forTopics(
            card,
            gather.loincCodes(),
            SandboxTopics.STUDIES,
            SandboxTopics.OBSERVATIONS,
            base,
            HEADER,
            SECRET)) {
      ids.add("Subscription/" + fhir.create().resource(s).execute().getId().getIdPart());
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> servers.fhir().refreshSubscriptions() == 4);
    String patient = loaded.stream().filter(p -> p.image()).findFirst().orElseThrow().id();
    ImagingStudy study =
        (ImagingStudy) fhir.read().resource(ImagingStudy.class).withUrl(study(patient)).execute();
    long queuedBefore = notifications().queued();

    study.setDescription("reread " + UUID.randomUUID()); // an update: the topic's trigger
    fhir.update().resource(study).execute();

    // HAPI posts the history Bundle with its SubscriptionStatus (event 1) to the module
    String studyId = "ImagingStudy/" + study.getIdElement().getIdPart();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> names(notifications().lastFoci(ids.get(0)), studyId));
    assertTrue(notifications().queued() > queuedBefore, "the study's patient was queued");
    // the card's filter on the lab topic: no study in it (a lab another test wrote may be)
    assertFalse(
        names(notifications().lastFoci(ids.get(1)), studyId),
        "the lab topic carried the study: " + notifications().lastFoci(ids.get(1)));

    // a lab of the card's codes for the same patient reaches the lab topic
    String labId =
        "Observation/"
            + fhir.create().resource(wbc(patient, Instant.now())).execute().getId().getIdPart();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> names(notifications().lastFoci(ids.get(1)), labId));

    // the server read the module's answers (a Bundle back for its transaction): nothing resent
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                ids.stream()
                    .allMatch(
                        id ->
                            notifications().notificationsSeen(id)
                                == notifications().eventsSeen(id).orElse(-1)));
  }

  /** Whether one of the focus references names this resource (relative, absolute or versioned). */
  private static boolean names(List<String> foci, String typeAndId) {
    return foci.stream()
        .anyMatch(
            f ->
                f.equals(typeAndId)
                    || f.contains("/" + typeAndId)
                    || f.startsWith(typeAndId + "/"));
  }

  // --- helpers

  /** A white cell count (LOINC 6690-2, one of the card's labs) of this patient, taken then. */
  private static Observation wbc(String patient, Instant taken) {
    Observation wbc = new Observation();
    wbc.setStatus(Observation.ObservationStatus.FINAL);
    wbc.getCode().addCoding().setSystem("http://loinc.org").setCode("6690-2");
    wbc.setSubject(new Reference("Patient/" + patient));
    wbc.setEffective(new org.hl7.fhir.r4.model.DateTimeType(Date.from(taken)));
    wbc.setValue(
        new Quantity().setValue(12.5).setUnit("10*3/uL").setSystem("http://unitsofmeasure.org"));
    wbc.getValueQuantity().setCode("10*3/uL");
    return wbc;
  }

  /** No evaluation job waiting or running. */
  private static boolean jobsIdle() {
    org.apache.camel.CamelContext camel = app.camelContext();
    boolean queueEmpty =
        camel.getEndpoints().stream()
            .filter(e -> e instanceof org.apache.camel.component.seda.SedaEndpoint)
            .map(e -> (org.apache.camel.component.seda.SedaEndpoint) e)
            .filter(e -> e.getEndpointUri().startsWith("seda://evaluation-jobs"))
            .allMatch(e -> e.getCurrentQueueSize() == 0);
    return queueEmpty && camel.getInflightRepository().size("evaluation-jobs") == 0;
  }

  private static SubscriptionNotifications notifications() {
    return app.camelContext()
        .getRegistry()
        .lookupByNameAndType("subscriptionNotifications", SubscriptionNotifications.class);
  }

  private static Bundle reports(String patient) {
    return fhir.search()
        .byUrl("DiagnosticReport?subject=Patient/" + patient)
        .returnBundle(Bundle.class)
        .cacheControl(new CacheControlDirective().setNoCache(true))
        .execute();
  }

  private static String study(String patient) {
    Bundle b =
        fhir.search()
            .byUrl("ImagingStudy?modality=CR,DX&patient=" + patient)
            .returnBundle(Bundle.class)
            .execute();
    ImagingStudy s = (ImagingStudy) b.getEntryFirstRep().getResource();
    return "ImagingStudy/" + s.getIdElement().getIdPart();
  }

  /** An R4 Backport notification bundle: the SubscriptionStatus Parameters, no focus resource. */
  private static String status(String subscription, String type, long events) {
    return bundle(subscription, type, events, -1, null);
  }

  private static String eventNotification(
      String subscription, long events, long number, String focus) {
    return bundle(subscription, "event-notification", events, number, focus);
  }

  private static String bundle(
      String subscription, String type, long events, long number, String focus) {
    ObjectNode params = JSON.createObjectNode().put("resourceType", "Parameters");
    var p = params.putArray("parameter");
    p.addObject()
        .put("name", "subscription")
        .putObject("valueReference")
        .put("reference", subscription);
    p.addObject()
        .put("name", "topic")
        .put("valueCanonical", "http://fusion-cds.example/topic/studies");
    p.addObject().put("name", "status").put("valueCode", "active");
    p.addObject().put("name", "type").put("valueCode", type);
    p.addObject()
        .put("name", "events-since-subscription-start")
        .put("valueString", String.valueOf(events));
    if (focus != null) {
      var parts = p.addObject().put("name", "notification-event").putArray("part");
      parts.addObject().put("name", "event-number").put("valueString", String.valueOf(number));
      parts.addObject().put("name", "timestamp").put("valueInstant", Instant.now().toString());
      parts.addObject().put("name", "focus").putObject("valueReference").put("reference", focus);
    }
    ObjectNode b = JSON.createObjectNode().put("resourceType", "Bundle").put("type", "history");
    b.putArray("entry")
        .addObject()
        .put("fullUrl", "urn:uuid:" + UUID.randomUUID())
        .set("resource", params);
    return b.toString();
  }

  private static HttpResponse<String> notify(String body, String secret) throws Exception {
    return notify(base, body, secret);
  }

  private static HttpResponse<String> notify(String appBase, String body, String secret)
      throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(appBase + "/subscriptions/notify"))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/fhir+json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (secret != null) {
      r.header(HEADER, secret);
    }
    return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode hook(String patient) throws Exception {
    String hooks = base + "/cds-services/imaging-fusion";
    return SecuredApp.patientView(ehr, hooks, servers.fhir().baseUrl(), patient, null);
  }
}
