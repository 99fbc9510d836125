package org.fusioncds.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.fusioncds.flow.InputVersions;
import org.fusioncds.flow.ResultKey;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/**
 * How the change feed's polls keep the index true ({@link RecentResults#apply}, {@link
 * RecentResults#putIfFresh}) and how a history entry becomes a change ({@link ChangeFeed#change}).
 */
class ChangeMarksTest {

  private static final String BASE = "http://fhir.example/fhir";

  /** The result of patient p1, gathered from the patient, one lab and one study, report r v1. */
  private static RecentResults.Entry entry() {
    return new RecentResults.Entry(
        new InputVersions(
            List.of(
                "Patient/p1/_history/1",
                "Observation/lab1/_history/1",
                "ImagingStudy/s1/_history/1")),
        List.of(),
        java.time.Instant.EPOCH,
        "ImagingStudy/s1/_history/1",
        new ResultKey("k1"),
        BASE + "/DiagnosticReport/r",
        "r",
        "1",
        null,
        java.util.Set.of());
  }

  private static ChangeFeed.Change change(String type, String id, String v, String patient) {
    return new ChangeFeed.Change(type, id, v, patient, List.of(), false);
  }

  private static ChangeFeed.Changes poll(long seq, ChangeFeed.Change... changes) {
    return new ChangeFeed.Changes(seq, List.of(changes), false);
  }

  private static RecentResults remembered() {
    RecentResults recent = new RecentResults(10, Duration.ofHours(1));
    assertTrue(recent.putIfFresh(BASE, "p1", entry(), 0));
    return recent;
  }

  @Test
  void aNewInputOfThePatientForgetsTheResultAndAnotherPatientsDoesNot() {
    RecentResults recent = remembered();
    recent.apply(BASE, poll(1, change("Observation", "lab9", "1", "p2")), c -> true);
    assertTrue(recent.get(BASE, "p1").isPresent(), "another patient's lab");
    recent.apply(BASE, poll(2, change("Observation", "lab2", "1", "p1")), c -> true);
    assertTrue(recent.get(BASE, "p1").isEmpty(), "a new lab of the patient");
  }

  @Test
  void aChangeTheGatherDoesNotReadKeepsTheResult() {
    RecentResults recent = remembered();
    // the module's own AI Observation of the patient: not one of the card's codes
    recent.apply(BASE, poll(1, change("Observation", "ai1", "1", "p1")), c -> false);
    assertTrue(recent.get(BASE, "p1").isPresent());
  }

  @Test
  void theVersionRememberedIsNoChangeAndAnotherVersionOrADeletionIs() {
    RecentResults recent = remembered();
    recent.apply(BASE, poll(1, change("Observation", "lab1", "1", "p1")), c -> true);
    recent.apply(BASE, poll(2, change("DiagnosticReport", "r", "1", "p1")), c -> false);
    assertTrue(recent.get(BASE, "p1").isPresent(), "the versions it was computed from");
    recent.apply(
        BASE,
        poll(3, new ChangeFeed.Change("Observation", "lab1", "2", null, List.of(), true)),
        c -> true);
    assertTrue(recent.get(BASE, "p1").isEmpty(), "a deleted lab, though it names no patient");

    RecentResults amended = remembered();
    amended.apply(BASE, poll(1, change("DiagnosticReport", "r", "2", "p1")), c -> false);
    assertTrue(amended.get(BASE, "p1").isEmpty(), "the report amended");
  }

  @Test
  void aLabMovedToAnotherPatientForgetsTheResultThatReadIt() {
    RecentResults recent = remembered();
    recent.apply(BASE, poll(1, change("Observation", "lab1", "2", "p2")), c -> true);
    assertTrue(recent.get(BASE, "p1").isEmpty());
  }

  /**
   * The lab moved to p2 before any poll saw it, and p2's case, gathered with the lab in its new
   * version, was remembered first: the poll that sees the move must still forget p1's result, which
   * read the lab as p1's.
   */
  @Test
  void aLabMovedToAPatientRememberedBeforeAnyPollSawTheMoveStillForgetsTheFirstPatientsResult() {
    RecentResults recent = remembered();
    assertTrue(recent.putIfFresh(BASE, "p2", entryOf("p2", "Observation/lab1/_history/2"), 0));

    recent.apply(BASE, poll(1, change("Observation", "lab1", "2", "p2")), c -> true);

    assertTrue(recent.get(BASE, "p1").isEmpty(), "p1's result read the lab as p1's");
    assertTrue(recent.get(BASE, "p2").isPresent(), "p2's read the lab as it is now");
    recent.apply(BASE, poll(2, change("Observation", "lab1", "3", "p2")), c -> true);
    assertTrue(recent.get(BASE, "p2").isEmpty(), "a later change still reaches p2's");
  }

