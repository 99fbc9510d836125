package org.fusioncds.recall;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.rest.api.CacheControlDirective;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.fusioncds.app.FusionCdsApp;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.sandbox.RequestTap;
import org.fusioncds.sandbox.SandboxSettings;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cached path with the FHIR server's change feed (the default): a repeated hook waits for one
 * poll of what changed on the server, started after it came and shared with every hook waiting
 * then; nothing of the hook's own patient is asked, nothing on the PACS. Here a hook waits up to 10
 * s for its poll rather than the default 1 s, so that a poll slowed by whatever else shares a CI
 * machine's two cores is still waited for; {@link
 * #aHookWhosePollIsLateProvesItsResultByItsOwnBatchAndIsCounted} takes the late path on purpose.
 */
class RecallIT extends RecallChecks {

  @BeforeAll
  static void start() throws Exception {
    start(Map.of("cds.recall.feed.wait-ms", "10000"));
  }

  /**
   * A poll that does not end within the hook's wait (1 ms here: no poll of a real server is that
   * quick) sends the hook to its own batch: still answered from the index, with one FHIR batch of
   * its own patient, nothing on the PACS, and counted as late for the operator.
   */
  @Test
  void aHookWhosePollIsLateProvesItsResultByItsOwnBatchAndIsCounted() throws Exception {
    int port = FreePorts.find();
    int managementPort = FreePorts.find();
    Map<String, String> settings = settings(port, Files.createTempDirectory(work, "late"));
    settings.put("camel.management.port", String.valueOf(managementPort));
    settings.put("cds.recall.feed.wait-ms", "1");
    settings.put("cds.recall.feed.gather-ms", "0");
    try (FusionCdsApp late = FusionCdsApp.start(settings)) {
      String url = hooksUrl(port);
      String metrics = "http://127.0.0.1:" + managementPort + "/metrics";
      hook(url, patient, null);
      assertEquals(0, counter(get(metrics), "fcds_recall_feed_late_total"), "nothing remembered");
      int fhirBefore = fhirTap.seen().size();
      int pacsBefore = pacsTap.seen().size();

      JsonNode again = hook(url, patient, null);

      assertTrue(cached(again), again.toString());
      List<RequestTap.Seen> seen = fhirTap.seen(); // one copy: the late poll may still be seen
      List<RequestTap.Seen> own =
          seen.subList(fhirBefore, seen.size()).stream().filter(c -> !isPoll(c)).toList();
      assertEquals(1, own.size(), "one batch of the hook's own: " + own);
      assertTrue(own.get(0).body().contains("Patient/" + patient), own.get(0).body());
      assertEquals(pacsBefore, pacsTap.seen().size(), "no image, no metadata");
      assertTrue(
          counter(get(metrics), "fcds_recall_feed_late_total") >= 1,
          "the late poll counted: " + get(metrics).body());
    }
  }

  @Test
  void aGatherNotBelowTheHooksWaitStopsTheServiceAtStartWithItsCode(@TempDir Path work) {
    Map<String, String> settings =
        SandboxSettings.forApp(
            FreePorts.find(), ehr, work, servers.fhir().baseUrl(), servers.dicomWeb().baseUrl());
    settings.put("camel.management.port", String.valueOf(FreePorts.find()));
    settings.put("cds.recall.feed.wait-ms", "1000");
    settings.put("cds.recall.feed.gather-ms", "1000");

    FcdsException e = assertThrows(FcdsException.class, () -> FusionCdsApp.start(settings));

    assertEquals(ErrorCode.RECALL_FEED_SETTINGS, e.errorCode(), e.getMessage());
    assertTrue(e.getMessage().contains("1000 and 1000"), e.getMessage());
  }

