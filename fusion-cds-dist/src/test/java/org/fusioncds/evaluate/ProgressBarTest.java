package org.fusioncds.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final AtomicLong nanos = new AtomicLong();

  @Test
  void formatsCountBarPercentRateAndEta() {
    ProgressBar bar = new ProgressBar("evaluate", 1000, "patients", out, true, nanos::get);

    String line = bar.line(347, TimeUnit.SECONDS.toNanos(10));

    assertEquals(
        "evaluate  347/1000  [######..............]  34.7%  34.7 patients/s  ETA 19 s", line);
  }

  @Test
  void printsALinePerTenthWhenNotATerminal() {
    try (ProgressBar bar = new ProgressBar("evaluate", 1000, "patients", out, false, nanos::get)) {
      for (int i = 0; i < 1000; i++) {
        nanos.addAndGet(1_000_000);
        bar.step();
      }
    }

    String text = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(10, text.lines().count(), text);
    assertFalse(text.contains("\r"));
    assertTrue(text.lines().toList().get(9).contains("1000/1000"));
  }

  @Test
  void redrawsOneLineOnATerminalAndEndsItOnClose() {
    ProgressBar bar = new ProgressBar("evaluate", 50, "resamples", out, true, nanos::get);
    for (int i = 0; i < 20; i++) {
      nanos.addAndGet(200_000_000);
      bar.step();
    }

    String before = bytes.toString(StandardCharsets.UTF_8);
    bar.close();
    String after = bytes.toString(StandardCharsets.UTF_8);

    assertFalse(before.contains("\n"));
    assertTrue(before.startsWith("\r"));
    assertTrue(after.endsWith(System.lineSeparator()));
    assertTrue(after.contains("20/50"));
  }

  @Test
  void countsEveryStepFromManyThreads() throws InterruptedException {
    ProgressBar bar = new ProgressBar("evaluate", 8000, "patients", out, false, System::nanoTime);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int t = 0; t < 8; t++) {
      pool.submit(
          () -> {
            for (int i = 0; i < 1000; i++) {
              bar.step();
            }
          });
    }
    pool.shutdown();
    assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
    bar.close();

    assertEquals(8000, bar.done());
    assertEquals(10, bytes.toString(StandardCharsets.UTF_8).lines().count());
  }
}