  /**
   * A result forgotten and remembered again holds the same resources: the links of the old one,
   * removed once the new one is in place, must not take the new one's with them.
   */
  @Test
  void aResultRememberedAgainAfterItWasForgottenIsStillReachedByAChangeOfItsResources() {
    RecentResults recent = remembered();
    recent.forget(BASE, "p1"); // its links go at the next step, after the new entry is linked
    assertTrue(recent.putIfFresh(BASE, "p1", entry(), 0));

    recent.apply(BASE, poll(1, change("DiagnosticReport", "r", "2", null)), c -> false);

    assertTrue(recent.get(BASE, "p1").isEmpty(), "the amended report reaches the result");
  }

  /** A result of {@code patient} gathered from one resource version, its report r2. */
  private static RecentResults.Entry entryOf(String patient, String versioned) {
    return new RecentResults.Entry(
        new InputVersions(List.of("Patient/" + patient + "/_history/1", versioned)),
        List.of(),
        java.time.Instant.EPOCH,
        "ImagingStudy/s2/_history/1",
        new ResultKey("k-" + patient),
        BASE + "/DiagnosticReport/r-" + patient,
        "r-" + patient,
        "1",
        null,
        java.util.Set.of());
  }

  @Test
  void aChangeSeenWhileTheCaseWasGatheredKeepsItsResultOut() {
    RecentResults recent = new RecentResults(10, Duration.ofHours(1));
    // the gather started after poll 4; poll 5 saw a new lab it may have missed
    recent.apply(BASE, poll(5, change("Observation", "lab2", "1", "p1")), c -> true);
    assertFalse(recent.putIfFresh(BASE, "p1", entry(), 4), "gathered before the new lab");
    assertTrue(recent.putIfFresh(BASE, "p1", entry(), 5), "gathered after the poll that saw it");
  }

  @Test
  void aChangeTheGatherDidSeeDoesNotKeepItsResultOut() {
    RecentResults recent = new RecentResults(10, Duration.ofHours(1));
    recent.apply(BASE, poll(5, change("Observation", "lab1", "1", "p1")), c -> true);
    assertTrue(recent.putIfFresh(BASE, "p1", entry(), 4), "the gather read lab1 v1");
    recent.apply(BASE, poll(6, change("DiagnosticReport", "r", "2", "p1")), c -> false);
    assertFalse(recent.putIfFresh(BASE, "p1", entry(), 5), "its report amended meanwhile");
  }

  @Test
  void anOverflowLeavesEveryResultOfThatServerUnprovenAndKeepsOlderGathersOut() {
    RecentResults recent = remembered();
    recent.putIfFresh("http://other/fhir", "p1", entry(), 0);
    assertTrue(recent.provenByFeed(BASE, "p1").isPresent(), "proved by the gather");

    recent.apply(BASE, new ChangeFeed.Changes(3, List.of(), true), c -> true);

    assertTrue(recent.provenByFeed(BASE, "p1").isEmpty(), "the feed cannot vouch for it");
    assertTrue(recent.get(BASE, "p1").isPresent(), "kept for a hook's own batch to prove");
    assertTrue(recent.provenByFeed("http://other/fhir", "p1").isPresent(), "another server's");
    assertFalse(recent.putIfFresh(BASE, "p1", entry(), 2), "gathered before the overflow");
    assertTrue(recent.putIfFresh(BASE, "p1", entry(), 3));
    assertTrue(recent.provenByFeed(BASE, "p1").isPresent(), "gathered after it");
  }

  @Test
  void aBatchBegunAfterTheOverflowProvesTheResultForTheFeedAgainUntilTheNextOverflow() {
    RecentResults recent = remembered();
    RecentResults.Entry entry = recent.get(BASE, "p1").orElseThrow();
    recent.apply(BASE, new ChangeFeed.Changes(3, List.of(), true), c -> true);

    recent.proved(BASE, "p1", entry, 2);
    assertTrue(recent.provenByFeed(BASE, "p1").isEmpty(), "a batch begun before poll 3 ended");
    recent.proved(BASE, "p1", entry, 3);
    assertTrue(recent.provenByFeed(BASE, "p1").isPresent(), "begun after it");
    recent.proved(BASE, "p1", entry, 2);
    assertTrue(recent.provenByFeed(BASE, "p1").isPresent(), "an older proof changes nothing");

    recent.apply(BASE, new ChangeFeed.Changes(4, List.of(), true), c -> true);
    assertTrue(recent.provenByFeed(BASE, "p1").isEmpty(), "the next overflow");
  }

  @Test
  void aProofOfAResultAPollForgotOrReplacedMeanwhileChangesNothing() {
    RecentResults recent = remembered();
    RecentResults.Entry entry = recent.get(BASE, "p1").orElseThrow();
    recent.apply(BASE, new ChangeFeed.Changes(3, List.of(), true), c -> true);
    // the batch began after poll 3; poll 4 saw a new lab of the patient before it ended
    recent.apply(BASE, poll(4, change("Observation", "lab2", "1", "p1")), c -> true);

    recent.proved(BASE, "p1", entry, 3);

    assertTrue(recent.get(BASE, "p1").isEmpty(), "not brought back");
    assertTrue(recent.putIfFresh(BASE, "p1", entry(), 4), "a new gather after poll 4");
    recent.apply(BASE, new ChangeFeed.Changes(5, List.of(), true), c -> true);
    recent.proved(BASE, "p1", entry, 5);
    assertTrue(recent.provenByFeed(BASE, "p1").isEmpty(), "the old entry proves the new nothing");
  }

