package org.fusioncds.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.AuditContext;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal behind {@link AuditSpool}: group commit, crash damage, acknowledgement, segments. */
class AuditJournalTest {

  private static final AuditEvents EVENTS = new AuditEvents("test-site");
  private static final AuditContext CTX =
      new AuditContext("req-1", "hook-1", null, null, "p-1", null);

  @TempDir Path folder;

  @Test
  void appendsOfManyThreadsShareForcesAndReadBackOnceInEachThreadsOrder() throws Exception {
    AtomicInteger forces = new AtomicInteger();
    JournalWriter.Force counted =
        ch -> {
          forces.incrementAndGet();
          ch.force(false);
        };
    int threads = 16;
    int each = 40;
    Map<String, Integer> threadOf = new HashMap<>();
    List<List<String>> perThread = new ArrayList<>();
    try (AuditSpool spool = new AuditSpool(folder, JournalSettings.DEFAULTS, counted)) {
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<List<String>>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  go.await();
                  List<String> mine = new ArrayList<>();
                  for (int i = 0; i < each; i++) {
                    AuditEvent e = event();
                    spool.append(e);
                    mine.add(id(e));
                  }
                  return mine;
                }));
      }
      go.countDown();
      for (int t = 0; t < threads; t++) {
        List<String> mine = done.get(t).get();
        perThread.add(mine);
        for (String id : mine) {
          threadOf.put(id, t);
        }
      }
      pool.shutdown();
    }

    List<String> read = ids(new AuditSpool(folder).oldest(10_000));
    assertEquals(threads * each, read.size());
    assertEquals(read.size(), new HashSet<>(read).size(), "every event once");
    assertEquals(threadOf.keySet(), new HashSet<>(read));
    for (int t = 0; t < threads; t++) {
      int thread = t;
      assertEquals(perThread.get(t), read.stream().filter(i -> threadOf.get(i) == thread).toList());
    }
    assertTrue(
        forces.get() < threads * each, forces.get() + " forces for " + threads * each + " appends");
  }

  @Test
  void dropsATornLastRecordAndAppendsAfterIt() throws IOException {
    List<String> appended = appendAndClose(5);
    Path segment = onlySegment();
    long whole = Files.size(segment);
    byte[] json = AuditSpoolTestJson.of(event());
    ByteBuffer record = ByteBuffer.allocate(JournalFormat.size(json));
    JournalFormat.put(record, 6, json);
    Files.write(
        segment,
        Arrays.copyOf(record.array(), record.capacity() / 2),
        StandardOpenOption.APPEND); // the crash cut the write of record 6 in half

    AuditSpool reopened = new AuditSpool(folder);

    assertEquals(appended, ids(reopened.oldest(10)));
    assertEquals(whole, Files.size(segment), "the torn bytes are cut off");
    assertEquals(0, reopened.quarantined());
    AuditEvent next = event();
    reopened.append(next);
    assertEquals(next.getIdElement().getIdPart(), ids(reopened.oldest(10)).get(5));
  }

  @Test
  void quarantinesACorruptRecordInTheMiddleAndKeepsTheOthers() throws IOException {
    List<String> appended = appendAndClose(5);
    Path segment = onlySegment();
    byte[] bytes = Files.readAllBytes(segment);
    JournalFormat.Found third = JournalFormat.scan(ByteBuffer.wrap(bytes)).records().get(2);
    bytes[third.offset() + JournalFormat.HEADER + 10] ^= 0x20; // one bit of its payload rots
    Files.write(segment, bytes);

    AuditSpool reopened = new AuditSpool(folder);

    List<String> expected = new ArrayList<>(appended);
    expected.remove(2);
    assertEquals(expected, ids(reopened.oldest(10)));
    assertEquals(4, reopened.size());
    assertEquals(1, reopened.quarantined());
    Path kept =
        folder.resolve("quarantine").resolve(segment.getFileName() + "@" + third.offset() + ".bad");
    assertArrayEquals(
        Arrays.copyOfRange(bytes, third.offset(), third.end()), Files.readAllBytes(kept));
  }

  @Test
  void restartsAfterPartialShippingWithOnlyTheUnshippedEvents() {
    List<String> appended = new ArrayList<>();
    try (AuditSpool spool = new AuditSpool(folder)) {
      appended.addAll(appendMany(spool, 10));
      spool.remove(spool.oldest(4));
    }

    AuditSpool reopened = new AuditSpool(folder);

    assertEquals(6, reopened.size());
    assertEquals(appended.subList(4, 10), ids(reopened.oldest(100)));
    List<String> more = appendMany(reopened, 2);
    reopened.remove(reopened.oldest(3));
    List<String> rest = new ArrayList<>(appended.subList(7, 10));
    rest.addAll(more);
    assertEquals(rest, ids(new AuditSpool(folder).oldest(100)));
  }

  @Test
  void deletesSegmentsOnceEveryRecordInThemIsShipped() throws IOException {
    JournalSettings small = new JournalSettings(1, 0, 1); // every group in its own segment
    try (AuditSpool spool = new AuditSpool(folder, small)) {
      appendMany(spool, 4);
      assertEquals(4, segments().size());

      spool.remove(spool.oldest(2));
      assertEquals(2, segments().size(), "the two shipped segments deleted");

      spool.remove(spool.oldest(2));
      assertEquals(1, segments().size(), "the segment being written stays");
      assertEquals(0, spool.size());
    }
    AuditSpool reopened = new AuditSpool(folder);
    assertEquals(0, segments().size(), "a shipped last segment goes on open");
    AuditEvent after = event();
    reopened.append(after);
    assertEquals(List.of(id(after)), ids(reopened.oldest(10)), "nothing shipped comes back");
  }

  @Test
  void anEmptySegmentACrashLeftBehindUnshippedOnesTakesTheNextAppend() throws IOException {
    JournalSettings small = new JournalSettings(1, 0, 1); // every group in its own segment
    List<String> appended = new ArrayList<>();
    try (AuditSpool spool = new AuditSpool(folder, small)) {
      appended.addAll(appendMany(spool, 3));
    }
    // the crash came after the next segment's file was made, before its first group was written
    Files.createFile(folder.resolve(JournalWriter.segmentName(4)));

    try (AuditSpool reopened = new AuditSpool(folder, small)) {
      appended.addAll(appendMany(reopened, 2));
      assertEquals(appended, ids(reopened.oldest(10)));
    }
    assertEquals(appended, ids(new AuditSpool(folder, small).oldest(10)), "all durable");
  }

  @Test
  void aGroupThatFailsToForceIsRefusedAndTheGroupsAfterItAreWritten() {
    AtomicInteger forces = new AtomicInteger();
    JournalWriter.Force failsSecond =
        channel -> {
          if (forces.incrementAndGet() == 2) {
            throw new IOException("the disk refused the force");
          }
          channel.force(false);
        };
    List<String> durable = new ArrayList<>();
    try (AuditSpool spool = new AuditSpool(folder, new JournalSettings(1, 0, 1), failsSecond)) {
      durable.addAll(appendMany(spool, 1));
      FcdsException refused = assertThrows(FcdsException.class, () -> spool.append(event()));
      assertEquals(ErrorCode.AUDIT_NOT_SPOOLED, refused.errorCode());
      durable.addAll(appendMany(spool, 2));
      assertEquals(durable, ids(spool.oldest(10)));
    }
    assertEquals(durable, ids(new AuditSpool(folder).oldest(10)), "the refused one never comes");
  }

  @Test
  void movesThePerFileSpoolIntoTheJournalInItsOrderBeforeNewEvents() throws IOException {
    List<String> old = new ArrayList<>();
    for (int i = 3; i >= 1; i--) { // written out of name order: the name's number decides
      AuditEvent e = event();
      Files.write(
          folder.resolve(String.format("%019d-%s.json", 1000L + i, id(e))),
          AuditSpoolTestJson.of(e));
      old.add(0, id(e));
    }

    AuditSpool spool = new AuditSpool(folder);
    AuditEvent fresh = event();
    spool.append(fresh);

    List<String> expected = new ArrayList<>(old);
    expected.add(id(fresh));
    assertEquals(expected, ids(spool.oldest(10)));
    try (Stream<Path> files = Files.list(folder)) {
      assertFalse(files.anyMatch(p -> p.toString().endsWith(".json")), "the old files are gone");
    }
    assertEquals(expected, ids(new AuditSpool(folder).oldest(10)), "and not imported twice");
  }

  private List<String> appendAndClose(int n) {
    try (AuditSpool spool = new AuditSpool(folder)) {
      return appendMany(spool, n);
    }
  }

  private static List<String> appendMany(AuditSpool spool, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      AuditEvent e = event();
      spool.append(e);
      ids.add(id(e));
    }
    return ids;
  }

  private Path onlySegment() throws IOException {
    List<Path> s = segments();
    assertEquals(1, s.size(), s.toString());
    return s.get(0);
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
    }
  }

  private static AuditEvent event() {
    return EVENTS.fhirRead(CTX, "http://fhir", "GET", "Patient/p-1", 200);
  }

  private static String id(AuditEvent e) {
    return e.getIdElement().getIdPart();
  }

  private static List<String> ids(List<AuditSpool.Entry> entries) {
    return entries.stream().map(AuditSpool.Entry::id).toList();
  }

  /** The FHIR JSON the spool stores. */
  static final class AuditSpoolTestJson {
    static byte[] of(AuditEvent e) {
      return ca.uhn.fhir.context.FhirContext.forR4Cached()
          .newJsonParser()
          .setStripVersionsFromReferences(false)
          .encodeResourceToString(e)
          .getBytes(StandardCharsets.UTF_8);
    }
  }
}
