package org.fusioncds.recall;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.fhir.FhirGateway;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.sandbox.SandboxFhirServer;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How a poll of the change feed gathers its hooks (cds.recall.feed.gather-ms), against a real HAPI
 * FHIR JPA server: a lone caller's poll starts at once, a poll starts as soon as every call in
 * flight waits for it, it waits no longer than the gather for calls that never come, and a write
 * committed before a hook joined a gathering poll is in that poll. And how many pages a poll reads
 * (cds.recall.feed.max-pages) before it overflows.
 */
class ChangeFeedGatherIT {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final FhirGateway GATEWAY = new FhirGateway(FHIR, 5_000, 30_000);

  private static SandboxFhirServer server;
  private static IGenericClient client;

  @BeforeAll
  static void startServer() {
    server = SandboxFhirServer.start(new SandboxFhirServer.Settings(FreePorts.find(), true));
    client = GATEWAY.client(server.baseUrl(), null);
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aLoneCallersPollStartsAtOnceWhateverTheGather() {
    try (ChangeFeed feed = feed(Duration.ofSeconds(20), () -> 1)) {
      long t0 = System.nanoTime();
      OptionalLong seq = feed.awaitFresh();
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

      assertEquals(OptionalLong.of(1), seq);
      assertTrue(ms < 10_000, "the one call in flight waited " + ms + " ms of a 20 s gather");
    }
  }

  @Test
  void hooksInFlightShareOnePollThatStartsWhenTheLastOfThemWaits() throws Exception {
    AtomicInteger inFlight = new AtomicInteger(3);
    try (ChangeFeed feed = feed(Duration.ofSeconds(20), inFlight::get)) {
      long t0 = System.nanoTime();
      CompletableFuture<OptionalLong> first = CompletableFuture.supplyAsync(feed::awaitFresh);
      Thread.sleep(300);
      CompletableFuture<OptionalLong> second = CompletableFuture.supplyAsync(feed::awaitFresh);
      Thread.sleep(300);
      assertEquals(0, feed.polls(), "no poll while two of three calls wait");
      OptionalLong third = feed.awaitFresh();
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

      assertEquals(OptionalLong.of(1), third);
      assertEquals(third, first.get(30, TimeUnit.SECONDS));
      assertEquals(third, second.get(30, TimeUnit.SECONDS));
      assertEquals(1, feed.polls());
      assertTrue(ms < 10_000, "the poll started when the third call waited, after " + ms + " ms");
    }
  }

  @Test
  void aPollWaitsNoLongerThanTheGatherForCallsThatDoNotCome() {
    try (ChangeFeed feed = feed(Duration.ofMillis(700), () -> 5)) {
      long t0 = System.nanoTime();
      OptionalLong seq = feed.awaitFresh();
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

      assertEquals(OptionalLong.of(1), seq, "answered by the poll, not sent to the batch");
      assertTrue(ms >= 700, "started after the 700 ms gather, not before: " + ms + " ms");
      assertEquals(1, feed.polls());
    }
  }

  @Test
  void aWriteCommittedBeforeAHookJoinsAGatheringPollIsInThatPoll() throws Exception {
    List<ChangeFeed.Changes> seen = new CopyOnWriteArrayList<>();
    try (ChangeFeed feed = feed(Duration.ofSeconds(20), () -> 2)) {
      feed.listen(seen::add);
      CompletableFuture<OptionalLong> first = CompletableFuture.supplyAsync(feed::awaitFresh);
      Thread.sleep(300);
      Observation lab = new Observation();
      lab.setStatus(Observation.ObservationStatus.FINAL);
      lab.getCode().addCoding().setSystem("http://loinc.org").setCode("1988-5");
      lab.setSubject(new Reference("Patient/gather-1"));
      String written = client.create().resource(lab).execute().getId().toUnqualified().getValue();

      OptionalLong second = feed.awaitFresh();

      assertEquals(second, first.get(30, TimeUnit.SECONDS), "one poll for both");
      assertEquals(1, seen.size());
      assertEquals(second.getAsLong(), seen.get(0).seq());
      assertTrue(
          seen.get(0).changes().stream().anyMatch(c -> c.versioned().equals(written)),
          written + " in the poll's changes: " + seen.get(0).changes());
    }
  }

  @Test
  void aGatherNotBelowTheHooksWaitIsRefusedWithItsCode() {
    FcdsException e =
        assertThrows(
            FcdsException.class,
            () ->
                new ChangeFeed.Settings(
                    Duration.ofSeconds(10), 100, Duration.ofMillis(500), Duration.ofMillis(500)));
    assertEquals(ErrorCode.RECALL_FEED_SETTINGS, e.errorCode());
    assertTrue(
        e.getMessage().contains("gather-ms") && e.getMessage().contains("500"), e.getMessage());
  }

  /**
   * Twelve changes, pages of 5 and a poll that reads 2 pages: an overflow after one next page;
   * while the changes overflow each poll reads one page of a type (no next page followed), and once
   * they are behind the overlap a poll reads every change again.
   */
  @Test
  void aPollPastItsPagesOverflowsAndWhileItDoesEachPollReadsOnePageOfAType() throws Exception {
    List<ChangeFeed.Changes> polls = new CopyOnWriteArrayList<>();
    List<String> nextPages = new CopyOnWriteArrayList<>();
    try (ChangeFeed feed =
        feed(
            audit(urls -> WRITTEN, nextPages::add),
            new ChangeFeed.Settings(
                Duration.ofSeconds(2), 5, Duration.ofSeconds(30), Duration.ZERO, 2),
            () -> 1)) {
      feed.listen(polls::add);
      for (int i = 0; i < 12; i++) {
        Observation o = new Observation();
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.getCode().addCoding().setSystem("http://loinc.org").setCode("8310-5");
        o.setSubject(new Reference("Patient/paging-" + i));
        client.create().resource(o).execute();
      }

      feed.awaitFresh();

      assertTrue(polls.get(0).overflow(), "12 changes, 2 pages of 5 read");
      assertEquals(
          10,
          polls.get(0).changes().stream().filter(c -> c.type().equals("Observation")).count(),
          polls.get(0).changes().toString());
      // the server made each subject a placeholder Patient: that history overflows as well
      assertEquals(2, nextPages.size(), "one next page of each: " + nextPages);
      assertEquals(1, feed.overflows());

      feed.awaitFresh();

      assertTrue(polls.get(1).overflow(), "still more than a page");
      assertEquals(2, nextPages.size(), "no next page read while it overflows: " + nextPages);
      for (int i = 0; i < 5 && polls.get(polls.size() - 1).overflow(); i++) {
        Thread.sleep(1_000);
        feed.awaitFresh();
      }
      assertTrue(!polls.get(polls.size() - 1).overflow(), "behind the overlap: " + polls);
      assertEquals(polls.size() - 1, feed.overflows());
    }
  }

  /**
   * A poll whose audit record the journal did not write: its hooks are refused (FCDS-7071), the
   * failure is counted, and the next poll reads that poll's window again (the same {@code _since}),
   * so every read a later answer relies on is in the trail; the one after moves on.
   */
  @Test
  void aPollWhoseAuditRecordWasNotWrittenHasItsWindowReadAgainByTheNext() {
    List<String> sinces = new CopyOnWriteArrayList<>();
    ChangeFeed.Audit audit =
        audit(
            urls -> {
              sinces.add(urls.get(0).replaceAll(".*_since=([^&]*).*", "$1"));
              return sinces.size() == 1
                  ? CompletableFuture.failedFuture(
                      new FcdsException(ErrorCode.AUDIT_NOT_SPOOLED, "the disk is full (test)"))
                  : WRITTEN;
            },
            url -> {});
    try (ChangeFeed feed =
        feed(
            audit,
            new ChangeFeed.Settings(
                Duration.ofSeconds(1), 100, Duration.ofSeconds(30), Duration.ZERO),
            () -> 1)) {
      FcdsException refused = assertThrows(FcdsException.class, feed::awaitFresh);
      assertEquals(7071, refused.code());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(feed::failures, n -> n == 1); // counted (and logged) by the feed itself
      sleepPastTheOverlap();

      assertTrue(feed.awaitFresh().isPresent());
      sleepPastTheOverlap();
      assertTrue(feed.awaitFresh().isPresent());

      assertEquals(3, sinces.size(), sinces.toString());
      assertEquals(sinces.get(0), sinces.get(1), "the unaudited poll's window read again");
      assertTrue(!sinces.get(2).equals(sinces.get(0)), "then the feed moves on: " + sinces);
    }
  }

  private static void sleepPastTheOverlap() {
    try {
      Thread.sleep(1_200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** An audit record the journal has written. */
  private static final CompletableFuture<Void> WRITTEN = CompletableFuture.completedFuture(null);

  /** The poll's batch answered as {@code batch} says; each next page told to {@code page}. */
  private static ChangeFeed.Audit audit(
      java.util.function.Function<List<String>, CompletableFuture<Void>> batch,
      java.util.function.Consumer<String> page) {
    return new ChangeFeed.Audit() {
      @Override
      public CompletableFuture<Void> batch(List<String> urls, int status) {
        return batch.apply(urls);
      }

      @Override
      public CompletableFuture<Void> page(String url, int status) {
        page.accept(url);
        return WRITTEN;
      }
    };
  }

  private static ChangeFeed feed(Duration gather, java.util.function.IntSupplier inFlight) {
    return feed(
        audit(urls -> WRITTEN, url -> {}),
        new ChangeFeed.Settings(Duration.ofSeconds(10), 100, gather.plusSeconds(30), gather),
        inFlight);
  }

  private static ChangeFeed feed(
      ChangeFeed.Audit audit,
      ChangeFeed.Settings settings,
      java.util.function.IntSupplier inFlight) {
    return new ChangeFeed(server.baseUrl(), GATEWAY, client, audit, settings, inFlight);
  }
}
