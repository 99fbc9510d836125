package org.fusioncds.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.AuditContext;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditSpoolTest {

  private static final AuditEvents EVENTS = new AuditEvents("test-site");
  private static final AuditContext CTX =
      new AuditContext("req-1", "hook-1", null, null, "p-1", null);

  @TempDir Path folder;

  @Test
  void keepsAppendOrderAcrossAReopen() {
    List<String> appended = new ArrayList<>();
    AuditSpool first = new AuditSpool(folder);
    appendMany(first, 5, appended);

    AuditSpool reopened = new AuditSpool(folder);
    appendMany(reopened, 5, appended);

    assertEquals(appended, ids(reopened.oldest(100)));
    assertEquals(List.of(appended.get(0), appended.get(1)), ids(reopened.oldest(2)));
  }

  @Test
  void shipsTheFilesOfThePerFileSpoolBeforeNewEvents() throws IOException {
    AuditEvent future = event();
    Files.writeString(folder.resolve("9000000000000000000-" + id(future) + ".json"), json(future));
    AuditSpool spool = new AuditSpool(folder);

    AuditEvent now = event();
    spool.append(now);

    assertEquals(List.of(id(future), id(now)), ids(spool.oldest(10)));
  }

  @Test
  void quarantinesANameWhoseSequenceOverflowsOnOpen() throws IOException {
    AuditEvent odd = event();
    Files.writeString(folder.resolve("9999999999999999999-" + id(odd) + ".json"), json(odd));

    AuditSpool spool = new AuditSpool(folder);

    assertEquals(0, spool.size());
    assertEquals(1, spool.quarantined());
  }

  @Test
  void ignoresTemporaryFilesThenDeletesThemOnOpen() throws IOException {
    AuditSpool spool = new AuditSpool(folder);
    AuditEvent kept = event();
    spool.append(kept);
    Path temp = folder.resolve(".0000000000000000001-crashed.json.tmp");
    Files.writeString(temp, "{\"resourceType\":\"AuditEv");

    assertEquals(1, spool.size());
    assertEquals(List.of(id(kept)), ids(spool.oldest(10)));
    new AuditSpool(folder);
    assertFalse(Files.exists(temp));
  }

  @Test
  void quarantinesAPerFileSpoolFileThatDoesNotParseAndKeepsIt() throws IOException {
    Path corrupt = folder.resolve("0000000000000000001-corrupt.json");
    Files.writeString(corrupt, "{\"resourceType\":\"AuditEvent\",\"id\":");
    AuditSpool spool = new AuditSpool(folder);
    AuditEvent good = event();
    spool.append(good);

    List<AuditSpool.Entry> oldest = spool.oldest(10);

    assertEquals(List.of(id(good)), ids(oldest));
    assertFalse(Files.exists(corrupt));
    assertTrue(Files.exists(folder.resolve("quarantine").resolve(corrupt.getFileName())));
    assertEquals(1, spool.quarantined());
    assertEquals(1, spool.size());
  }

  @Test
  void quarantinesAPerFileSpoolFileHoldingAnotherResourceType() throws IOException {
    Files.writeString(
        folder.resolve("0000000000000000001-patient.json"), "{\"resourceType\":\"Patient\"}");
    AuditSpool spool = new AuditSpool(folder);

    assertEquals(List.of(), spool.oldest(10));
    assertEquals(1, spool.quarantined());
  }

  @Test
  void keepsEveryEventAppendedFromEightThreadsAtOnce() throws Exception {
    AuditSpool spool = new AuditSpool(folder);
    ConcurrentLinkedQueue<String> appended = new ConcurrentLinkedQueue<>();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      done.add(
          pool.submit(
              () -> {
                go.await();
                for (int i = 0; i < 50; i++) {
                  AuditEvent e = event();
                  spool.append(e);
                  appended.add(id(e));
                }
                return null;
              }));
    }
    go.countDown();
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();

    List<AuditSpool.Entry> all = spool.oldest(1000);
    assertEquals(400, spool.size());
    assertEquals(Set.copyOf(appended), Set.copyOf(ids(all)));
    Set<Long> seqs = new HashSet<>();
    all.forEach(e -> seqs.add(e.seq()));
    assertEquals(400, seqs.size());
  }

  @Test
  void keepsTheVersionOfAWrittenReference() {
    AuditSpool spool = new AuditSpool(folder);
    AuditEvent write =
        EVENTS.fhirWrite(CTX, "http://fhir", List.of("DiagnosticReport/12/_history/1"), 200, null);

    spool.append(write);

    AuditEvent read = spool.oldest(1).get(0).event();
    assertTrue(
        read.getEntity().stream()
            .anyMatch(x -> "DiagnosticReport/12/_history/1".equals(x.getWhat().getReference())));
  }

  @Test
  void removesAShippedEntry() {
    AuditSpool spool = new AuditSpool(folder);
    spool.append(event());
    AuditEvent second = event();
    spool.append(second);

    spool.remove(spool.oldest(1).get(0));

    assertEquals(List.of(id(second)), ids(spool.oldest(10)));
  }

  @Test
  void refusesAnEventWithoutId() {
    AuditSpool spool = new AuditSpool(folder);
    AuditEvent e = event();
    e.setId((String) null);

    FcdsException x = assertThrows(FcdsException.class, () -> spool.append(e));

    assertEquals(7070, x.code());
  }

  @Test
  void failsClosedWhenTheEventCannotBeWritten() throws IOException {
    AuditSpool spool = new AuditSpool(folder.resolve("spool"));
    Files.walk(folder.resolve("spool"))
        .sorted((a, b) -> b.compareTo(a))
        .forEach(p -> p.toFile().delete());
    Files.writeString(folder.resolve("spool"), "not a folder");

    FcdsException x = assertThrows(FcdsException.class, () -> spool.append(event()));

    assertEquals(7071, x.code());
  }

  @Test
  void failsClosedWhenTheFolderIsRemovedAfterEventsWereWritten() throws IOException {
    AuditSpool spool = new AuditSpool(folder.resolve("spool"));
    spool.append(event());
    Files.walk(folder.resolve("spool"))
        .sorted((a, b) -> b.compareTo(a))
        .forEach(p -> p.toFile().delete());

    FcdsException x = assertThrows(FcdsException.class, () -> spool.append(event()));

    assertEquals(7071, x.code());
  }

  @Test
  void refusesAFolderThatCannotBeCreated() throws IOException {
    Path file = Files.writeString(folder.resolve("file"), "x");

    FcdsException x = assertThrows(FcdsException.class, () -> new AuditSpool(file));

    assertEquals(7074, x.code());
  }

  private static AuditEvent event() {
    return EVENTS.fhirRead(CTX, "http://fhir", "GET", "Patient/p-1", 200);
  }

  private static void appendMany(AuditSpool spool, int n, List<String> ids) {
    for (int i = 0; i < n; i++) {
      AuditEvent e = event();
      spool.append(e);
      ids.add(id(e));
    }
  }

  private static String id(AuditEvent e) {
    return e.getIdElement().getIdPart();
  }

  private static String json(AuditEvent e) {
    return ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser().encodeResourceToString(e);
  }

  private static List<String> ids(List<AuditSpool.Entry> entries) {
    return entries.stream().map(AuditSpool.Entry::id).toList();
  }
}
