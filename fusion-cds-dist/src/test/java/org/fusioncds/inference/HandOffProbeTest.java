package org.fusioncds.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The bench's stand-in model runs through the service's own batcher, as a graph would. */
class HandOffProbeTest {

  @Test
  void aStandInBatchTakesWhatWaitsAndSpendsItsCpuTimePerSample() {
    try (HandOffProbe probe =
        new HandOffProbe(new Batching(32, 0, 1024, 1), Duration.ofMillis(2))) {
      long t0 = System.nanoTime();
      List<CompletableFuture<?>> all =
          IntStream.range(0, 16).<CompletableFuture<?>>mapToObj(i -> probe.submit()).toList();
      all.forEach(CompletableFuture::join);
      double ms = (System.nanoTime() - t0) / 1e6;

      BatchStats stats = probe.stats();
      assertEquals(16, stats.samples(), stats.toString());
      assertTrue(stats.batches() < 16, "what waited ran together: " + stats);
      assertTrue(ms >= 32, "2 ms per sample on its one instance: " + ms + " ms");
    }
  }
}
