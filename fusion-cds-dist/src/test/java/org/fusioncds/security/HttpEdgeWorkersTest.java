package org.fusioncds.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.junit.jupiter.api.Test;

/**
 * {@code edge.worker-threads}: the Vert.x instance under platform-http runs blocking work (every
 * route) on a pool of exactly that many threads. Measured by blocking tasks that wait on a latch:
 * as many run at once as the pool has threads, never more, and the rest run once one ends.
 */
class HttpEdgeWorkersTest {

  @Test
  void asManyRequestsRunAtOnceAsTheWorkerPoolHasThreads() throws Exception {
    assertEquals(3, mostAtOnce(3, 8));
    assertEquals(HttpEdgeLimits.DEFAULT_WORKER_THREADS, HttpEdgeLimits.DEFAULTS.workerThreads());
  }

  @Test
  void theDefaultPoolRunsMoreThanVertxsTwentyAtOnce() throws Exception {
    assertEquals(50, mostAtOnce(HttpEdgeLimits.DEFAULT_WORKER_THREADS, 50));
  }

  @Test
  void noWorkerThreadIsRefusedWithItsCode() {
    FcdsException e =
        assertThrows(
            FcdsException.class, () -> new HttpEdgeLimits(4096, 8192, 4096, 1000, 1000, 0));
    assertEquals(ErrorCode.HTTP_EDGE_SETTING_INVALID, e.errorCode());
    assertTrue(e.getMessage().contains("edge.worker-threads"), e.getMessage());
  }

  /**
   * Starts {@code tasks} blocking tasks on a Vert.x instance with {@code threads} workers; each
   * waits until as many tasks as can run at once have started (or 300 ms), so the count of those
   * running together reaches the pool's size whenever there are enough tasks.
   */
  private static int mostAtOnce(int threads, int tasks) throws Exception {
    HttpEdgeLimits limits = new HttpEdgeLimits(4096, 8192, 4096, 1000, 1000, threads);
    Vertx vertx = HttpEdge.vertx(limits);
    try {
      AtomicInteger running = new AtomicInteger();
      AtomicInteger most = new AtomicInteger();
      CountDownLatch together = new CountDownLatch(Math.min(threads, tasks));
      List<Future<Integer>> done = new ArrayList<>();
      for (int i = 0; i < tasks; i++) {
        done.add(
            vertx.executeBlocking(
                () -> {
                  int now = running.incrementAndGet();
                  most.accumulateAndGet(now, Math::max);
                  together.countDown();
                  together.await(300, TimeUnit.MILLISECONDS);
                  Thread.sleep(20);
                  running.decrementAndGet();
                  return now;
                },
                false));
      }
      for (Future<Integer> f : done) {
        f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
      return most.get();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
