package org.fusioncds.cdshooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.EvaluationJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal of reports a card named before they were written ({@link PendingReports}): what a
 * restart finds, what it keeps, and what it refuses.
 */
class PendingReportsTest {

  private static final Instant HOOK = Instant.parse("2026-12-05T10:15:30Z");

  private static PendingReports.Pending pending(String jobId, String key) {
    return new PendingReports.Pending(
        key,
        PendingReports.asOfHook(
            new EvaluationJob(
                EvaluationJob.VERSION,
                jobId,
                "hook:patient-view",
                "imaging-fusion",
                "cap-fusion",
                "1.0.0",
                "p1",
                "http://fhir.example/fhir",
                null,
                null,
                HOOK)));
  }

  @Test
  void reportsStayUnwrittenAcrossRestartsUntilTheirWriteIsJournaled(@TempDir Path dir)
      throws Exception {
    PendingReports first = new PendingReports(dir);
    first.add(pending("hook-1", "k1"));
    first.add(pending("hook-2", "k2"));
    first.add(pending("hook-3", "k3"));
    first.settle("hook-1", "k1");
    first.settle("hook-1", "k2"); // another hook's key: not this one's report
    assertEquals(2, first.size());

    PendingReports second = new PendingReports(dir);

    assertEquals(
        List.of("k2", "k3"), second.unwritten().stream().map(PendingReports.Pending::key).toList());
    assertEquals(HOOK, second.unwritten().get(0).job().asOf(), "evaluated as of the hook's time");
    assertEquals(
        2,
        Files.readAllLines(dir.resolve("pending-reports.jsonl")).size(),
        "the file holds only what is still pending");
    second.settle("hook-2", "k2");
    second.settle("hook-3", "k3");
    assertEquals(0, second.size());
    assertEquals(List.of(), new PendingReports(dir).unwritten());
  }

  @Test
  void aSecondCardOfAResultKeyWhoseWriteIsUnderWayRecordsNothingUntilThatWriteIsDone(
      @TempDir Path dir) throws Exception {
    PendingReports journal = new PendingReports(dir);

    assertTrue(journal.queue(pending("hook-1", "k1")), "the first card queues the write");
    assertFalse(journal.queue(pending("hook-2", "k1")), "the same report, its write under way");
    assertTrue(journal.queue(pending("hook-3", "k2")), "another report");
    assertEquals(2, Files.readAllLines(dir.resolve("pending-reports.jsonl")).size());
    assertEquals(2, journal.size());

    journal.released("k1"); // written, or a dead letter that stays pending
    assertTrue(journal.queue(pending("hook-4", "k1")), "a later card queues its own write");
    assertEquals(3, journal.size());
  }

  @Test
  void aCardWhoseLineCannotBeWrittenLeavesItsResultKeyFreeForTheNextCard(@TempDir Path dir)
      throws Exception {
    PendingReports journal = new PendingReports(dir);
    Path file = dir.resolve("pending-reports.jsonl");
    Files.deleteIfExists(file);
    Files.createDirectory(file);

    assertThrows(FcdsException.class, () -> journal.queue(pending("hook-1", "k1")));
    FcdsException again =
        assertThrows(FcdsException.class, () -> journal.queue(pending("hook-2", "k1")));
    assertEquals(ErrorCode.PENDING_REPORT_NOT_STORED, again.errorCode(), "tried, not skipped");
  }