  @Test
  void aRepeatedHookCostsOnePollOfTheServersChangesAndNothingOnThePacs() throws Exception {
    JsonNode first = hook(patient);
    assertTrue(!cached(first), "the first call runs the model: " + first);
    int fhirBefore = fhirTap.seen().size();
    int pacsBefore = pacsTap.seen().size();

    JsonNode again = hook(patient);

    assertTrue(cached(again), again.toString());
    assertEquals(reportUrl(first), reportUrl(again));
    List<RequestTap.Seen> fhirCalls = fhirTap.seen().subList(fhirBefore, fhirTap.seen().size());
    assertEquals(1, fhirCalls.size(), fhirCalls.toString());
    Bundle sent = poll(fhirCalls.get(0));
    assertTrue(!fhirCalls.get(0).body().contains(patient), "no read of the patient's own data");
    assertEquals(0, pacsTap.seen().size() - pacsBefore, "no image, no metadata");
    // the poll is audited as one BALP Query event of the module, naming each history read
    String firstUrl = sent.getEntryFirstRep().getRequest().getUrl();
    AuditEvent audited =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    fhir
                        .search()
                        .byUrl("AuditEvent?subtype=batch&_sort=-date&_count=50")
                        .returnBundle(Bundle.class)
                        .cacheControl(new CacheControlDirective().setNoCache(true))
                        .execute()
                        .getEntry()
                        .stream()
                        .map(e -> (AuditEvent) e.getResource())
                        .filter(
                            e ->
                                e.getEntity().stream()
                                    .anyMatch(
                                        x ->
                                            x.hasQuery()
                                                && new String(x.getQuery()).equals(firstUrl)))
                        .findFirst()
                        .orElse(null),
                java.util.Objects::nonNull);
    assertEquals(AuditEvent.AuditEventAction.E, audited.getAction());
    assertEquals(
        ChangeFeed.TYPES.size(),
        audited.getEntity().stream().filter(e -> e.hasQuery()).count(),
        "one query per type");
    assertTrue(
        audited.getEntity().stream()
            .noneMatch(
                e ->
                    e.getWhat().getReference() != null
                        && e.getWhat().getReference().startsWith("Patient/")),
        "the poll names no patient");
    HttpResponse<String> metrics = get(management + "/metrics");
    assertTrue(
        metrics
            .body()
            .lines()
            .anyMatch(l -> l.matches("fcds_recall_feed_polls_total(\\{.*\\})? [1-9].*")),
        "the polls counted:\n" + metrics.body());
    assertTrue(
        metrics.body().lines().anyMatch(l -> l.matches("fcds_recall_feed_off(\\{.*\\})? 0\\.0")),
        "no feed off");
  }

  @Test
  void concurrentRepeatedHooksSharePolls() throws Exception {
    assertTrue(!cached(hook(patient)), "the first call runs the model");
    int calls = 12;
    int fhirBefore = fhirTap.seen().size();
    ExecutorService callers = Executors.newFixedThreadPool(calls);
    try {
      List<Future<JsonNode>> answers = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        answers.add(callers.submit(() -> hook(patient)));
      }
      for (Future<JsonNode> a : answers) {
        assertTrue(cached(a.get()), a.get().toString());
      }
    } finally {
      callers.shutdownNow();
    }
    List<RequestTap.Seen> fhirCalls = fhirTap.seen().subList(fhirBefore, fhirTap.seen().size());
    double late = metric("fcds_recall_feed_late_total");
    fhirCalls.forEach(c -> assertTrue(isPoll(c), "late polls: " + late + ", not a poll: " + c));
    fhirCalls.forEach(RecallIT::poll);
    assertTrue(
        fhirCalls.size() <= calls / 2,
        calls + " concurrent hooks shared " + fhirCalls.size() + " polls");
  }

  @Test
  void withEverythingPrefetchedARepeatedHookCostsOnlyThePollAndANewLabStillCounts()
      throws Exception {
    everythingPrefetched(
        (first, fhirCalls) -> {
          assertEquals(1, fhirCalls.size(), fhirCalls.toString());
          poll(fhirCalls.get(0));
        });
  }

  /**
   * A bulk load: 1,050 temperatures of a third patient in one transaction, more changes than the 20
   * pages of 50 a poll reads (an overflow). A remembered patient whose inputs did not change is
   * answered from the index after one FHIR batch of its own (no image, no gather), not forgotten;
   * one with a new CRP written just before the load (the oldest change, on a page no poll read) is
   * gathered in full and gets a new report; once the load is behind the feed, a repeat costs the
   * poll alone again.
   */
  @Test
  void aBulkLoadPastWhatAPollReadsIsProvedByEachHooksBatchAndANewLabInItStillCounts()
      throws Exception {
    String unchanged = patients.get(next++);
    String loaded = patients.get(next++);
    JsonNode first = hook(patient);
    hook(unchanged);
    assertTrue(cached(hook(patient)) && cached(hook(unchanged)), "both recalled before the load");
    double overflows = metric("fcds_recall_feed_overflows_total");
    fhir.create()
        .resource(lab("1988-5", 210, "mg/L", studyStarted().plus(Duration.ofHours(3))))
        .execute();
    Bundle load = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    Instant from = Instant.now().minus(Duration.ofDays(30));
    for (int i = 0; i < 1050; i++) {
      Observation t = lab("8310-5", 36.8, "Cel", from.plus(Duration.ofMinutes(30L * i)));
      t.setSubject(new Reference("Patient/" + loaded));
      load.addEntry()
          .setResource(t)
          .getRequest()
          .setMethod(Bundle.HTTPVerb.POST)
          .setUrl("Observation");
    }
    fhir.transaction().withBundle(load).execute();
    int fhirBefore = fhirTap.seen().size();
    int pacsBefore = pacsTap.seen().size();

    JsonNode proved = hook(unchanged);

    assertTrue(cached(proved), "proved, not forgotten: " + proved);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> metric("fcds_recall_feed_overflows_total") > overflows);
    List<RequestTap.Seen> calls = fhirTap.seen().subList(fhirBefore, fhirTap.seen().size());
    List<RequestTap.Seen> own = calls.stream().filter(c -> !isPoll(c)).toList();
    assertEquals(1, own.size(), "one batch of the hook's own besides the polls: " + calls);
    assertTrue(own.get(0).body().contains("Patient/" + unchanged), own.get(0).body());
    assertEquals(pacsBefore, pacsTap.seen().size(), "no image, no metadata");

    JsonNode afterLab = hook(patient);

    assertTrue(!cached(afterLab), "the model ran again: " + afterLab);
    assertNotEquals(reportUrl(first), reportUrl(afterLab));
    assertTrue(pacsTap.seen().size() > pacsBefore, "gathered in full, image included");
    // the load behind the feed: the batch's proof holds, a repeat costs one poll
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              int before = fhirTap.seen().size();
              return cached(hook(unchanged))
                  && fhirTap.seen().subList(before, fhirTap.seen().size()).stream()
                      .allMatch(RecallIT::isPoll);
            });
  }

  private static boolean isPoll(RequestTap.Seen call) {
    return call.body() != null && call.body().contains("/_history?_since=")
        || call.pathAndQuery().contains("_getpages="); // a next page of a history
  }

  private static double metric(String name) throws Exception {
    return counter(get(management + "/metrics"), name);
  }

  /** The request is a poll: a batch of GETs of each type's history since a time. */
  private static Bundle poll(RequestTap.Seen call) {
    assertEquals("POST", call.method(), call.toString());
    Bundle sent = FHIR.newJsonParser().parseResource(Bundle.class, call.body());
    assertEquals(Bundle.BundleType.BATCH, sent.getType());
    assertEquals(ChangeFeed.TYPES.size(), sent.getEntry().size(), call.body());
    for (Bundle.BundleEntryComponent e : sent.getEntry()) {
      assertEquals(Bundle.HTTPVerb.GET, e.getRequest().getMethod());
      assertTrue(e.getRequest().getUrl().matches("[A-Za-z]+/_history\\?_since=.*"), call.body());
    }
    return sent;
  }
}
