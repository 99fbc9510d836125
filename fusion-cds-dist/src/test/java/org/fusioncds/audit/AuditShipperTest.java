package org.fusioncds.audit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.AuditContext;
import org.fusioncds.sandbox.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipper when no audit repository answers (a closed port on loopback). */
class AuditShipperTest {

  private static final AuditEvents EVENTS = new AuditEvents("test-site");
  private static final AuditContext CTX = new AuditContext("req-1", null, null, null, null, null);

  @TempDir Path folder;

  @Test
  void keepsEveryEventWhileTheRepositoryCannotBeReached() throws Exception {
    AuditSpool spool = new AuditSpool(folder);
    for (int i = 0; i < 7; i++) {
      spool.append(EVENTS.fhirRead(CTX, "http://fhir", "GET", "Patient/" + i, 200));
    }
    AtomicInteger attempts = new AtomicInteger();
    Supplier<IGenericClient> nobody = nobody();
    Supplier<IGenericClient> counted =
        () -> {
          attempts.incrementAndGet(); // the shipper asks for a client before every batch
          return nobody.get();
        };
    AuditShipper shipper = new AuditShipper(spool, counted, 5, Duration.ofMillis(20));

    shipper.start();
    // three attempts: the first two failed, each followed by a back-off
    await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() >= 3);
    boolean flushed = shipper.flush(Duration.ofMillis(300));
    shipper.close();

    assertFalse(flushed);
    assertEquals(0, shipper.sent());
    assertEquals(7, spool.size());
  }

  @Test
  void aSettingOutOfRangeIsRefusedWithItsCodeAndValues() {
    for (Object[] bad :
        new Object[][] {
          {0, 20L, 0L, "got 0, 20 and 0"},
          {5, 0L, 0L, "got 5, 0 and 0"},
          {5, 20L, -1L, "got 5, 20 and -1"}
        }) {
      FcdsException e =
          assertThrows(
              FcdsException.class,
              () ->
                  new AuditShipper(
                      new AuditSpool(folder),
                      nobody(),
                      (int) bad[0],
                      Duration.ofMillis((long) bad[1]),
                      AuditShipper.backoff(Duration.ofMillis(10), Duration.ofMillis(40)),
                      () -> 0,
                      Duration.ofMillis((long) bad[2])));
      assertEquals(ErrorCode.AUDIT_SHIPPER_SETTINGS, e.errorCode());
      assertTrue(e.getMessage().contains((String) bad[3]), e.getMessage());
    }
  }

  @Test
  void aSecondStartStartsNoSecondSender() {
    try (AuditShipper shipper =
        new AuditShipper(new AuditSpool(folder), nobody(), 5, Duration.ofMillis(20))) {
      shipper.start();
      long before = senders();

      shipper.start();

      assertEquals(before, senders());
    }
  }

  private static long senders() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("audit-shipper") && t.isAlive())
        .count();
  }

  private static Supplier<IGenericClient> nobody() {
    FhirContext fhir = FhirContext.forR4Cached();
    fhir.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    String base = "http://127.0.0.1:" + FreePorts.find() + "/fhir";
    return () -> fhir.newRestfulGenericClient(base);
  }

  @Test
  void aFailureOfOurOwnIsLoggedWithItsCodeNotAsAPlainError() {
    assertEquals(
        "FCDS-7073",
        AuditShipper.status(
            new org.fusioncds.error.FcdsException(
                org.fusioncds.error.ErrorCode.AUDIT_BATCH_REFUSED, "answer has 1 entries for 2")));
    assertEquals(
        "no answer",
        AuditShipper.status(
            new ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException("refused")));
    assertEquals(
        "status 422",
        AuditShipper.status(
            new ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException("no")));
  }
}