  @Test
  void aTornLastLineIsSkippedAndAnyOtherUnreadableLineRefusesTheStartWithItsCode(@TempDir Path dir)
      throws Exception {
    PendingReports written = new PendingReports(dir);
    written.add(pending("hook-1", "k1"));
    Path file = dir.resolve("pending-reports.jsonl");
    String whole = Files.readString(file);
    Files.writeString(file, whole + whole.substring(0, 20)); // killed while writing a line

    assertEquals(1, new PendingReports(dir).unwritten().size());

    Files.writeString(file, "{\"pending\":\n" + whole);
    FcdsException e = assertThrows(FcdsException.class, () -> new PendingReports(dir));
    assertEquals(ErrorCode.PENDING_REPORTS_UNREADABLE, e.errorCode());
    assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void aLastLineTornInsideACharacterIsSkippedLikeAnyTornLine(@TempDir Path dir) throws Exception {
    PendingReports written = new PendingReports(dir);
    written.add(pending("hook-1", "k1"));
    written.add(pending("hook-\u00e9t\u00e9", "k2")); // a hookInstance may be any printable text
    Path file = dir.resolve("pending-reports.jsonl");
    byte[] bytes = Files.readAllBytes(file);
    int cut = new String(bytes, StandardCharsets.ISO_8859_1).lastIndexOf('\u00c3') + 1;
    Files.write(file, Arrays.copyOf(bytes, cut)); // killed between the two bytes of an é

    List<PendingReports.Pending> left = new PendingReports(dir).unwritten();

    assertEquals(List.of("hook-1"), left.stream().map(p -> p.job().jobId()).toList());
  }

  /**
   * The background path of an "analysis running" card holds its result key from its first step, and
   * gives it back when the path is done even if the model's answer never comes (a failure, a
   * time-out): a later card of the same inputs then queues its own write, where the key used to
   * stay held until a restart and that card named a report nothing would write.
   */
  @Test
  void aRunningCardsKeyIsReleasedWhenItsBackgroundPathFailsBeforeTheModelAnswered(@TempDir Path dir)
      throws Exception {
    PendingReports journal = new PendingReports(dir);
    org.fusioncds.flow.Pending running = RunningCardRaceTest.pending();
    PendingReports.Pending again =
        new PendingReports.Pending(running.key().value(), running.inputs().job());
    try (org.apache.camel.impl.DefaultCamelContext camel =
        new org.apache.camel.impl.DefaultCamelContext()) {
      org.apache.camel.Exchange hook = new org.apache.camel.support.DefaultExchange(camel);
      journal.recordRunning(running, hook);
      org.apache.camel.Exchange background = hook.copy(); // what the wireTap hands over
      hook.getExchangeExtension().handoverCompletions().forEach(c -> c.onComplete(hook));

      assertEquals(running, journal.finishing(running, background));
      assertFalse(journal.queue(again), "held while its path runs");
      background.setException(
          new FcdsException(ErrorCode.INFERENCE_TIMEOUT, "the model did not answer — test"));
      background.getExchangeExtension().handoverCompletions().forEach(c -> c.onFailure(background));

      assertTrue(journal.queue(again), "released: a later card queues its own write");
    }
  }

  /**
   * While the service runs, the journal is rewritten with only what is pending every few lines (its
   * start rewrote it before): two lines per result card would otherwise grow it until the next
   * start, which reads it whole.
   */
  @Test
  void whileTheServiceRunsTheJournalIsRewrittenToWhatIsPendingEveryFewLines(@TempDir Path dir)
      throws Exception {
    PendingReports journal = new PendingReports(dir, 10);
    Path file = dir.resolve("pending-reports.jsonl");
    int longest = 0;
    for (int i = 0; i < 100; i++) {
      journal.add(pending("hook-" + i, "k" + i));
      if (i != 42) {
        journal.settle("hook-" + i, "k" + i);
      }
      longest = Math.max(longest, Files.readAllLines(file).size());
    }
    assertTrue(
        longest <= 11, "at most the lines between two rewrites and what is pending: " + longest);
    assertEquals(1, journal.size());

    List<PendingReports.Pending> left = new PendingReports(dir).unwritten();

    assertEquals(List.of("hook-42"), left.stream().map(p -> p.job().jobId()).toList());
  }

  @Test
  void aJournalThatCannotBeWrittenIsCodedAndLeavesNothingPending(@TempDir Path dir)
      throws Exception {
    PendingReports journal = new PendingReports(dir);
    Path file = dir.resolve("pending-reports.jsonl");
    Files.deleteIfExists(file);
    Files.createDirectory(file); // not a file any more

    FcdsException e = assertThrows(FcdsException.class, () -> journal.add(pending("hook-1", "k1")));

    assertEquals(ErrorCode.PENDING_REPORT_NOT_STORED, e.errorCode());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertEquals(0, journal.size());
    FcdsException atStart = assertThrows(FcdsException.class, () -> new PendingReports(dir));
    assertEquals(ErrorCode.PENDING_REPORTS_UNREADABLE, atStart.errorCode());
  }
}
