package org.fusioncds.cdshooks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * A report written behind its card starts once the hook has answered: the writer's first step waits
 * for the hook's exchange to be done (the future {@link PendingReports#ANSWERED}, which the queued
 * copy carries and the hook keeps), at most {@link PendingReports#ANSWER_WAIT}. Real Camel routes:
 * a hook that queues on seda with {@code waitForTaskToComplete=Never}, as the service's route does,
 * then works on for a while.
 */
class WriteAfterAnswerTest {

  private static final long HOOK_GOES_ON_MS = 300;

  @Test
  void theWriteStartsWhenTheHookHasAnsweredNotWhenItWasQueued() throws Exception {
    AtomicLong hookDone = new AtomicLong();
    AtomicLong writeStarted = new AtomicLong();
    CountDownLatch written = new CountDownLatch(2);
    try (CamelContext camel = new DefaultCamelContext()) {
      camel.addRoutes(
          new RouteBuilder() {
            @Override
            public void configure() {
              from("direct:hook")
                  .process(PendingReports::awaitedByTheWrite)
                  .to("seda:write?waitForTaskToComplete=Never")
                  .delay(HOOK_GOES_ON_MS)
                  .process(e -> hookDone.set(System.nanoTime()));
              from("seda:write")
                  .process(
                      e -> {
                        PendingReports.awaitAnswer(
                            e.getProperty(PendingReports.ANSWERED, CompletableFuture.class));
                        writeStarted.set(System.nanoTime());
                        written.countDown();
                      });
            }
          });
      camel.start();

      camel.createProducerTemplate().sendBody("direct:hook", "warm-up");
      camel.createProducerTemplate().sendBody("direct:hook", "card");

      assertTrue(written.await(5, TimeUnit.SECONDS), "both writes ran");
      long afterAnswer = writeStarted.get() - hookDone.get();
      assertTrue(afterAnswer >= 0, "started " + afterAnswer / 1e6 + " ms after the answer");
      assertTrue(
          afterAnswer < PendingReports.ANSWER_WAIT.toNanos() / 2,
          "not held until the bound: " + afterAnswer / 1e6 + " ms after the answer");
    }
  }

  @Test
  void aWriteWithoutAHookStartsAtOnceAndOneWhoseHookNeverEndsStartsAfterTheBound() {
    long t0 = System.nanoTime();
    PendingReports.awaitAnswer(null);
    assertTrue(System.nanoTime() - t0 < 50_000_000L, "no hook: at once");

    t0 = System.nanoTime();
    PendingReports.awaitAnswer(new CompletableFuture<Void>());
    long waited = System.nanoTime() - t0;
    assertTrue(
        waited >= PendingReports.ANSWER_WAIT.toNanos() && waited < 3 * 1_000_000_000L,
        "held " + waited / 1e6 + " ms");
  }
}
