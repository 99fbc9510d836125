package org.fusioncds.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.AuditContext;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hook's outbound AuditEvents handed to the journal without waiting ({@link AuditTrail#defer}),
 * then waited for once before the answer ({@link AuditTrail#settle}): durable when the settle
 * returns, FCDS-7071 from the settle when one was not written, and written at once again after it.
 */
class AuditDeferralTest {

  /** The module itself, as the change feed polls. */
  private static final AuditContext FEED =
      new AuditContext("change-feed", null, null, null, null, null);

  private static final AuditContext CALL =
      new AuditContext("req-1", "hook-1", null, null, "p-1", null);

  @TempDir Path folder;

  private final AtomicBoolean diskFails = new AtomicBoolean();

  private AuditSpool spool() {
    return new AuditSpool(
        folder,
        JournalSettings.DEFAULTS,
        ch -> {
          if (diskFails.get()) {
            throw new IOException("the disk refused the force (test)");
          }
          ch.force(false);
        });
  }

  @Test
  void oneThreadsEventsShareForcesAndAreAllDurableOnceTheCallSettles() throws Exception {
    // the disk holds the first force until the call has handed over all its events: a record
    // that waited for its own force would never return (the test's timeout), and the four after
    // the first go into one group
    CountDownLatch handedOver = new CountDownLatch(1);
    AtomicInteger forces = new AtomicInteger();
    List<String> ids = new ArrayList<>();
    try (AuditSpool spool =
        new AuditSpool(
            folder,
            JournalSettings.DEFAULTS,
            ch -> {
              try {
                handedOver.await(30, TimeUnit.SECONDS); // bounded: a failing run still ends
              } catch (InterruptedException e) {
                throw new IOException(e);
              }
              forces.incrementAndGet();
              ch.force(false);
            })) {
      AuditTrail trail = new AuditTrail(spool, "test");
      AuditContext ctx = CALL.withDeferral(trail.defer());
      assertTimeoutPreemptively(
          Duration.ofSeconds(20),
          () -> {
            for (int i = 0; i < 5; i++) {
              AuditEvent e =
                  trail.events().fhirRead(ctx, "http://fhir", "GET", "Observation?page=" + i, 200);
              trail.record(ctx, e);
              ids.add(e.getIdElement().getIdPart());
            }
          });
      handedOver.countDown();

      trail.settle(ctx.deferral());

      assertEquals(0, trail.open());
      assertTrue(forces.get() <= 2, forces.get() + " forces for 5 events of one thread");
    }
    Set<String> kept = new HashSet<>();
    try (AuditSpool reopened = new AuditSpool(folder)) {
      reopened.oldest(100).forEach(e -> kept.add(e.id()));
    }
    assertEquals(new HashSet<>(ids), kept, "every event of the call is in the journal");
  }

  @Test
  void anEventTheDiskRefusedFailsTheSettleWith7071() {
    try (AuditSpool spool = spool()) {
      AuditTrail trail = new AuditTrail(spool, "test");
      AuditContext ctx = CALL.withDeferral(trail.defer());
      diskFails.set(true);

      trail.record(ctx, event(trail, ctx)); // handed over: the failure shows at the settle

      FcdsException x = assertThrows(FcdsException.class, () -> trail.settle(ctx.deferral()));
      assertEquals(7071, x.code());
      assertEquals(0, trail.open());
    }
  }

  @Test
  void afterTheSettleAndWithoutADeferralEachEventIsWrittenBeforeRecordReturns() {
    try (AuditSpool spool = spool()) {
      AuditTrail trail = new AuditTrail(spool, "test");
      AuditContext ctx = CALL.withDeferral(trail.defer());
      trail.settle(ctx.deferral());
      diskFails.set(true);

      // a report written behind an answered card: the settle is past, the write fails closed
      assertEquals(
          7071,
          assertThrows(FcdsException.class, () -> trail.record(ctx, event(trail, ctx))).code());
      assertEquals(
          7071,
          assertThrows(FcdsException.class, () -> trail.record(CALL, event(trail, CALL))).code());
      trail.settle(null); // nothing deferred: nothing to wait for
      trail.settle("never-opened");
    }
  }

  @Test
  void anEventAnotherThreadHandedOverIsWaitedForByTheSettleOfTheCallThatUsesIt() {
    // the change feed's poll hands its event over and goes on; the hook that uses the poll waits
    // for it at its settle (a refused force fails that hook's answer), or at once without a
    // deferral (a job) or after its settle
    try (AuditSpool spool = spool()) {
      AuditTrail trail = new AuditTrail(spool, "test");
      AuditContext hook = CALL.withDeferral(trail.defer());
      diskFails.set(true);
      java.util.concurrent.CompletableFuture<Void> poll = trail.recordLater(event(trail, FEED));

      trail.await(hook, poll); // joins the deferral: no wait, no failure yet

      assertEquals(
          7071, assertThrows(FcdsException.class, () -> trail.settle(hook.deferral())).code());
      assertEquals(7071, assertThrows(FcdsException.class, () -> trail.await(CALL, poll)).code());
      assertEquals(7071, assertThrows(FcdsException.class, () -> trail.await(hook, poll)).code());
      diskFails.set(false);
      java.util.concurrent.CompletableFuture<Void> next = trail.recordLater(event(trail, FEED));
      trail.await(null, next);
      assertTrue(next.isDone() && !next.isCompletedExceptionally());
    }
  }

  private static AuditEvent event(AuditTrail trail, AuditContext ctx) {
    return trail.events().fhirRead(ctx, "http://fhir", "GET", "Patient/p-1", 200);
  }
}
