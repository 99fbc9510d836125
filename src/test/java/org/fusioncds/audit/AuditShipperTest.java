package org.fusioncds.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
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
    AuditShipper shipper = new AuditShipper(spool, nobody(), 5, Duration.ofMillis(20));

    shipper.start();
    Thread.sleep(500);
    boolean flushed = shipper.flush(Duration.ofMillis(300));
    shipper.close();

    assertFalse(flushed);
    assertEquals(0, shipper.sent());
    assertEquals(7, spool.size());
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
}
