package org.fusioncds.audit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.fusioncds.flow.AuditContext;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 between append and ship: a child JVM ({@link #main}) appends from several threads as fast
 * as it can and prints each event's id once {@code append} returned; the test kills it (SIGKILL) in
 * the middle of the run, then opens the journal.
 */
class AuditJournalKillTest {

  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  @TempDir Path folder;

  @Test
  void everyEventAppendReturnedForSurvivesKillNineOnceEach() throws Exception {
    Path spool = folder.resolve("spool");
    Process child =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    "-Xmx256m",
                    AuditJournalKillTest.class.getName(),
                    spool.toString()))
            .redirectError(folder.resolve("child.err").toFile())
            .start();
    ConcurrentLinkedQueue<String> printed = new ConcurrentLinkedQueue<>();
    Thread reader = new Thread(() -> readLines(child, printed), "child-stdout");
    reader.start();

    await().atMost(Duration.ofSeconds(90)).until(() -> printed.size() >= 400 || !child.isAlive());
    assertTrue(child.isAlive(), "the child still appending when killed");
    child.destroyForcibly(); // SIGKILL: no shutdown hook, no close
    assertTrue(child.waitFor(30, TimeUnit.SECONDS));
    reader.join(30_000); // the pipe holds every line printed before the kill
    assertFalse(reader.isAlive());

    List<String> acknowledged = printed.stream().filter(l -> UUID.matcher(l).matches()).toList();
    List<String> inJournal =
        new AuditSpool(spool).oldest(Integer.MAX_VALUE).stream().map(AuditSpool.Entry::id).toList();
    Set<String> kept = new HashSet<>(inJournal);
    List<String> lost = acknowledged.stream().filter(id -> !kept.contains(id)).toList();
    assertEquals(List.of(), lost, "acknowledged events missing after kill -9");
    assertEquals(inJournal.size(), kept.size(), "an event twice in the journal");
    assertTrue(acknowledged.size() >= 400, "printed " + acknowledged.size());
  }

  /** The child: appends from 8 threads until killed, printing each id after its append returned. */
  public static void main(String[] args) throws Exception {
    AuditSpool spool = new AuditSpool(Path.of(args[0]));
    AuditEvents events = new AuditEvents("kill-test");
    AuditContext ctx = new AuditContext("req-1", "hook-1", null, null, "p-1", null);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread =
          new Thread(
              () -> {
                while (true) {
                  AuditEvent e = events.fhirRead(ctx, "http://fhir", "GET", "Patient/p-1", 200);
                  spool.append(e);
                  out.println(e.getIdElement().getIdPart());
                }
              });
      thread.start();
      threads.add(thread);
    }
    for (Thread t : threads) {
      t.join();
    }
  }

  private static void readLines(Process child, ConcurrentLinkedQueue<String> lines) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lines.add(line);
      }
    } catch (IOException e) {
      // the pipe closed with the child: every complete line was read before
    }
  }
}