  /**
   * The server's time is held against the time its batch was under way, not against the end of the
   * poll: a poll that then read page after page for seconds (the first after a quiet night) is not
   * a clock 5 s off, which would turn the feed off for good (FCDS-3012).
   */
  /**
   * Marks are bounded: a poll that would mark more resources than the index keeps drops the
   * server's marks at once, and every result gathered before that poll is kept out, as marks too
   * old to keep do; results already remembered stay, and a change still reaches them.
   */
  @Test
  void pastTheMarkBoundAServersMarksGoAndOlderGathersAreKeptOut() {
    RecentResults recent = new RecentResults(10, Duration.ofHours(1), 8);
    assertTrue(recent.putIfFresh(BASE, "p1", entry(), 0));
    recent.apply(
        BASE,
        poll(
            1,
            change("Observation", "a", "1", "q1"),
            change("Observation", "b", "1", "q2"),
            change("Observation", "c", "1", "q3")),
        c -> true);
    assertEquals(6, recent.marked());

    recent.apply(
        BASE,
        poll(2, change("Observation", "d", "1", "q4"), change("Observation", "e", "1", "q5")),
        c -> true);

    assertEquals(4, recent.marked(), "the marks of poll 1 dropped, poll 2's kept");
    assertFalse(recent.putIfFresh(BASE, "q1", entryOf("q1", "Observation/a/_history/1"), 1));
    assertTrue(recent.putIfFresh(BASE, "q5", entryOf("q5", "Observation/e/_history/1"), 2));
    assertTrue(recent.get(BASE, "p1").isPresent());
    recent.apply(BASE, poll(3, change("Observation", "lab1", "2", "p1")), c -> true);
    assertTrue(recent.get(BASE, "p1").isEmpty());
  }

  @Test
  void theClockSkewIsTheServersTimeOutsideTheBatchNotTheTimeThePollTook() {
    java.time.Instant asked = java.time.Instant.parse("2026-12-06T04:00:00Z");
    java.time.Instant answered = asked.plusMillis(40);
    assertEquals(Duration.ZERO, ChangeFeed.clockSkew(asked, answered, asked.plusMillis(20)));
    assertEquals(
        Duration.ofSeconds(6), ChangeFeed.clockSkew(asked, answered, asked.minusSeconds(6)));
    assertEquals(
        Duration.ofSeconds(6), ChangeFeed.clockSkew(asked, answered, answered.plusSeconds(6)));
  }

  @Test
  void aHistoryEntryNamesTheVersionThePatientAndTheCodes() {
    Observation o = new Observation();
    o.setId("Observation/lab1/_history/3");
    o.setSubject(new Reference("http://fhir.example/fhir/Patient/p1"));
    o.getCode().addCoding().setSystem("http://loinc.org").setCode("6690-2");
    Bundle.BundleEntryComponent e = new Bundle.BundleEntryComponent().setResource(o);
    ChangeFeed.Change c = ChangeFeed.change(e);
    assertEquals("Observation/lab1/_history/3", c.versioned());
    assertEquals("p1", c.patientId());
    assertEquals(List.of("http://loinc.org|6690-2"), c.codes());
    assertFalse(c.deleted());

    Patient p = new Patient();
    p.setId("p7");
    p.getMeta().setVersionId("2");
    assertEquals(
        "p7", ChangeFeed.change(new Bundle.BundleEntryComponent().setResource(p)).patientId());
  }

  @Test
  void aDeletionIsNamedByItsRequestAndEtag() {
    Bundle.BundleEntryComponent e = new Bundle.BundleEntryComponent();
    e.getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl("Observation/lab1/_history/4");
    ChangeFeed.Change c = ChangeFeed.change(e);
    assertEquals("Observation/lab1/_history/4", c.versioned());
    assertTrue(c.deleted());
    assertNull(c.patientId());

    Bundle.BundleEntryComponent byEtag = new Bundle.BundleEntryComponent();
    byEtag.getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl("Condition/c1");
    byEtag.getResponse().setEtag("W/\"5\"");
    assertEquals("Condition/c1/_history/5", ChangeFeed.change(byEtag).versioned());

    assertNull(
        ChangeFeed.change(
            new Bundle.BundleEntryComponent()
                .setRequest(
                    new Bundle.BundleEntryRequestComponent()
                        .setMethod(Bundle.HTTPVerb.DELETE)
                        .setUrl("Condition"))),
        "no id: nothing to name");
  }
}
