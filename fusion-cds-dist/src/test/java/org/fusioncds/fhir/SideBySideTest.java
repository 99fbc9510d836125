package org.fusioncds.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.junit.jupiter.api.Test;

class SideBySideTest {

  /** Each read waits for the other to start: the pair only ends when both run at the same time. */
  @Test
  void theTwoReadsRunAtTheSameTime() throws Exception {
    CyclicBarrier meet = new CyclicBarrier(2);
    try (SideBySide s = new SideBySide(2)) {
      SideBySide.Pair<String, String> p =
          s.both(() -> meetThen(meet, "patient"), () -> meetThen(meet, "studies"));
      assertEquals("patient", p.first());
      assertEquals("studies", p.second());
    }
  }

  @Test
  void whenEveryThreadIsBusyTheCallerMakesBothReadsItselfWithoutWaiting() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch held = new CountDownLatch(1);
    try (SideBySide s = new SideBySide(1)) {
      Thread holder =
          new Thread(
              () ->
                  s.both(
                      () -> "first",
                      () -> {
                        held.countDown();
                        return await(release);
                      }));
      holder.start();
      assertTrue(held.await(10, TimeUnit.SECONDS), "the one pool thread is taken");
      String caller = Thread.currentThread().getName();
      SideBySide.Pair<String, String> p =
          s.both(() -> Thread.currentThread().getName(), () -> Thread.currentThread().getName());
      assertEquals(caller, p.first());
      assertEquals(caller, p.second(), "the second read ran on the caller, not in a queue");
      AtomicBoolean secondRan = new AtomicBoolean();
      assertThrows(
          FcdsException.class,
          () ->
              s.both(
                  () -> {
                    throw new FcdsException(ErrorCode.FHIR_NOT_FOUND, "Patient/p1: gone");
                  },
                  () -> secondRan.getAndSet(true)));
      assertFalse(secondRan.get(), "one after the other, as without a pool: no second read");
      release.countDown();
      holder.join(10_000);
    }
  }

  @Test
  void withNoThreadsEveryPairIsMadeOneAfterTheOther() {
    try (SideBySide s = new SideBySide(0)) {
      String caller = Thread.currentThread().getName();
      SideBySide.Pair<String, String> p =
          s.both(() -> Thread.currentThread().getName(), () -> Thread.currentThread().getName());
      assertEquals(caller, p.first());
      assertEquals(caller, p.second());
    }
    assertThrows(IllegalArgumentException.class, () -> new SideBySide(-1));
  }

  @Test
  void whenBothFailTheFirstErrorIsThrownAndTheSecondReadHasEnded() {
    AtomicBoolean secondEnded = new AtomicBoolean();
    FcdsException notFound = new FcdsException(ErrorCode.FHIR_NOT_FOUND, "Patient/p1: gone");
    try (SideBySide s = new SideBySide(2)) {
      FcdsException thrown =
          assertThrows(
              FcdsException.class,
              () ->
                  s.both(
                      () -> {
                        throw notFound;
                      },
                      () -> {
                        sleep(200);
                        secondEnded.set(true);
                        throw new FcdsException(ErrorCode.FHIR_UNREACHABLE, "studies: refused");
                      }));
      assertSame(notFound, thrown);
      assertTrue(secondEnded.get(), "both() returned while the second read was still running");
    }
  }

  @Test
  void whenOnlyTheSecondFailsItsOwnErrorIsThrown() {
    FcdsException refused = new FcdsException(ErrorCode.FHIR_UNREACHABLE, "studies: refused");
    try (SideBySide s = new SideBySide(2)) {
      String caller = Thread.currentThread().getName();
      FcdsException thrown =
          assertThrows(
              FcdsException.class,
              () ->
                  s.both(
                      () -> "patient",
                      () -> {
                        assertNotEquals(caller, Thread.currentThread().getName());
                        throw refused;
                      }));
      assertSame(refused, thrown);
    }
  }

  private static String meetThen(CyclicBarrier meet, String value) {
    try {
      meet.await(10, TimeUnit.SECONDS);
      return value;
    } catch (Exception e) {
      throw new IllegalStateException("the other read did not run alongside — " + e, e);
    }
  }

  private static String await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
      return "second";
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
