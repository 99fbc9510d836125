package org.fusioncds.audit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.AuditContext;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.sandbox.SandboxFhirServer;
import org.fusioncds.security.Caller;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit trail against a real HAPI FHIR JPA server (the in-JVM sandbox, FHIR R4): batches arrive
 * as transactions of PUTs, a resent batch creates no duplicate, the client interceptor records
 * every GET with its status, and events spooled while the server is down arrive exactly once after
 * it comes back on the same port. One server start for all tests but the last, which restarts it.
 */
@TestMethodOrder(OrderAnnotation.class)
class AuditShipperIT {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final Caller CALLER =
      new Caller("https://ehr.example.org", "ehr-client", "ehr-app", "jti-1", null, null, null);
  private static final AuditEvents EVENTS = new AuditEvents("it-site");

  private static int port;
  private static SandboxFhirServer server;

  @TempDir Path folder;

  @BeforeAll
  static void startServer() {
    FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    port = FreePorts.find();
    server = SandboxFhirServer.start(new SandboxFhirServer.Settings(port, true));
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  @Order(1)
  void shipsEveryEventWhileTheServerIsUp() {
    AuditSpool spool = new AuditSpool(folder);
    List<String> ids = appendMixed(spool, 25, context("p-1"));

    try (AuditShipper shipper = shipper(spool, 10)) {
      shipper.start();
      assertTrue(shipper.flush(Duration.ofSeconds(60)), "spool emptied");
      assertEquals(25, shipper.sent());
    }

    assertEquals(0, spool.size());
    assertEquals(Set.copyOf(ids), idsOnServer(ids));
  }

  @Test
  @Order(2)
  void resendingABatchWhoseAnswerWasLostCreatesNoDuplicate() {
    AuditSpool spool = new AuditSpool(folder);
    List<String> ids = appendMixed(spool, 6, context("p-2"));
    List<AuditSpool.Entry> batch = spool.oldest(10);

    AuditBatch.send(client(), batch);
    AuditBatch.send(client(), batch); // the first answer "was lost": the same batch again
    batch.forEach(spool::remove);

    assertEquals(6, countOnServer(ids));
    assertEquals(0, spool.size());
  }

  @Test
  @Order(3)
  void shipsAThousandEventsAndReportsTheRate() {
    AuditSpool spool = new AuditSpool(folder);
    List<String> ids = appendMixed(spool, 1000, context("p-3"));

    long t0 = System.nanoTime();
    try (AuditShipper shipper = shipper(spool, 100)) {
      shipper.start();
      assertTrue(shipper.flush(Duration.ofSeconds(240)), "spool emptied");
    }
    double seconds = (System.nanoTime() - t0) / 1e9;

    System.out.printf(
        "audit shipping: 1000 events in batches of 100 in %.1f s = %.0f events/s%n",
        seconds, 1000 / seconds);
    assertEquals(1000, countOnServer(ids));
  }

  @Test
  @Order(3)
  void whileCallsAreAnsweredTheShipperWaitsThenShipsWhenTheyEnd() throws Exception {
    AuditSpool spool = new AuditSpool(folder);
    AtomicInteger calls = new AtomicInteger(2);
    try (AuditShipper shipper = givingWay(spool, calls, Duration.ofSeconds(60))) {
      shipper.start();
      List<String> ids = appendMixed(spool, 8, context("p-6"));

      Thread.sleep(800); // 16 of the shipper's 50 ms intervals: it would have shipped by now
      assertEquals(0, shipper.sent());
      assertEquals(8, spool.size());
      assertEquals(1, shipper.gaveWay());

      calls.set(0);
      await().atMost(Duration.ofSeconds(10)).until(() -> spool.size() == 0);
      assertEquals(8, shipper.sent());
      assertEquals(8, countOnServer(ids));
    }
  }

  @Test
  @Order(3)
  void eventsThatWaitedTheGiveWayAreShippedWhileCallsGoOn() {
    AuditSpool spool = new AuditSpool(folder);
    AtomicInteger calls = new AtomicInteger(50); // the calls never end
    long t0 = System.nanoTime();
    try (AuditShipper shipper = givingWay(spool, calls, Duration.ofMillis(700))) {
      shipper.start();
      List<String> ids = appendMixed(spool, 12, context("p-7"));

      await().atMost(Duration.ofSeconds(20)).until(() -> spool.size() == 0);
      double waited = (System.nanoTime() - t0) / 1e9;
      assertTrue(waited >= 0.7, "shipped after " + waited + " s, before the give-way");
      assertEquals(12, countOnServer(ids));
      assertEquals(1, shipper.gaveWay());
    }
  }

  @Test
  @Order(3)
  void aFlushShipsAtOnceWhileCallsAreAnswered() {
    AuditSpool spool = new AuditSpool(folder);
    try (AuditShipper shipper = givingWay(spool, new AtomicInteger(3), Duration.ofMinutes(10))) {
      shipper.start();
      List<String> ids = appendMixed(spool, 5, context("p-8"));

      assertTrue(shipper.flush(Duration.ofSeconds(20)), "spool emptied");
      assertEquals(5, countOnServer(ids));
    }
  }

  /** A shipper (batches of 4, 50 ms interval) that gives way while {@code calls} is above 0. */
  private static AuditShipper givingWay(AuditSpool spool, AtomicInteger calls, Duration giveWay) {
    return new AuditShipper(
        spool,
        AuditShipperIT::client,
        4,
        Duration.ofMillis(50),
        AuditShipper.backoff(Duration.ofMillis(50), Duration.ofSeconds(1)),
        calls::get,
        giveWay);
  }

  @Test
  @Order(4)
  void interceptorRecordsEveryGetWithItsStatusButNoPost() {
    IGenericClient plain = client();
    String patient = plain.create().resource(new Patient()).execute().getId().getIdPart();
    for (int i = 0; i < 2; i++) {
      Observation o = new Observation().setStatus(Observation.ObservationStatus.FINAL);
      o.setSubject(new Reference("Patient/" + patient)).setCode(new CodeableConcept());
      plain.create().resource(o).execute();
    }
    AuditSpool spool = new AuditSpool(folder);
    AuditTrail trail = new AuditTrail(spool, "it-site");
    IGenericClient audited = client();
    audited.registerInterceptor(
        new AuditingClientInterceptor(trail, context(patient), server.baseUrl()));

    audited.read().resource(Patient.class).withId(patient).execute();
    Bundle page =
        audited
            .search()
            .byUrl("Observation?subject=Patient/" + patient + "&_count=1")
            .returnBundle(Bundle.class)
            .execute();
    audited.loadPage().next(page).execute();
    assertThrows(
        ResourceNotFoundException.class,
        () -> audited.read().resource(Patient.class).withId("no-such-patient").execute());
    audited.create().resource(new Patient()).execute();

    List<AuditEvent> recorded = spool.oldest(100).stream().map(AuditSpool.Entry::event).toList();
    assertEquals(
        List.of("read/0", "search-type/0", "search/0", "read/4"),
        recorded.stream()
            .map(e -> e.getSubtypeFirstRep().getCode() + "/" + e.getOutcome().toCode())
            .toList());
    assertEquals(
        "Patient/" + patient,
        recorded.get(0).getEntity().stream()
            .filter(x -> "4".equals(x.getRole().getCode()))
            .findFirst()
            .orElseThrow()
            .getWhat()
            .getReference());
  }

  @Test
  @Order(5)
  void interceptorFailsTheReadWhenTheEventCannotBeSpooled() throws Exception {
    Path spoolFolder = folder.resolve("spool");
    AuditTrail trail = new AuditTrail(new AuditSpool(spoolFolder), "it-site");
    try (Stream<Path> files = Files.walk(spoolFolder)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    Files.writeString(spoolFolder, "not a folder");
    IGenericClient audited = client();
    audited.registerInterceptor(
        new AuditingClientInterceptor(trail, context("p-5"), server.baseUrl()));

    Exception e =
        assertThrows(
            Exception.class,
            () -> audited.search().byUrl("Patient?_count=1").returnBundle(Bundle.class).execute());

    assertEquals(7071, fcdsCode(e), e.toString());
  }

  @Test
  @Order(6)
  void sandboxKeepsTheVersionOfAWrittenReference() {
    DiagnosticReport report = new DiagnosticReport();
    report.setStatus(DiagnosticReport.DiagnosticReportStatus.PRELIMINARY);
    report.setCode(new CodeableConcept(new Coding("http://loinc.org", "18748-4", null)));
    String location = client().create().resource(report).execute().getId().getValue();
    String versioned = location.substring(location.indexOf("DiagnosticReport/"));
    AuditSpool spool = new AuditSpool(folder);
    AuditEvent write =
        EVENTS.fhirWrite(context("p-6"), server.baseUrl(), List.of(versioned), 200, null);
    spool.append(write);

    AuditBatch.send(client(), spool.oldest(1));

    AuditEvent stored =
        client()
            .read()
            .resource(AuditEvent.class)
            .withId(write.getIdElement().getIdPart())
            .execute();
    assertTrue(versioned.endsWith("/_history/1"), versioned);
    assertTrue(
        stored.getEntity().stream().anyMatch(x -> versioned.equals(x.getWhat().getReference())),
        "stored: " + stored.getEntity().stream().map(x -> x.getWhat().getReference()).toList());
  }

  @Test
  @Order(7)
  void eventsSpooledWhileTheServerIsDownArriveExactlyOnceAfterItReturns() throws Exception {
    AuditSpool spool = new AuditSpool(folder);
    AtomicInteger attempts = new AtomicInteger();
    try (AuditShipper shipper = shipper(spool, 10, attempts)) {
      shipper.start();
      server.close();
      server = null;
      List<String> ids = appendMixed(spool, 40, context("p-7"));
      int before = attempts.get();
      // two more attempts: the first of them saw the 40 events, failed and backed off
      await().atMost(Duration.ofSeconds(30)).until(() -> attempts.get() >= before + 2);
      assertEquals(40, spool.size());
      assertEquals(0, shipper.sent());

      server = SandboxFhirServer.start(new SandboxFhirServer.Settings(port, true));
      assertTrue(shipper.flush(Duration.ofSeconds(120)), "spool emptied after the restart");

      assertEquals(40, shipper.sent());
      assertEquals(40, totalOnServer());
      assertEquals(Set.copyOf(ids), idsOnServer(ids));
    }
  }

  // --- helpers ---

  private static AuditContext context(String patientId) {
    return new AuditContext(
        "req-" + patientId, "hook-" + patientId, CALLER, "127.0.0.1", patientId, null);
  }

  /** Appends n events of the kinds the flow records, returning their ids in order. */
  private static List<String> appendMixed(AuditSpool spool, int n, AuditContext ctx) {
    List<String> ids = new ArrayList<>();
    String base = "http://127.0.0.1:" + port + "/fhir";
    for (int i = 0; i < n; i++) {
      AuditEvent e =
          switch (i % 4) {
            case 0 -> EVENTS.hookCall(ctx, "cxr-fusion", "patient-view", 200, null);
            case 1 ->
                EVENTS.fhirRead(ctx, base, "GET", "Observation?patient=" + ctx.patientId(), 200);
            case 2 ->
                EVENTS.dicomRead(
                    ctx, "http://127.0.0.1:1/dicom-web", "1.2.3", null, null, true, null);
            default -> EVENTS.fhirRead(ctx, base, "GET", "Patient/" + ctx.patientId(), 404);
          };
      spool.append(e);
      ids.add(e.getIdElement().getIdPart());
    }
    return ids;
  }

  private static AuditShipper shipper(AuditSpool spool, int batch) {
    return shipper(spool, batch, new AtomicInteger());
  }

  /** A shipper that counts its attempts in {@code attempts} (it asks for a client before each). */
  private static AuditShipper shipper(AuditSpool spool, int batch, AtomicInteger attempts) {
    Supplier<IGenericClient> repository =
        () -> {
          attempts.incrementAndGet();
          return client();
        };
    return new AuditShipper(spool, repository, batch, Duration.ofMillis(100));
  }

  private static IGenericClient client() {
    return FHIR.newRestfulGenericClient("http://127.0.0.1:" + port + "/fhir");
  }

  private static int countOnServer(List<String> ids) {
    int total = 0;
    for (int i = 0; i < ids.size(); i += 50) {
      String some = String.join(",", ids.subList(i, Math.min(ids.size(), i + 50)));
      total +=
          client()
              .search()
              .byUrl("AuditEvent?_id=" + some + "&_summary=count")
              .returnBundle(Bundle.class)
              .execute()
              .getTotal();
    }
    return total;
  }

  private static Set<String> idsOnServer(List<String> ids) {
    List<String> found = new ArrayList<>();
    for (int i = 0; i < ids.size(); i += 50) {
      String some = String.join(",", ids.subList(i, Math.min(ids.size(), i + 50)));
      Bundle b =
          client()
              .search()
              .byUrl("AuditEvent?_id=" + some + "&_count=100&_elements=id")
              .returnBundle(Bundle.class)
              .execute();
      b.getEntry().forEach(x -> found.add(x.getResource().getIdElement().getIdPart()));
    }
    assertEquals(found.size(), Set.copyOf(found).size(), "every id once");
    return found.stream().collect(Collectors.toSet());
  }

  private static int totalOnServer() {
    return client()
        .search()
        .byUrl("AuditEvent?_summary=count")
        .returnBundle(Bundle.class)
        .execute()
        .getTotal();
  }

  private static int fcdsCode(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof FcdsException f) {
        return f.code();
      }
    }
    return -1;
  }
}
