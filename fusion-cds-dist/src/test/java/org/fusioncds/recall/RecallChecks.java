package org.fusioncds.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
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
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.sandbox.RequestTap;
import org.fusioncds.sandbox.SandboxEhr;
import org.fusioncds.sandbox.SandboxServers;
import org.fusioncds.sandbox.SandboxSettings;
import org.fusioncds.sandbox.cohort.CohortGenerator;
import org.fusioncds.sandbox.cohort.CohortLoader;
import org.fusioncds.sandbox.cohort.VisitFrame;
import org.fusioncds.testing.SecuredApp;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cached path on real servers (the sandbox HAPI FHIR JPA server and DICOMweb server, the real
 * application, signed hook calls over HTTP), with the hook's FHIR server and the PACS behind
 * recording taps: any change of an input or of the report gathers the case in full, and a new lab
 * is never answered from the old report, whichever way freshness is proved ({@link RecallIT}: the
 * change feed; {@link RecallBatchIT}: one FHIR batch per hook). The audit trail goes to the FHIR
 * server directly (not through the tap), so the taps see only what hooks cost.
 */
abstract class RecallChecks {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final FhirContext FHIR = FhirContext.forR4Cached();

  static SandboxServers servers;
  static RequestTap fhirTap;
  static RequestTap pacsTap;
  static SandboxEhr ehr;
  static FusionCdsApp app;
  static IGenericClient fhir;
  static String hooks;
  static String management;
  static List<String> patients;
  static int next;
  static Path work;
  static Map<String, String> extra;

  /** Starts the servers and the application with these settings on top of the sandbox's. */
  static void start(Map<String, String> extra) throws Exception {
    start(extra, false);
  }

  /**
   * As {@link #start(Map)}; {@code withoutHistory}: the FHIR server answers {@code _history} with
   * 405, as many EHR FHIR APIs do.
   */
  static void start(Map<String, String> extra, boolean withoutHistory) throws Exception {
    next = 0;
    RecallChecks.extra = Map.copyOf(extra);
    work = Files.createTempDirectory("recall");
    Path cohort = work.resolve("cohort");
    CohortGenerator.generate(28, 20261203L, cohort, VisitFrame.dayBefore(Instant.now()));
    servers = SandboxServers.start(cohort.resolve("dicom"));
    if (withoutHistory) {
      servers.fhir().refuseHistory();
    }
    fhir = FHIR.newRestfulGenericClient(servers.fhir().baseUrl());
    patients =
        CohortLoader.load(fhir, cohort).stream()
            .filter(p -> p.image() && p.labs())
            .map(CohortLoader.LoadedPatient::id)
            .toList();
    fhirTap = new RequestTap(servers.fhir().baseUrl());
    pacsTap = new RequestTap(servers.dicomWeb().baseUrl());
    ehr = SandboxEhr.start();
    int port = FreePorts.find();
    Map<String, String> settings = settings(port, work.resolve("service"));
    int managementPort = FreePorts.find();
    settings.put("camel.management.port", String.valueOf(managementPort));
    app = FusionCdsApp.start(settings);
    management = "http://127.0.0.1:" + managementPort;
    hooks = hooksUrl(port);
  }

  /** The settings of an instance on {@code port} keeping its files in {@code folder}. */
  static Map<String, String> settings(int port, Path folder) {
    Map<String, String> settings =
        SandboxSettings.forApp(
            port,
            ehr,
            folder,
            servers.fhir().baseUrl() + "," + fhirTap.baseUrl(),
            pacsTap.baseUrl());
    settings.put("dicomweb.base-url", pacsTap.baseUrl());
    settings.put("cds.time-budget-ms", "20000");
    // each check repeats a hook right after the first: the report written (and the result
    // remembered) before the first card, so that the repeat finds them; before-report would race
    settings.put("cds.card-timing", "after-report");
    settings.putAll(extra);
    return settings;
  }

