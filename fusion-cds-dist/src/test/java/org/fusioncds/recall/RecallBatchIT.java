package org.fusioncds.recall;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.rest.api.CacheControlDirective;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.fusioncds.sandbox.RequestTap;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cached path against a FHIR server that serves no {@code _history} (as many EHR FHIR APIs):
 * the first poll of the change feed is refused, the feed turns itself off (FCDS-3011, counted on
 * {@code /metrics}) and every repeated hook is proved by its own FHIR batch, as with {@code
 * cds.recall.feed.enabled=false}: one batch of its patient's versions and nothing on the PACS; with
 * everything prefetched, one read of the report.
 */
class RecallBatchIT extends RecallChecks {

  @BeforeAll
  static void start() throws Exception {
    start(Map.of(), true);
    String first = patients.get(next++);
    hook(first);
    assertTrue(cached(hook(first)), "the repeat recalled, by its own batch");
    String metrics = get(management + "/metrics").body();
    assertTrue(
        metrics.lines().anyMatch(l -> l.matches("fcds_recall_feed_off(\\{.*\\})? 1\\.0")),
        "the feed turned off:\n" + metrics);
  }

  /**
   * A chronic patient: 1,050 temperatures before the window, 22 pages of 50 on HAPI FHIR JPA with
   * the cohort's, past the 20 pages a search may have (FCDS-3013, a 502 and no card, when the
   * gather read the whole history). Not read: the card comes, the same. (Not in {@link RecallIT}:
   * 1,050 changes are more than the 20 pages of 50 its feed reads in a poll, an overflow on each
   * poll for the overlap, and the other tests' repeats would cost a batch each meanwhile; {@link
   * RecallIT} has its own bulk load.)
   */
  @Test
  void aChronicPatientsThousandTemperaturesBeforeTheWindowAreNotRead() throws Exception {
    longHistoryOutsideTheLabWindowIsNotRead(1050);
  }

  @Test
  void aRepeatedHookWithUnchangedInputsCostsOneFhirBatchAndNothingOnThePacs() throws Exception {
    JsonNode first = hook(patient);
    assertTrue(!cached(first), "the first call runs the model: " + first);
    int fhirBefore = fhirTap.seen().size();
    int pacsBefore = pacsTap.seen().size();

    JsonNode again = hook(patient);

    assertTrue(cached(again), again.toString());
    assertEquals(reportUrl(first), reportUrl(again));
    List<RequestTap.Seen> fhirCalls = fhirTap.seen().subList(fhirBefore, fhirTap.seen().size());
    assertEquals(1, fhirCalls.size(), fhirCalls.toString());
    RequestTap.Seen batch = fhirCalls.get(0);
    assertEquals("POST", batch.method());
    Bundle sent = FHIR.newJsonParser().parseResource(Bundle.class, batch.body());
    assertEquals(Bundle.BundleType.BATCH, sent.getType());
    assertTrue(
        sent.getEntry().stream().allMatch(e -> e.getRequest().getMethod() == Bundle.HTTPVerb.GET),
        batch.body());
    assertEquals(0, pacsTap.seen().size() - pacsBefore, "no image, no metadata");
    // the batch is audited as one BALP Query event naming each read
    AuditEvent audited =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    (AuditEvent)
                        fhir.search()
                            .byUrl("AuditEvent?subtype=batch&entity=Patient/" + patient)
                            .returnBundle(Bundle.class)
                            .cacheControl(new CacheControlDirective().setNoCache(true))
                            .execute()
                            .getEntryFirstRep()
                            .getResource(),
                java.util.Objects::nonNull);
    assertEquals(AuditEvent.AuditEventAction.E, audited.getAction());
    long queries = audited.getEntity().stream().filter(e -> e.hasQuery()).count();
    assertEquals(
        sent.getEntry().size() - 2, queries, "every search of the batch, the two reads apart");
    assertTrue(
        sent.getEntry().stream()
            .anyMatch(e -> e.getRequest().getUrl().startsWith("DiagnosticReport/")),
        "the report is read by its id: " + batch.body());
  }

  @Test
  void withEverythingPrefetchedARepeatedHookReadsOnlyTheReportAndANewLabStillCounts()
      throws Exception {
    everythingPrefetched(
        (first, fhirCalls) -> {
          assertEquals(1, fhirCalls.size(), fhirCalls.toString());
          String reportId = reportUrl(first).replaceAll(".*/DiagnosticReport/([^/]+).*", "$1");
          assertEquals("GET", fhirCalls.get(0).method(), "a plain read, no batch");
          assertTrue(
              fhirCalls.get(0).pathAndQuery().contains("/DiagnosticReport/" + reportId + "?"),
              fhirCalls.get(0).pathAndQuery());
        });
  }
}
