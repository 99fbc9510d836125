package org.fusioncds.cdshooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issued-card and feedback files: every line whole and on disk when its caller goes on, and
 * callers that come together share one force (group commit), where each used to force the file on
 * its own under one lock for the whole JVM.
 */
class LineFileTest {

  private static final int THREADS = 16;
  private static final int EACH = 50;

  @Test
  void concurrentAppendsAreEachWrittenWholeAndShareForces(@TempDir Path tmp) throws Exception {
    Path path = tmp.resolve("cards.jsonl");
    LineFile file = new LineFile(path);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < EACH; i++) {
                    file.append(
                        "{\"card\":\"t"
                            + thread
                            + "-"
                            + i
                            + "\",\"pad\":\""
                            + "x".repeat(200)
                            + "\"}");
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    assertEquals(THREADS * EACH, lines.size());
    Set<String> seen = new HashSet<>();
    for (String line : lines) {
      assertTrue(line.matches("\\{\"card\":\"t\\d+-\\d+\",\"pad\":\"x{200}\"}"), line);
      seen.add(line.substring(9, line.indexOf('"', 9)));
    }
    assertEquals(THREADS * EACH, seen.size(), "every line once");
    assertTrue(
        file.groups() < THREADS * EACH,
        "callers that came together shared a force: " + file.groups() + " groups");
  }

  @Test
  void aLoneCallerWritesItsOwnLineAtOnce(@TempDir Path tmp) throws Exception {
    Path path = tmp.resolve("feedback.jsonl");
    LineFile file = new LineFile(path);

    file.append("{\"n\":1}");
    assertEquals(List.of("{\"n\":1}"), Files.readAllLines(path));
    file.append("{\"n\":2}");

    assertEquals(List.of("{\"n\":1}", "{\"n\":2}"), Files.readAllLines(path));
    assertEquals(2, file.groups());
  }

  @Test
  void aFileThatCannotBeWrittenFailsItsCallerWithTheCodeAndThePath(@TempDir Path tmp)
      throws Exception {
    Path path = tmp.resolve("cards.jsonl");
    Files.createDirectory(path); // a folder where the file should be

    FcdsException e = assertThrows(FcdsException.class, () -> new LineFile(path).append("{}"));

    assertEquals(ErrorCode.FEEDBACK_NOT_STORED, e.errorCode());
    assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
  }
}