  static String hooksUrl(int port) {
    return "http://127.0.0.1:" + port + "/cds-services/imaging-fusion";
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {app, fhirTap, pacsTap, servers, ehr}) {
      if (c != null) {
        c.close();
      }
    }
  }

  String patient;

  @BeforeEach
  void aPatientOfItsOwn() {
    patient = patients.get(next++);
  }

  /**
   * The first call of a case no report carries yet looks no result key up: the keys of the
   * patient's stored reports, read beside the labs, rule it out. An instance that never saw the
   * patient (nothing remembered, as after a restart or on another replica) finds the report in
   * those keys, reads it by its key and answers from it: the model is not run again and the report
   * keeps its one version.
   */
  @Test
  void aNewCaseLooksNoKeyUpAndAnInstanceThatNeverSawThePatientFindsItsReport() throws Exception {
    int before = fhirTap.seen().size();
    JsonNode first = hook(patient);
    List<String> firstCall = fhirRequestsSince(before);

    assertTrue(!cached(first), first.toString());
    assertTrue(
        firstCall.stream().anyMatch(r -> r.startsWith("GET /DiagnosticReport?subject=")),
        "the stored reports' keys read: " + firstCall);
    assertTrue(
        firstCall.stream().noneMatch(r -> r.startsWith("GET /DiagnosticReport?identifier=")),
        "no key looked up: " + firstCall);

    int port = FreePorts.find();
    Map<String, String> settings = settings(port, Files.createTempDirectory(work, "other"));
    settings.put("camel.management.port", "0");
    try (FusionCdsApp other = FusionCdsApp.start(settings)) {
      int beforeOther = fhirTap.seen().size();
      JsonNode found = hook(hooksUrl(port), patient, null);
      List<String> otherCall = fhirRequestsSince(beforeOther);

      assertTrue(cached(found), "answered from the stored report: " + found);
      assertEquals(reportUrl(first), reportUrl(found));
      assertTrue(
          otherCall.stream().anyMatch(r -> r.startsWith("GET /DiagnosticReport?identifier=")),
          "its key among the stored ones, looked up: " + otherCall);
      assertTrue(
          otherCall.stream().noneMatch(r -> r.startsWith("POST")), "nothing written: " + otherCall);
    }
    String id = reportUrl(first).replaceAll(".*/DiagnosticReport/([^/]+).*", "$1");
    DiagnosticReport report =
        fhir.read()
            .resource(DiagnosticReport.class)
            .withId(id)
            .cacheControl(new CacheControlDirective().setNoCache(true))
            .execute();
    assertEquals("1", report.getMeta().getVersionId(), "written once");
  }

  /**
   * A FHIR server that refuses the search of the stored reports' keys (400, as one that does not
   * serve a token search by system alone would) still gets its hooks answered: the case's key is
   * looked up instead, as before the keys were read (FCDS-3014 in the log).
   */
  @Test
  void aServerThatRefusesTheStoredKeysSearchGetsTheKeyLookedUpInstead() throws Exception {
    fhirTap.refuse("/DiagnosticReport?subject=", 400);
    try {
      int before = fhirTap.seen().size();
      JsonNode first = hook(patient);
      List<String> calls = fhirRequestsSince(before);

      assertTrue(!cached(first) && reportUrl(first) != null, first.toString());
      assertTrue(
          calls.stream().anyMatch(r -> r.startsWith("GET /DiagnosticReport?subject=")),
          "asked, refused: " + calls);
      assertTrue(
          calls.stream().anyMatch(r -> r.startsWith("GET /DiagnosticReport?identifier=")),
          "the key looked up instead: " + calls);
    } finally {
      fhirTap.refuse(null, 0);
    }
  }

  /**
   * A repeated hook with everything prefetched is recalled ({@code costs} checks what it cost the
   * FHIR server), a lab the EHR prefetches that the index has not seen gathers the case again, and
   * so does an amendment of the remembered report.
   */
  void everythingPrefetched(java.util.function.BiConsumer<JsonNode, List<RequestTap.Seen>> costs)
      throws Exception {
    JsonNode first = hook(patient, prefetch());
    assertTrue(!cached(first), first.toString());
    int fhirBefore = fhirTap.seen().size();

    JsonNode again = hook(patient, prefetch());

    assertTrue(cached(again), again.toString());
    costs.accept(first, fhirTap.seen().subList(fhirBefore, fhirTap.seen().size()));

    // a lab the EHR prefetches but the index has not seen: the case is gathered again
    Observation wbc = lab("6690-2", 19.5, "10*3/uL", studyStarted().plus(Duration.ofHours(1)));
    fhir.create().resource(wbc).execute();

    JsonNode afterLab = hook(patient, prefetch());

    assertTrue(!cached(afterLab), "the model ran again: " + afterLab);
    assertNotEquals(reportUrl(first), reportUrl(afterLab));
    assertTrue(cached(hook(patient, prefetch())), "the new report is remembered");

    // the remembered report amended: its read shows another version and the case is gathered
    String newId = reportUrl(afterLab).replaceAll(".*/DiagnosticReport/([^/]+).*", "$1");
    DiagnosticReport amended = fhir.read().resource(DiagnosticReport.class).withId(newId).execute();
    amended.setConclusion(amended.getConclusion() + " (addendum)");
    fhir.update().resource(amended).execute();
    int before = fhirTap.seen().size();
    hook(patient, prefetch());
    assertTrue(fhirTap.seen().size() - before > 1, "more than the report's read: gathered again");
  }

  /**
   * The EHR's prefetch is older than the server (a lab recorded after the EHR read it, and the feed
   * has seen it): the hook that sends that copy is computed from it, and a later hook without
   * prefetch is never answered from that result, only from the server's data.
   */
  @Test
  void anOlderPrefetchIsNeverTheAnswerToAHookWithoutIt() throws Exception {
    ObjectNode ehrCopy = prefetch();
    // a lab recorded after the EHR read its copy: a CRP 2 h after the image, the latest in the
    // window (the cohort's labs are at most 1 h after it)
    Observation crp =
        lab(
            "1988-5",
            Math.round(50 + 200 * Math.random()) / 10.0,
            "mg/dL",
            studyStarted().plus(Duration.ofHours(2)));
    fhir.create().resource(crp).execute();

    JsonNode fromServer = hook(patient); // the change is seen, the server's result remembered
    JsonNode fromCopy = hook(patient, ehrCopy); // computed from the EHR's copy, and remembered
    assertNotEquals(reportUrl(fromServer), reportUrl(fromCopy));

    JsonNode again = hook(patient);

    assertEquals(
        reportUrl(fromServer),
        reportUrl(again),
        "a hook without prefetch is answered from the server's data: " + again);
  }

  /** What an EHR sends for the service's prefetch templates, read from the FHIR server now. */
  ObjectNode prefetch() throws Exception {
    JsonNode discovery =
        JSON.readTree(
            HTTP.send(
                    SecuredApp.signed(ehr, hooks.substring(0, hooks.lastIndexOf('/'))).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    ObjectNode out = JSON.createObjectNode();
    discovery
        .path("services")
        .path(0)
        .path("prefetch")
        .fields()
        .forEachRemaining(
            t -> {
              String url = t.getValue().asText().replace("{{context.patientId}}", patient);
              var resource =
                  url.contains("?")
                      ? fhir.search()
                          .byUrl(url)
                          .returnBundle(Bundle.class)
                          .cacheControl(new CacheControlDirective().setNoCache(true))
                          .execute()
                      : fhir.read().resource(Patient.class).withId(patient).execute();
              try {
                out.set(
                    t.getKey(),
                    JSON.readTree(FHIR.newJsonParser().encodeResourceToString(resource)));
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    assertEquals(4, out.size(), "patient, studies, observations, conditions: " + out);
    return out;
  }

  @Test
  void aNewLabIsNeverAnsweredFromTheOldReport() throws Exception {
    JsonNode first = hook(patient);
    assertTrue(cached(hook(patient)), "recalled before the new lab");
    Observation crp = lab("1988-5", 210, "mg/L", studyStarted().plus(Duration.ofHours(3)));
    fhir.create().resource(crp).execute();
    int pacsBefore = pacsTap.seen().size();

    JsonNode afterLab = hook(patient);

    assertTrue(!cached(afterLab), "the model ran again: " + afterLab);
    assertNotEquals(reportUrl(first), reportUrl(afterLab));
    assertTrue(pacsTap.seen().size() > pacsBefore, "gathered in full, image included");
    JsonNode later = hook(patient);
    assertTrue(cached(later), later.toString());
    assertEquals(reportUrl(afterLab), reportUrl(later), "recalled: the new report");
  }

  /**
   * A temperature five days before the study, outside the lab window: the EHR's prefetch holds it
   * (its template asks for every lab), the service's search does not. Either way the case is the
   * same, so a hook with the prefetch after one without is recalled, and back: nothing gathered
   * again, no image fetched.
   */
  @Test
  void aLabOutsideTheWindowDoesNotTellAPrefetchedCaseFromASearchedOne() throws Exception {
    Observation old = lab("8310-5", 37.1, "Cel", studyStarted().minus(Duration.ofDays(5)));
    String oldId = fhir.create().resource(old).execute().getId().getIdPart();
    hook(patient);
    assertTrue(cached(hook(patient)), "the searched case, recalled");
    ObjectNode ehrCopy = prefetch();
    assertTrue(ehrCopy.toString().contains(oldId), "the EHR's copy holds the old temperature");
    int pacsBefore = pacsTap.seen().size();

    JsonNode withPrefetch = hook(patient, ehrCopy);
    JsonNode without = hook(patient);

    assertTrue(cached(withPrefetch) && cached(without), withPrefetch + "\n" + without);
    assertEquals(pacsBefore, pacsTap.seen().size(), "recalled both times: no image fetched");
  }

  /**
   * Two and a half months of temperatures before the study, outside the card's lab window: not the
   * model's inputs, so never read. The gather asks for the window (one page, where the history is
   * seven), the result stays the same and the repeat is recalled. ({@link RecallBatchIT} has a
   * history past the 20 pages a search may have.)
   */
  @Test
  void aLongHistoryOutsideTheLabWindowIsNotReadAndChangesNothing() throws Exception {
    longHistoryOutsideTheLabWindowIsNotRead(300);
  }

  /**
   * A chest radiograph every day for four months before this one (an ICU stay): older than the
   * card's 48 hours, never the model's study, so never read. The gather asks for the studies the
   * card's age allows (one page, where the history is three), the result stays the same and the
   * repeat is recalled.
   */
  @Test
  void aRadiographADayForFourMonthsBeforeIsNotReadAndChangesNothing() throws Exception {
    JsonNode first = hook(patient);
    assertTrue(!cached(first), first.toString());
    ImagingStudy latest = study();
    Bundle history = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (int day = 4; day < 124; day++) {
      ImagingStudy old = latest.copy();
      old.setIdElement(null);
      old.setMeta(null);
      old.getIdentifier().clear();
      old.addIdentifier()
          .setSystem("urn:dicom:uid")
          .setValue(
              "urn:oid:2.25." + new BigInteger(UUID.randomUUID().toString().replace("-", ""), 16));
      old.setStarted(Date.from(latest.getStarted().toInstant().minus(Duration.ofDays(day))));
      history
          .addEntry()
          .setResource(old)
          .getRequest()
          .setMethod(Bundle.HTTPVerb.POST)
          .setUrl("ImagingStudy");
    }
    historyIsNotReadAndChangesNothing(first, history, "ImagingStudy", "&started=ge");
  }

  /** {@code count} temperatures every 6 hours from 5 days before the study, then two hooks. */
  void longHistoryOutsideTheLabWindowIsNotRead(int count) throws Exception {
    JsonNode first = hook(patient);
    assertTrue(!cached(first), first.toString());
    Instant before = studyStarted().minus(Duration.ofDays(5));
    Bundle history = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (int i = 0; i < count; i++) {
      Observation t = lab("8310-5", 36.8, "Cel", before.minus(Duration.ofHours(6L * i)));
      history
          .addEntry()
          .setResource(t)
          .getRequest()
          .setMethod(Bundle.HTTPVerb.POST)
          .setUrl("Observation");
    }
    historyIsNotReadAndChangesNothing(first, history, "Observation", "&date=ge");
  }

  /**
   * Writes {@code history}, then the hook: the same result as {@code first}, every search of {@code
   * type} names its {@code window}, and the repeat is recalled.
   */
  void historyIsNotReadAndChangesNothing(JsonNode first, Bundle history, String type, String window)
      throws Exception {
    fhir.transaction().withBundle(history).execute();
    int fhirBefore = fhirTap.seen().size();

    JsonNode after = hook(patient);

    assertEquals(reportUrl(first), reportUrl(after), "the same inputs, the same result: " + after);
    List<String> asked = searches(fhirTap.seen().subList(fhirBefore, fhirTap.seen().size()), type);
    assertTrue(
        !asked.isEmpty() && asked.stream().allMatch(u -> u.contains(window)),
        "every " + type + " search names its window: " + asked);
    assertTrue(cached(hook(patient)), "the repeat is recalled");
  }

  @Test
  void aChangedPatientADeletedLabOrAnAmendedReportGathersTheCaseInFull() throws Exception {
    JsonNode first = hook(patient);
    assertTrue(cached(hook(patient)));

    Patient p = fhir.read().resource(Patient.class).withId(patient).execute();
    p.addTelecom().setSystem(org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem.PHONE);
    p.getTelecomFirstRep().setValue("555-0100");
    fhir.update().resource(p).execute();
    assertGatheredInFull();

    DiagnosticReport report =
        fhir.read().resource(DiagnosticReport.class).withUrl(reportUrl(hook(patient))).execute();
    report.setConclusion("read by a radiologist");
    fhir.update().resource(report).execute();
    assertGatheredInFull();

    // a white cell count of the lab window (72 h before the image to 6 h after): an input
    Bundle labs =
        fhir.search()
            .byUrl(
                "Observation?patient="
                    + patient
                    + "&code=http://loinc.org|6690-2&date=ge"
                    + studyStarted().minus(Duration.ofHours(72))
                    + "&date=le"
                    + studyStarted().plus(Duration.ofHours(6)))
            .returnBundle(Bundle.class)
            .execute();
    assertTrue(!labs.getEntry().isEmpty(), "the cohort gave this patient a white cell count");
    String lab = labs.getEntryFirstRep().getResource().getIdElement().getIdPart();
    fhir.delete().resourceById("Observation", lab).execute();
    assertGatheredInFull();
    assertTrue(cached(hook(patient)), "unchanged again: recalled");
    assertNotEquals(reportUrl(first), reportUrl(hook(patient)), "the patient's new version");
  }

  @Test
  void aReportMarkedEnteredInErrorIsNeverShownAgainNorWrittenAgain() throws Exception {
    JsonNode first = hook(patient);
    assertTrue(cached(hook(patient)), "recalled before the withdrawal");
    String id = reportUrl(first).replaceAll(".*/DiagnosticReport/([^/]+).*", "$1");
    DiagnosticReport report = fhir.read().resource(DiagnosticReport.class).withId(id).execute();
    report.setStatus(DiagnosticReport.DiagnosticReportStatus.ENTEREDINERROR);
    fhir.update().resource(report).execute();

    for (int call = 0; call < 2; call++) {
      JsonNode again = hook(patient);
      JsonNode card = again.path("cards").path(0);
      assertEquals(1, again.path("cards").size(), again.toString());
      assertEquals("info", card.path("indicator").asText(), again.toString());
      assertTrue(card.path("summary").asText().contains("withdrawn"), again.toString());
      assertTrue(!card.toString().contains("probability"), "no result shown: " + card);
      assertEquals(0, card.path("links").size(), "no link to the withdrawn result: " + card);
    }
    String key =
        report.getIdentifier().stream()
            .filter(i -> "urn:fusion-cds:result-key".equals(i.getSystem()))
            .findFirst()
            .orElseThrow()
            .getValue();
    Bundle same =
        fhir.search()
            .byUrl("DiagnosticReport?identifier=urn:fusion-cds:result-key|" + key)
            .returnBundle(Bundle.class)
            .cacheControl(new CacheControlDirective().setNoCache(true))
            .execute();
    assertEquals(1, same.getEntry().size(), "no second report for the same inputs");
  }

  @Test
  void aNewerStudyIsNeverAnsweredFromTheReportOfTheOlderOne() throws Exception {
    JsonNode first = hook(patient);
    assertTrue(cached(hook(patient)));
    anotherStudyStarted(Instant.now().minus(Duration.ofMinutes(5)));
    int pacsBefore = pacsTap.seen().size();

    JsonNode afterStudy = hook(patient);

    assertTrue(
        !cached(afterStudy) || !reportUrl(first).equals(reportUrl(afterStudy)),
        afterStudy.toString());
    assertTrue(pacsTap.seen().size() > pacsBefore, "gathered in full: the newer study asked for");
  }

  /**
   * A study the server already holds whose start is later than the time a case was gathered (a
   * modality clock ahead, a local time written as UTC; for a backfill job, any study after its own)
   * is left out of that case. Once its start has come it is the one the card chooses: the hook
   * gathers in full, though nothing changed on the server since the case was remembered.
   */
  @Test
  void aStudyThatStartsAfterTheCaseWasGatheredIsChosenOnceItsStartHasCome() throws Exception {
    JsonNode first = hook(patient);
    Instant starts = Instant.now().plusSeconds(12);
    anotherStudyStarted(starts);
    hook(patient); // the new study seen: the case gathered again, the later study not yet in it
    if (Instant.now().isBefore(starts.minusSeconds(3))) {
      assertTrue(cached(hook(patient)), "before its start the later study changes nothing");
    }
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), starts).toMillis() + 1500));
    int pacsBefore = pacsTap.seen().size();

    JsonNode afterStart = hook(patient);

    assertTrue(
        !cached(afterStart) || !reportUrl(first).equals(reportUrl(afterStart)),
        afterStart.toString());
    assertTrue(pacsTap.seen().size() > pacsBefore, "gathered in full: the later study asked for");
  }

  @Test
  void theManagementPortCountsRecallsAndSaysTheServiceIsReady() throws Exception {
    hook(patient);
    double before = recallHits(get(management + "/metrics"));
    hook(patient);

    HttpResponse<String> metrics = get(management + "/metrics");
    assertEquals(200, metrics.statusCode());
    assertEquals(before + 1, recallHits(metrics), "one more hook answered from the index");
    assertTrue(metrics.body().contains("fcds_audit_backlog"), "the audit backlog is a gauge");
    assertTrue(
        metrics.body().lines().anyMatch(l -> l.matches("fcds_report_pending(\\{.*\\})? 0\\.0")),
        "no report named and unwritten (after-report names none)");
    assertTrue(metrics.body().contains("routeId=\"cds-hook\""), "Camel's timers name the routes");
    String fhirServer = URI.create(fhirTap.baseUrl()).getAuthority();
    String pacs = URI.create(pacsTap.baseUrl()).getAuthority();
    assertTrue(
        counter(
                metrics,
                "fcds_outbound_answers_total",
                "server=\"" + fhirServer + "\"",
                "status=\"200\"",
                "target=\"fhir\"")
            >= 2,
        "the FHIR answers by server and status:\n" + metrics.body());
    assertTrue(
        counter(
                metrics,
                "fcds_outbound_answers_total",
                "server=\"" + pacs + "\"",
                "status=\"200\"",
                "target=\"dicomweb\"")
            >= 2,
        "the PACS answers (metadata, frame) by server and status");
    assertTrue(
        counter(metrics, "fcds_inference_samples_total", "graph=\"fused\"", "model=\"cap-fusion\"")
            >= 1,
        "the batcher's samples");
    assertTrue(
        counter(metrics, "fcds_inference_batches_total", "graph=\"fused\"", "model=\"cap-fusion\"")
            >= 1,
        "the batcher's runs");
    HttpResponse<String> ready = get(management + "/health/ready");
    assertEquals(200, ready.statusCode(), ready.body());
    JsonNode health = JSON.readTree(ready.body());
    assertEquals("UP", health.path("status").asText(), ready.body());
    List<String> up = new java.util.ArrayList<>();
    health
        .path("checks")
        .forEach(c -> up.add(c.path("name").asText() + "=" + c.path("status").asText()));
    for (String check : List.of("model", "audit-journal", "pacs", "audit-repository")) {
      assertTrue(up.contains(check + "=UP"), check + " in " + up + ": " + ready.body());
    }
    assertTrue(up.stream().anyMatch(c -> c.startsWith("jwks-")), "the EHR's key set: " + up);
    assertEquals(200, get(management + "/health/live").statusCode());
    // the CDS Hooks port serves no metrics: they stay on the management port
    String cds = hooks.substring(0, hooks.indexOf("/cds-services"));
    assertNotEquals(200, get(cds + "/metrics").statusCode());
  }

  static double recallHits(HttpResponse<String> metrics) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "(?m)^fcds_recall_total\\{[^}]*result=\"hit\"[^}]*\\} ([0-9.eE+]+)$")
            .matcher(metrics.body());
    assertTrue(m.find(), "fcds_recall_total{result=hit} in\n" + metrics.body());
    return Double.parseDouble(m.group(1));
  }

  static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(java.net.URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A UID derived from a UUID (PS3.5 B.2). */
  static String newUid() {
    return "2.25." + new BigInteger(UUID.randomUUID().toString().replace("-", ""), 16);
  }

  void assertGatheredInFull() throws Exception {
    int pacsBefore = pacsTap.seen().size();
    int fhirBefore = fhirTap.seen().size();
    hook(patient);
    assertTrue(pacsTap.seen().size() > pacsBefore, "the image was fetched again");
    assertTrue(fhirTap.seen().size() - fhirBefore > 1, "more than the batch");
  }

  /** A copy of the patient's latest study on the server, with new UIDs, started at {@code at}. */
  void anotherStudyStarted(Instant at) {
    ImagingStudy another = study().copy();
    another.setId((String) null);
    another.getMeta().setVersionId(null);
    another.setStarted(Date.from(at));
    another.getIdentifier().clear();
    another.addIdentifier().setSystem("urn:dicom:uid").setValue("urn:oid:" + newUid());
    another.getSeriesFirstRep().setUid(newUid());
    fhir.create().resource(another).execute();
  }

  /** The patient's latest study (the one the card chooses). */
  ImagingStudy study() {
    Bundle b =
        fhir.search()
            .byUrl("ImagingStudy?patient=" + patient + "&_sort=-started")
            .returnBundle(Bundle.class)
            .execute();
    return (ImagingStudy) b.getEntryFirstRep().getResource();
  }

  /** A final lab of this test's patient: a LOINC code, a UCUM quantity, its effective time. */
  Observation lab(String loinc, double value, String ucum, Instant effective) {
    Observation o = new Observation();
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.getCode().addCoding().setSystem("http://loinc.org").setCode(loinc);
    o.setSubject(new Reference("Patient/" + patient));
    o.setEffective(new org.hl7.fhir.r4.model.DateTimeType(Date.from(effective)));
    o.setValue(
        new Quantity()
            .setValue(value)
            .setUnit(ucum)
            .setSystem("http://unitsofmeasure.org")
            .setCode(ucum));
    return o;
  }

  /** The searches of {@code type} among the requests, alone or in a batch (the feed's too). */
  static List<String> searches(List<RequestTap.Seen> seen, String type) {
    List<String> out = new java.util.ArrayList<>();
    for (RequestTap.Seen c : seen) {
      if ("GET".equals(c.method())) {
        String p = c.pathAndQuery();
        String path = p.contains("?") ? p.substring(0, p.indexOf('?')) : p;
        out.add(p.substring(path.lastIndexOf('/') + 1));
      } else if (c.body() != null && c.body().contains("\"batch\"")) {
        FHIR.newJsonParser()
            .parseResource(Bundle.class, c.body())
            .getEntry()
            .forEach(e -> out.add(e.getRequest().getUrl()));
      }
    }
    return out.stream().filter(u -> u.startsWith(type + "?")).toList();
  }

  Instant studyStarted() {
    return study().getStarted().toInstant();
  }

  static boolean cached(JsonNode answer) {
    return answer
        .path("cards")
        .path(0)
        .path("detail")
        .asText()
        .contains("the model was not run again");
  }

  static String reportUrl(JsonNode answer) {
    return answer.path("cards").path(0).path("links").path(0).path("url").asText(null);
  }

  /**
   * The value of the Prometheus samples of {@code name} whose labels include all of {@code labels},
   * summed (a meter without tags: its one sample).
   */
  static double counter(HttpResponse<String> metrics, String name, String... labels) {
    return metrics
        .body()
        .lines()
        .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
        .filter(l -> java.util.Arrays.stream(labels).allMatch(l::contains))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  static JsonNode hook(String patient) throws Exception {
    return hook(patient, null);
  }

  static JsonNode hook(String patient, ObjectNode prefetch) throws Exception {
    return hook(hooks, patient, prefetch);
  }

  static JsonNode hook(String url, String patient, ObjectNode prefetch) throws Exception {
    return SecuredApp.patientView(ehr, url, fhirTap.baseUrl(), patient, prefetch);
  }

  /** The FHIR requests of the hooks since {@code from} (the tap's count before them). */
  static List<String> fhirRequestsSince(int from) {
    List<RequestTap.Seen> seen = fhirTap.seen();
    return seen.subList(from, seen.size()).stream()
        .map(s -> s.method() + " " + s.pathAndQuery())
        .toList();
  }
}
